import type { FastifyInstance } from 'fastify';
import { computeFormat } from '../http/formats.js';
import { createServiceApp } from '../http/service.js';
import type { SiteHost } from '../host.js';
import { registerAvailabilityZoneRoutes } from './routes/availability-zones.js';
import { registerFlavorRoutes } from './routes/flavors.js';
import { registerHostRoutes } from './routes/hosts.js';
import { registerKeypairRoutes } from './routes/keypairs.js';
import { registerLimitRoutes } from './routes/limits.js';
import { registerQuotaRoutes } from './routes/quotas.js';
import { registerServerMetadataRoutes } from './routes/server-metadata.js';
import { registerServerActionRoutes } from './routes/server-actions.js';
import { registerServerRoutes } from './routes/servers.js';
import { registerServerTagRoutes } from './routes/server-tags.js';
import { MAX_MICROVERSION, MIN_MICROVERSION, registerVersionRoutes } from './routes/versions.js';
import { registerVolumeAttachmentRoutes } from './routes/volume-attachments.js';

/** Nova on the site's port for it. */
export function createNovaApp(site: SiteHost): FastifyInstance {
  const app = createServiceApp({
    name: 'nova',
    errorFormat: computeFormat,
    microversion: { serviceType: 'compute', legacyHeader: 'X-OpenStack-Nova-API-Version', min: MIN_MICROVERSION, max: MAX_MICROVERSION },
    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  registerVersionRoutes(app, site);
  registerServerRoutes(app, site);
  registerServerActionRoutes(app, site);
  registerServerMetadataRoutes(app, site);
  registerServerTagRoutes(app, site);
  registerVolumeAttachmentRoutes(app, site);
  registerFlavorRoutes(app, site);
  registerKeypairRoutes(app, site);
  registerQuotaRoutes(app, site);
  registerLimitRoutes(app, site);
  registerAvailabilityZoneRoutes(app, site);
  registerHostRoutes(app, site);
  return app;
}
