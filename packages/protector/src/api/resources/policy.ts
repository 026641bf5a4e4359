import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ProtectionGroups, type ReplicationPolicy } from '../../db/protection-groups.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { isoTime } from '../time.js';
import { NoQuery } from './schemas.js';
import { loadPg, markChanged, PgParams, requireInSync, tenant } from './tenant.js';

const Retention = Type.Object(
  {
    all_for_sec: Type.Integer({ minimum: 0, maximum: 31_536_000 }),
    per_day: Type.Integer({ minimum: 0, maximum: 1440 }),
    days: Type.Integer({ minimum: 0, maximum: 4000 }),
  },
  { additionalProperties: false },
);

export const PolicyBody = Type.Object(
  {
    interval_minutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    rpo_minutes: Type.Integer({ minimum: 1, maximum: 10080 }),
    retention: Type.Object({ source: Retention, target: Retention }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
const PolicyPut = Type.Object({ policy: PolicyBody }, { additionalProperties: false });

const view = (p: ReplicationPolicy) => ({ ...p, updated_at: isoTime(p.updated_at) });

/** `…/{pg}/policy`: replication interval, RPO target and snapshot retention on both arrays. */
export function registerPolicy(app: FastifyInstance, deps: ApiDeps): void {
  const pgs = new ProtectionGroups(deps.db, deps.now);

  app.get<{ Params: PgParams }>('/v1/:project_id/protection-groups/:pg_id/policy', { schema: { params: PgParams, querystring: NoQuery } }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:policy:show');
    const pg = await loadPg(pgs, project_id, pg_id);
    const p = await pgs.policy(pg.id);
    if (!p) throw notFound(`Replication policy of protection group ${pg.id}`);
    return { policy: view(p) };
  });

  app.put<{ Params: PgParams; Body: Static<typeof PolicyPut> }>(
    '/v1/:project_id/protection-groups/:pg_id/policy',
    { schema: { params: PgParams, querystring: NoQuery, body: PolicyPut } },
    async (request) => {
      const { project_id, pg_id } = request.params;
      tenant(deps, request, project_id, 'protector:policy:update');
      const pg = await loadPg(pgs, project_id, pg_id);
      requireInSync(pg);
      if (pg.status === 'deleting') throw conflict(`Protection group ${pg.id} is being deleted.`);
      const b = request.body.policy;
      // An RPO shorter than the interval could never be met: every snapshot would arrive late.
      if (b.rpo_minutes < b.interval_minutes) {
        throw badRequest('policy.rpo_minutes', `${b.rpo_minutes} is shorter than policy.interval_minutes (${b.interval_minutes}); it could never be met.`);
      }
      const p = await pgs.setPolicy(pg.id, b);
      await markChanged(pgs, pg.id);
      return { policy: view(p) };
    },
  );
}
