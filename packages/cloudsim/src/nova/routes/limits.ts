import type { FastifyInstance } from 'fastify';
import { policyForbidden } from '../../http/errors.js';
import { atLeast } from '../../http/microversion.js';
import type { SiteHost } from '../../host.js';
import { caller, schemas } from './common.js';

/** GET /limits: the project's absolute limits and usage (rate limits are long gone from Nova). */
export function registerLimitRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  app.get<{ Querystring: { tenant_id?: string } }>(
    '/v2.1/limits',
    { schema: { querystring: { type: 'object', properties: { tenant_id: schemas.id } } } },
    async (req) => {
      const auth = caller(req);
      const project = req.query.tenant_id ?? auth.projectId ?? '';
      if (project !== auth.projectId && !auth.isAdmin) throw policyForbidden('os_compute_api:limits:other_project');
      const q = nova.quotaLimits(project);
      const used = nova.usage(project);
      const mv = req.microversion;
      const absolute: Record<string, number> = {
        maxServerMeta: q.metadata_items!,
        maxImageMeta: q.metadata_items!,
        maxTotalInstances: q.instances!,
        maxTotalCores: q.cores!,
        maxTotalRAMSize: q.ram!,
        maxTotalKeypairs: q.key_pairs!,
        maxServerGroups: q.server_groups!,
        maxServerGroupMembers: q.server_group_members!,
        totalInstancesUsed: used.instances!,
        totalCoresUsed: used.cores!,
        totalRAMUsed: used.ram!,
        totalServerGroupsUsed: 0,
      };
      if (!atLeast(mv, '2.57')) Object.assign(absolute, { maxPersonality: q.injected_files, maxPersonalitySize: q.injected_file_content_bytes });
      if (!atLeast(mv, '2.36')) {
        Object.assign(absolute, { maxSecurityGroups: 10, maxSecurityGroupRules: 20, maxTotalFloatingIps: 10, totalSecurityGroupsUsed: 0, totalFloatingIpsUsed: 0 });
      }
      return { limits: { rate: [], absolute } };
    },
  );
}
