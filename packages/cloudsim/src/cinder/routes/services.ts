import type { FastifyInstance } from 'fastify';
import { isoMicros } from '../../timestamps.js';
import type { SiteHost } from '../../host.js';
import { AVAILABILITY_ZONE } from '../model.js';
import { P, requireAdmin, type ProjectParams } from './common.js';

/** os-services (admin) and os-availability-zone: one always-up scheduler and volume backend. */
export function registerServiceRoutes(app: FastifyInstance, site: SiteHost): void {
  app.get<{ Params: ProjectParams; Querystring: { host?: string; binary?: string } }>(
    `${P}/os-services`,
    { schema: { querystring: { type: 'object', properties: { host: { type: 'string', maxLength: 255 }, binary: { type: 'string', maxLength: 255 } } } } },
    async (req) => {
      requireAdmin(req, 'volume_extension:services:index');
      const updated = isoMicros(site.ctx.clock.now());
      const backend = site.cinder.host.split('#')[0]!;
      const all = [
        { binary: 'cinder-scheduler', host: 'cloudsim' },
        { binary: 'cinder-volume', host: backend },
      ].map((s) => ({ ...s, zone: AVAILABILITY_ZONE, status: 'enabled', state: 'up', updated_at: updated, disabled_reason: null }));
      return { services: all.filter((s) => (!req.query.host || s.host === req.query.host) && (!req.query.binary || s.binary === req.query.binary)) };
    },
  );

  app.get<{ Params: ProjectParams }>(`${P}/os-availability-zone`, async () => ({
    availabilityZoneInfo: [{ zoneName: AVAILABILITY_ZONE, zoneState: { available: true } }],
  }));
}
