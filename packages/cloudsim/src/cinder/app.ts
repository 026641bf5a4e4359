import type { FastifyInstance } from 'fastify';
import { badRequest } from '../http/errors.js';
import { createServiceApp } from '../http/service.js';
import { computeFormat } from '../http/formats.js';
import type { SiteHost } from '../host.js';
import { registerAttachmentRoutes } from './routes/attachments.js';
import { registerGroupTypeRoutes } from './routes/group-types.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerManageRoutes } from './routes/manage.js';
import { registerQuotaRoutes } from './routes/quotas.js';
import { registerServiceRoutes } from './routes/services.js';
import { registerSnapshotRoutes } from './routes/snapshots.js';
import { registerTypeRoutes } from './routes/types.js';
import { MAX_MICROVERSION, MIN_MICROVERSION, registerVersionRoutes } from './routes/versions.js';
import { registerVolumeActionRoutes } from './routes/volume-actions.js';
import { registerVolumeMetadataRoutes } from './routes/volume-metadata.js';
import { registerVolumeRoutes } from './routes/volumes.js';

/** Cinder v3 on the site's port for it. */
export function createCinderApp(site: SiteHost): FastifyInstance {
  const app = createServiceApp({
    name: 'cinder',
    errorFormat: computeFormat,
    microversion: { serviceType: 'volume', legacyHeader: 'OpenStack-Volume-microversion', min: MIN_MICROVERSION, max: MAX_MICROVERSION },
    validator: site.validator,
    authUri: site.authUrl,
    faults: site.faults,
  });
  // Cinder's wsgi layer refuses a URL whose project is not the token's, admins included.
  app.addHook('preValidation', async (req) => {
    const params = req.params as { project_id?: string } | undefined;
    if (params?.project_id !== undefined && req.auth && params.project_id !== req.auth.projectId) throw badRequest('Malformed request url');
  });
  registerVersionRoutes(app, site);
  registerVolumeRoutes(app, site);
  registerVolumeActionRoutes(app, site);
  registerVolumeMetadataRoutes(app, site);
  registerAttachmentRoutes(app, site);
  registerTypeRoutes(app, site);
  registerGroupTypeRoutes(app, site);
  registerGroupRoutes(app, site);
  registerSnapshotRoutes(app, site);
  registerManageRoutes(app, site);
  registerQuotaRoutes(app, site);
  registerServiceRoutes(app, site);
  return app;
}
