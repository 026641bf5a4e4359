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

/**
 * Replication health of one PG (DESIGN §6 Health), answered from the replication state an engine
 * last read from the arrays (refreshed in the background every `[engine] replication_poll_interval`):
 * link, lag and transfers are as of `checked_at`.
 */
export const PgHealth = Type.Object({
  protection_group_id: Type.String(),
  name: Type.String(),
  status: PgStatus,
  replication_type: ReplicationType,
  link: Nullable(Type.String({ description: 'The replication link as the arrays reported it at checked_at; null before the array construct exists or its state was first read' })),
  lag_seconds: Nullable(Type.Integer({ description: 'Age of the newest recovery point at checked_at' })),
  newest_recovery_point: Nullable(Type.String()),
  last_transfer_at: NullableTimestamp,
  transfer_in_progress: Type.Boolean({ description: 'A transfer (async) or resync (sync) was in flight at checked_at' }),
  rpo_minutes: Type.Integer(),
  rpo_compliant: Type.Boolean(),
  failover_ready: Type.Boolean(),
  /** Why not failover_ready (empty when ready). */
  reasons: Type.Array(Type.String()),
  checked_at: Type.Union([Timestamp, Type.Null()], { description: "When an engine last read this PG's replication state from the arrays; null when none has yet" }),
  state_age_seconds: Nullable(Type.Integer({ description: 'How old the recorded state is now' })),
  stale: Type.Boolean({ description: 'The recorded state is older than three refresh intervals (no engine refreshes it), or was read before replication was reversed' }),
  state_error: Nullable(Type.String({ description: "Why the last read of this PG's replication state failed; null when it succeeded" })),
});
export type PgHealth = Static<typeof PgHealth>;

/** Recovery points of a PG (newest first by default), and per-PG replication health of a project. */
export const ReplicationRoutes = {
  recoveryPoints: { params: PgParams, querystring: listQuery({}), response: answers({ 200: listOf('recovery_points', RecoveryPoint) }) },
  health: { params: ProjectParams, querystring: NoQuery, response: answers({ 200: Type.Object({ health: Type.Array(PgHealth) }, { description: 'Per protection group' }) }) },
};
