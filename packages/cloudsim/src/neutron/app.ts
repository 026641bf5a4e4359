import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { neutronFormat } from '../http/formats.js';
import type { Site } from '../site.js';

/** Neutron on the site's port for it. */
export function createNeutronApp(site: Site): FastifyInstance {
  const app = createServiceApp({
    name: 'neutron',
    errorFormat: neutronFormat,

    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  return app;
}
