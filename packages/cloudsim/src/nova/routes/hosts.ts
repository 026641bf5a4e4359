import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isoSeconds } from '../../timestamps.js';
import { atLeast } from '../../http/microversion.js';
import type { SiteHost } from '../../host.js';
import { AVAILABILITY_ZONE } from '../model.js';
import { requireAdmin } from './common.js';

/** A stable UUID per site and name, so ids survive restarts without being stored. */
function stableUuid(seed: string): string {
  const h = createHash('md5').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * os-services and os-hypervisors (admin): the site's one compute host and its control services,
 * with integer ids before 2.53 and UUIDs from it, and hypervisor statistics until 2.88.
 */
export function registerHostRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  const services = ['nova-conductor', 'nova-scheduler', 'nova-compute'];

  app.get('/v2.1/os-services', async (req) => {
    requireAdmin(req, 'os_compute_api:os-services:list');
    const uuids = atLeast(req.microversion, '2.53');
    return {
      services: services.map((binary, i) => ({
        id: uuids ? stableUuid(`${site.ctx.name}/${binary}`) : i + 1,
        binary,
        host: nova.host,
        zone: binary === 'nova-compute' ? AVAILABILITY_ZONE : 'internal',
        status: 'enabled',
        state: 'up',
        updated_at: isoSeconds(nova.now()).replace('Z', '.000000'),
        disabled_reason: null,
        ...(atLeast(req.microversion, '2.11') ? { forced_down: false } : {}),
      })),
    };
  });

  const hypervisor = (mv: Parameters<typeof atLeast>[0], detail: boolean) => {
    const view: Record<string, unknown> = {
      id: atLeast(mv, '2.53') ? stableUuid(`${site.ctx.name}/hypervisor`) : 1,
      hypervisor_hostname: nova.host,
      state: 'up',
      status: 'enabled',
    };
    if (!detail) return view;
    Object.assign(view, {
      hypervisor_type: 'cloudsim',
      hypervisor_version: 1,
      host_ip: site.host,
      service: { id: atLeast(mv, '2.53') ? stableUuid(`${site.ctx.name}/nova-compute`) : 3, host: nova.host, disabled_reason: null },
    });
    if (!atLeast(mv, '2.88')) {
      const servers = nova.listServers();
      const vcpusUsed = servers.reduce((n, s) => n + s.flavor.vcpus, 0);
      const ramUsed = servers.reduce((n, s) => n + s.flavor.ram, 0) + 512;
      const diskUsed = servers.reduce((n, s) => n + (s.image_id === '' ? 0 : s.flavor.disk), 0);
      Object.assign(view, {
        vcpus: 64, memory_mb: 262144, local_gb: 2048,
        vcpus_used: vcpusUsed, memory_mb_used: ramUsed, local_gb_used: diskUsed,
        free_ram_mb: 262144 - ramUsed, free_disk_gb: 2048 - diskUsed, disk_available_least: 2048 - diskUsed,
        current_workload: 0, running_vms: servers.length, cpu_info: '{}',
      });
    } else {
      view.uptime = null;
    }
    return view;
  };
  app.get('/v2.1/os-hypervisors', async (req) => {
    requireAdmin(req, 'os_compute_api:os-hypervisors:list');
    return { hypervisors: [hypervisor(req.microversion, false)] };
  });
  app.get('/v2.1/os-hypervisors/detail', async (req) => {
    requireAdmin(req, 'os_compute_api:os-hypervisors:list-detail');
    return { hypervisors: [hypervisor(req.microversion, true)] };
  });
}
