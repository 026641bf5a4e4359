import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { keystoneFormat } from '../http/formats.js';
import type { SiteHost } from '../host.js';
import { registerAppCredentialRoutes } from './routes/app-credentials.js';
import { registerAssignmentRoutes } from './routes/assignments.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerDomainRoutes } from './routes/domains.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerRoleRoutes } from './routes/roles.js';
import { registerTrustRoutes } from './routes/trusts.js';
import { registerUserRoutes } from './routes/users.js';
import { registerVersionRoutes } from './routes/versions.js';

/** Keystone v3 on the site's base port. */
export function createKeystoneApp(site: SiteHost): FastifyInstance {
  const app = createServiceApp({
    name: 'keystone',
    errorFormat: keystoneFormat,
    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  registerVersionRoutes(app, site);
  registerAuthRoutes(app, site);
  registerDomainRoutes(app, site);
  registerProjectRoutes(app, site);
  registerUserRoutes(app, site);
  registerRoleRoutes(app, site);
  registerAssignmentRoutes(app, site);
  registerCatalogRoutes(app, site);
  registerAppCredentialRoutes(app, site);
  registerTrustRoutes(app, site);
  return app;
}
