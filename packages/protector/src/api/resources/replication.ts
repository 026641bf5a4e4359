import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ReplicationRoutes, type PgHealth } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { ProtectionGroups, type ProtectionGroup } from '../../db/protection-groups.js';
import { setReplicationHealth } from '../../observability/index.js';
import type { ReplicationStatus, StorageDriver } from '../../storage/index.js';
import { StorageError } from '../../storage/index.js';
import type { ApiDeps } from '../deps.js';
import { unavailable } from '../errors.js';
import { listBody, paginate } from '../pagination.js';
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

/** Why a PG could not be failed over now; empty when it could (DESIGN §6 Health). */
function readiness(pg: ProtectionGroup, status: ReplicationStatus | null, rpoMinutes: number, members: number): string[] {
  const reasons: string[] = [];
  if (pg.status !== 'active') reasons.push(`the protection group is ${pg.status}, not active`);
  if (members === 0) reasons.push('the protection group has no members');
  if (!pg.resources.array) reasons.push('the array construct has not been created yet');
  if (status) {
    if (status.link !== 'connected') reasons.push(`the replication link between ${status.sourceArray} and ${status.targetArray} is ${status.link}: ${status.detail}`);
    if (status.lagMs === null) reasons.push('there is no recovery point on the target array yet');
    else if (status.lagMs > rpoMinutes * 60_000) reasons.push(`the newest recovery point is ${Math.round(status.lagMs / 60_000)} min old, beyond the ${rpoMinutes} min RPO`);
  }
  if (pg.sync_state === 'out_of_sync') reasons.push(`its metadata (version ${pg.metadata_version}) is not acknowledged by the peer site`);
  return reasons;
}

/** Recovery points of a PG, and per-PG replication health of a project (with the RPO gauges). */
export function registerReplication(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const pgs = new ProtectionGroups(deps.db, deps.now);
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

  app.get('/v1/:project_id/health', { schema: ReplicationRoutes.health }, async (request) => {
    const { project_id } = request.params;
    tenant(deps, request, project_id, 'protector:health:show');
    const list = await pgs.list(project_id);
    const d = list.some((pg) => pg.resources.array) ? await driver(deps) : undefined;
    const out: PgHealth[] = [];
    for (const pg of list) {
      const policy = await pgs.policy(pg.id);
      const rpo = policy?.rpo_minutes ?? 0;
      let status: ReplicationStatus | null = null;
      if (pg.resources.array && d) status = await d.replicationStatus(pg.resources.array).catch(storageUnavailable);
      const reasons = readiness(pg, status, rpo, (await pgs.members(pg.id)).length);
      const lagSeconds = status?.lagMs == null ? null : Math.round(status.lagMs / 1000);
      const compliant = lagSeconds !== null && lagSeconds <= rpo * 60;
      setReplicationHealth(deps.metrics, { pgId: pg.id, projectId: pg.project_id, lagSeconds, rpoCompliant: compliant, recoveryPointAgeSeconds: lagSeconds });
      out.push({
        protection_group_id: pg.id,
        name: pg.name,
        status: pg.status,
        replication_type: pg.replication_type,
        link: status?.link ?? null,
        lag_seconds: lagSeconds,
        newest_recovery_point: status?.newestRecoveryPoint ?? null,
        last_transfer_at: isoTime(status?.lastTransferAt ?? null),
        rpo_minutes: rpo,
        rpo_compliant: compliant,
        failover_ready: reasons.length === 0,
        reasons,
      });
    }
    return { health: out };
  });
}
