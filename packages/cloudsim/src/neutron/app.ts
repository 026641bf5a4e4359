import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { neutronFormat } from '../http/formats.js';
import type { SiteHost } from '../host.js';
import { registerNetworkRoutes } from './routes/networks.js';
import { registerPortRoutes } from './routes/ports.js';
import { registerQuotaRoutes } from './routes/quotas.js';
import { registerSecurityGroupRuleRoutes } from './routes/security-group-rules.js';
import { registerSecurityGroupRoutes } from './routes/security-groups.js';
import { registerSubnetRoutes } from './routes/subnets.js';
import { registerVersionRoutes } from './routes/versions.js';

/** Neutron v2.0 on the site's port for it. */
export function createNeutronApp(site: SiteHost): FastifyInstance {
  const app = createServiceApp({
    name: 'neutron',
    errorFormat: neutronFormat,
    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  registerVersionRoutes(app, site);
  registerNetworkRoutes(app, site);
  registerSubnetRoutes(app, site);
  registerPortRoutes(app, site);
  registerSecurityGroupRoutes(app, site);
  registerSecurityGroupRuleRoutes(app, site);
  registerQuotaRoutes(app, site);
  return app;
}
