import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { glanceFormat } from '../http/formats.js';
import type { SiteHost } from '../host.js';
import { registerImageDataRoutes } from './routes/image-data.js';
import { registerImageRoutes } from './routes/images.js';
import { registerMemberRoutes } from './routes/members.js';
import { registerSchemaRoutes } from './routes/schemas.js';
import { registerVersionRoutes } from './routes/versions.js';

/** Glance v2 on the site's port for it. */
export function createGlanceApp(site: SiteHost): FastifyInstance {
  const app = createServiceApp({
    name: 'glance',
    errorFormat: glanceFormat,
    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  registerVersionRoutes(app, site);
  registerImageRoutes(app, site);
  registerImageDataRoutes(app, site);
  registerMemberRoutes(app, site);
  registerSchemaRoutes(app);
  return app;
}
