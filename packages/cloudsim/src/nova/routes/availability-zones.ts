import type { FastifyInstance } from 'fastify';
import { isoSeconds } from '../../timestamps.js';
import type { SiteHost } from '../../host.js';
import { AVAILABILITY_ZONE } from '../model.js';
import { requireAdmin } from './common.js';

/** os-availability-zone: one zone, "nova", on the site's one compute host. */
export function registerAvailabilityZoneRoutes(app: FastifyInstance, site: SiteHost): void {
  const host = () => site.nova.host;
  app.get('/v2.1/os-availability-zone', async () => ({
    availabilityZoneInfo: [{ zoneName: AVAILABILITY_ZONE, zoneState: { available: true }, hosts: null }],
  }));
  app.get('/v2.1/os-availability-zone/detail', async (req) => {
    requireAdmin(req, 'os_compute_api:os-availability-zone:detail');
    const svc = (name: string) => ({ [name]: { available: true, active: true, updated_at: isoSeconds(site.ctx.clock.now()).replace('Z', '.000000') } });
    return {
      availabilityZoneInfo: [
        { zoneName: 'internal', zoneState: { available: true }, hosts: { [host()]: { ...svc('nova-conductor'), ...svc('nova-scheduler') } } },
        { zoneName: AVAILABILITY_ZONE, zoneState: { available: true }, hosts: { [host()]: svc('nova-compute') } },
      ],
    };
  });
}
