import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { keystoneFormat } from '../http/formats.js';
import type { Site } from '../site.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerVersionRoutes } from './routes/versions.js';

/** Keystone v3 on the site's base port. */
export function createKeystoneApp(site: Site): FastifyInstance {
  const app = createServiceApp({
    name: 'keystone',
    errorFormat: keystoneFormat,
    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  registerVersionRoutes(app, site);
  registerAuthRoutes(app, site);
  return app;
}
