import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { computeFormat } from '../http/formats.js';
import type { Site } from '../site.js';

/** Nova on the site's port for it. */
export function createNovaApp(site: Site): FastifyInstance {
  const app = createServiceApp({
    name: 'nova',
    errorFormat: computeFormat,
    microversion: { serviceType: 'compute', legacyHeader: 'X-OpenStack-Nova-API-Version', min: '2.1', max: '2.90' },
    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  return app;
}
