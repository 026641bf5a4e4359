import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { glanceFormat } from '../http/formats.js';
import type { Site } from '../site.js';

/** Glance on the site's port for it. */
export function createGlanceApp(site: Site): FastifyInstance {
  const app = createServiceApp({
    name: 'glance',
    errorFormat: glanceFormat,

    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  return app;
}
