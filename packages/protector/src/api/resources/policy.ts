import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PolicyRoutes, type Policy } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { ProtectionGroups, type ReplicationPolicy } from '../../db/protection-groups.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { isoTime } from '../time.js';
import { loadPg, markChanged, requireInSync, tenant } from './tenant.js';

const view = (p: ReplicationPolicy): Policy => ({ ...p, updated_at: isoTime(p.updated_at) });

/** `…/{pg}/policy`: replication interval, RPO target and snapshot retention on both arrays. */
export function registerPolicy(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const pgs = new ProtectionGroups(deps.db, deps.now);

  app.get('/v1/:project_id/protection-groups/:pg_id/policy', { schema: PolicyRoutes.show }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:policy:show');
    const pg = await loadPg(pgs, project_id, pg_id);
    const p = await pgs.policy(pg.id);
    if (!p) throw notFound(`Replication policy of protection group ${pg.id}`);
    return { policy: view(p) };
  });

  app.put(
    '/v1/:project_id/protection-groups/:pg_id/policy',
    { schema: PolicyRoutes.update },
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
