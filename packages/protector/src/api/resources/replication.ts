import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ReplicationRoutes, type PgHealth } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { ProtectionGroups } from '../../db/protection-groups.js';
import { ReplicationStates } from '../../db/replication-state.js';
import type { StorageDriver } from '../../storage/index.js';
import { StorageError } from '../../storage/index.js';
import type { ApiDeps } from '../deps.js';
import { unavailable } from '../errors.js';
import { listBody, paginate } from '../pagination.js';
import { pgHealth } from '../replication-health.js';
import { isoTime } from '../time.js';
import { loadPg, tenant } from './tenant.js';

async function driver(deps: ApiDeps): Promise<StorageDriver> {
  const d = await deps.storage?.();
  if (!d) throw unavailable('The storage driver is not available: this site and its peer must both be registered (POST /v1/admin/sites).');
  return d;
}

const storageUnavailable = (err: unknown): never => {
  if (err instanceof StorageError) throw unavailable(`The arrays could not be asked: ${err.message}`);
  throw err;
};

/** `[engine] replication_poll_interval`'s default, for callers that do not say. */
const DEFAULT_REFRESH_MS = 30_000;

/** PGs per health query: each page is a few ms of work between which other requests are served. */
const HEALTH_PAGE = 200;

/** Recovery points of a PG, and per-PG replication health of a project (/metrics reads the same at each scrape). */
export function registerReplication(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const pgs = new ProtectionGroups(deps.db, deps.now);
  const states = new ReplicationStates(deps.db);
  const base = '/v1/:project_id/protection-groups/:pg_id';

  app.get(
    `${base}/recovery-points`,
    { schema: ReplicationRoutes.recoveryPoints },
    async (request) => {
      const { project_id, pg_id } = request.params;
      tenant(deps, request, project_id, 'protector:recovery_points:list');
      const pg = await loadPg(pgs, project_id, pg_id);
      const handle = pg.resources.array;
      const points = handle ? await (await driver(deps)).listRecoveryPoints(handle).catch(storageUnavailable) : [];
      const rows = points.map((p) => ({
        id: p.name,
        kind: p.kind,
        array: p.array,
        created_at: isoTime(p.createdAt),
        completed_at: isoTime(p.completedAt),
        volumes: p.volumes,
      }));
      return listBody('recovery_points', paginate(rows, request.query, { sortKeys: ['created_at'], defaultSort: 'created_at:desc', ...deps.limits }), `/v1/${project_id}/protection-groups/${pg_id}/recovery-points`);
    },
  );

  // From the database only: the state engines record in the background, never an array call. In
  // pages, letting other requests (/healthz) run between them when thousands of PGs are listed.
  app.get('/v1/:project_id/health', { schema: ReplicationRoutes.health }, async (request) => {
    const { project_id } = request.params;
    tenant(deps, request, project_id, 'protector:health:show');
    const clock = { now: (deps.now ?? Date.now)(), refreshMs: deps.replicationRefreshMs ?? DEFAULT_REFRESH_MS };
    const health: PgHealth[] = [];
    for await (const rows of states.healthPages(project_id, HEALTH_PAGE)) {
      for (const row of rows) {
        const h = pgHealth(row, clock);
        health.push(h);
      }
      await nextTurn();
    }
    return { health };
  });
}
