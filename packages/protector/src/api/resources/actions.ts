import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ProtectionGroups } from '../../db/protection-groups.js';
import type { ApiDeps } from '../deps.js';
import { conflict } from '../errors.js';
import { NoQuery } from './schemas.js';
import { loadPg, operationView, PgParams, recordOperation, tenant } from './tenant.js';

/**
 * `POST …/{pg}/action` with exactly one action. `sync` (replicate now) is served here; the
 * failover family (failover, failback, test_failover, test_cleanup) joins this schema with its
 * workflows (issue [4]), so the OpenAPI document lists only what the engine can run.
 */
const Action = Type.Object(
  { sync: Type.Optional(Type.Object({}, { additionalProperties: false })) },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);

export function registerActions(app: FastifyInstance, deps: ApiDeps): void {
  const pgs = new ProtectionGroups(deps.db, deps.now);

  app.post<{ Params: PgParams; Body: Static<typeof Action> }>(
    '/v1/:project_id/protection-groups/:pg_id/action',
    { schema: { params: PgParams, querystring: NoQuery, body: Action } },
    async (request, reply) => {
      const { project_id, pg_id } = request.params;
      tenant(deps, request, project_id, 'protector:actions:sync');
      const pg = await loadPg(pgs, project_id, pg_id);
      if (pg.status !== 'active') throw conflict(`Protection group ${pg.id} is ${pg.status}; sync needs it active.`);
      if (!pg.resources.array) throw conflict(`Protection group ${pg.id} has no array construct yet; wait for its creation to finish.`);
      const op = await recordOperation(deps, request, pg, 'sync', {});
      reply.code(202);
      return { operation: operationView(op) };
    },
  );
}
