import { Type, type Static } from 'typebox';
import { NoQuery, Nullable, NullableTimestamp, ReplicationType, StringEnum, Timestamp } from './common.js';
import { answers } from './errors.js';
import { listOf, listQuery } from './pagination.js';
import { PgStatus } from './protection-groups.js';
import { PgParams, ProjectParams } from './tenant.js';

/** A point the PG can be recovered to, on the array holding it. */
export const RecoveryPoint = Type.Object({
  id: Type.String({ description: 'As named on the array: `<source array>:<group>.<suffix>` (async) or `now` (sync)' }),
  kind: StringEnum(['snapshot', 'now'] as const),
  array: Type.String(),
  created_at: Timestamp,
  completed_at: Timestamp,
  /** Source-side array volume names it holds. */
  volumes: Type.Array(Type.String()),
});
export type RecoveryPoint = Static<typeof RecoveryPoint>;

/** Replication health of one PG (DESIGN §6 Health). */
export const PgHealth = Type.Object({
  protection_group_id: Type.String(),
  name: Type.String(),
  status: PgStatus,
  replication_type: ReplicationType,
  link: Nullable(Type.String({ description: 'The replication link as the array reports it; null before the array construct exists' })),
  lag_seconds: Nullable(Type.Integer()),
  newest_recovery_point: Nullable(Type.String()),
  last_transfer_at: NullableTimestamp,
  rpo_minutes: Type.Integer(),
  rpo_compliant: Type.Boolean(),
  failover_ready: Type.Boolean(),
  /** Why not failover_ready (empty when ready). */
  reasons: Type.Array(Type.String()),
});
export type PgHealth = Static<typeof PgHealth>;

/** Recovery points of a PG (newest first by default), and per-PG replication health of a project. */
export const ReplicationRoutes = {
  recoveryPoints: { params: PgParams, querystring: listQuery({}), response: answers({ 200: listOf('recovery_points', RecoveryPoint) }) },
  health: { params: ProjectParams, querystring: NoQuery, response: answers({ 200: Type.Object({ health: Type.Array(PgHealth) }, { description: 'Per protection group' }) }) },
};
