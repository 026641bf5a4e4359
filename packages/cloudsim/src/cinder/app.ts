import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { computeFormat } from '../http/formats.js';
import type { Site } from '../site.js';

/** Cinder on the site's port for it. */
export function createCinderApp(site: Site): FastifyInstance {
  const app = createServiceApp({
    name: 'cinder',
    errorFormat: computeFormat,
    microversion: { serviceType: 'volume', legacyHeader: 'OpenStack-Volume-microversion', min: '3.0', max: '3.70' },
    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  return app;
}
