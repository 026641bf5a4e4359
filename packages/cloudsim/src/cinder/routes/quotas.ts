import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SiteHost } from '../../host.js';
import { DEFAULT_QUOTAS, QUOTA_KEYS, type QuotaLimits } from '../quotas.js';
import { policyForbidden } from '../../http/errors.js';
import { P, caller, callerProject, requireAdmin, truthy, type ProjectParams } from './common.js';

const policyCheck = (ok: boolean, rule: string) => {
  if (!ok) throw policyForbidden(rule);
};

type TargetParams = ProjectParams & { target: string };

const quotaProps = Object.fromEntries(QUOTA_KEYS.map((k) => [k, { type: 'integer', minimum: -1 }]));
const updateBody = {
  type: 'object',
  required: ['quota_set'],
  additionalProperties: false,
  properties: { quota_set: { type: 'object', additionalProperties: false, properties: { ...quotaProps, tenant_id: { type: 'string' } } } },
} as const;

/** os-quota-sets (read own, admins read and write any) and /limits. */
export function registerQuotaRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const render = (id: string, limits: QuotaLimits, usage?: Record<string, number>) => {
    const set: Record<string, unknown> = { id };
    for (const k of QUOTA_KEYS) set[k] = usage ? { limit: limits[k], in_use: usage[k] ?? 0, reserved: 0, allocated: 0 } : limits[k];
    // Cinder reports per-type quotas for every volume type; unlimited in the simulation.
    for (const t of cinder.types.list()) {
      for (const k of ['volumes', 'gigabytes', 'snapshots']) set[`${k}_${t.name}`] = usage ? { limit: -1, in_use: 0, reserved: 0, allocated: 0 } : -1;
    }
    return { quota_set: set };
  };
  const target = (req: FastifyRequest<{ Params: TargetParams }>) => {
    const auth = caller(req);
    policyCheck(auth.isAdmin || req.params.target === auth.projectId, 'volume_extension:quotas:show');
    return req.params.target;
  };

  app.get<{ Params: TargetParams; Querystring: { usage?: string } }>(
    `${P}/os-quota-sets/:target`,
    { schema: { querystring: { type: 'object', properties: { usage: { type: 'string', maxLength: 10 } } } } },
    async (req) => {
      const id = target(req);
      return render(id, cinder.quotaLimits(id), truthy(req.query.usage) ? { ...cinder.usage(id) } : undefined);
    },
  );
  app.get<{ Params: TargetParams }>(`${P}/os-quota-sets/:target/defaults`, async (req) => render(target(req), { ...DEFAULT_QUOTAS }));

  app.put<{ Params: TargetParams; Body: { quota_set: Partial<QuotaLimits> & { tenant_id?: string } } }>(
    `${P}/os-quota-sets/:target`,
    { schema: { body: updateBody } },
    async (req) => {
      requireAdmin(req, 'volume_extension:quotas:update');
      const change: Partial<QuotaLimits> = {};
      for (const k of QUOTA_KEYS) if (req.body.quota_set[k] !== undefined) change[k] = req.body.quota_set[k];
      const limits = cinder.setQuotas(req.params.target, change);
      const { quota_set } = render(req.params.target, limits);
      delete quota_set.id;
      return { quota_set };
    },
  );

  app.delete<{ Params: TargetParams }>(`${P}/os-quota-sets/:target`, async (req, reply) => {
    requireAdmin(req, 'volume_extension:quotas:delete');
    cinder.quotas.delete(req.params.target);
    return reply.code(200).send();
  });

  app.get<{ Params: ProjectParams }>(`${P}/limits`, async (req) => {
    const projectId = callerProject(req);
    const l = cinder.quotaLimits(projectId);
    const u = cinder.usage(projectId);
    return {
      limits: {
        rate: [],
        absolute: {
          maxTotalVolumes: l.volumes,
          maxTotalSnapshots: l.snapshots,
          maxTotalVolumeGigabytes: l.gigabytes,
          maxTotalBackups: l.backups,
          maxTotalBackupGigabytes: l.backup_gigabytes,
          totalVolumesUsed: u.volumes,
          totalSnapshotsUsed: u.snapshots,
          totalGigabytesUsed: u.gigabytes,
          totalBackupsUsed: 0,
          totalBackupGigabytesUsed: 0,
        },
      },
    };
  });
}
