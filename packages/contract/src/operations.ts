import { Type, type Static } from 'typebox';
import { Id, JsonObject, NoQuery, Nullable, NullableTimestamp, Obj, StringEnum, Timestamp } from './common.js';
import { answers } from './errors.js';
import { listOf, listQuery } from './pagination.js';
import { ProjectParams } from './tenant.js';

export const OPERATION_STATUSES = ['pending', 'running', 'completed', 'failed', 'partial', 'rolling_back', 'rolled_back', 'cancelled'] as const;
export const OperationStatus = StringEnum(OPERATION_STATUSES);
export type OperationStatus = Static<typeof OperationStatus>;
/** The states an operation does not leave. */
export const FINISHED_STATUSES: readonly OperationStatus[] = ['completed', 'failed', 'partial', 'rolled_back', 'cancelled'];

export const OPERATION_TYPES = ['pg_create', 'member_add', 'member_remove', 'pg_delete', 'replicate', 'failover', 'failback', 'test_failover', 'test_cleanup', 'cleanup', 'bulk', 'plan_run'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export const STEP_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** An operation as lists and 202 answers show it. */
export const Operation = Type.Object({
  id: Type.String(),
  project_id: Type.String(),
  protection_group_id: Nullable(Type.String()),
  /** A bulk action's or plan run's child names its parent (type `bulk` or `plan_run`). */
  parent_id: Nullable(Type.String()),
  type: Type.String({ description: `One of ${OPERATION_TYPES.join(', ')}` }),
  status: OperationStatus,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  /** What was asked (the action's parameters). */
  params: JsonObject,
  /** What each step reported, once finished. */
  result: JsonObject,
  error: Nullable(Type.String()),
  request_id: Type.String(),
  user_id: Type.String(),
  created_at: Timestamp,
  started_at: NullableTimestamp,
  finished_at: NullableTimestamp,
  updated_at: Timestamp,
});
export type Operation = Static<typeof Operation>;

export const OperationStep = Type.Object({
  seq: Type.Integer(),
  name: Type.String(),
  status: StringEnum(STEP_STATUSES),
  started_at: NullableTimestamp,
  finished_at: NullableTimestamp,
  duration_ms: Nullable(Type.Integer()),
  detail: JsonObject,
  error: Nullable(Type.String()),
});
export type OperationStep = Static<typeof OperationStep>;

/** `GET …/operations/{id}`: the operation with its steps, the time it waited for an engine and the achieved RTO. */
export const OperationDetail = Type.Object({
  ...Operation.properties,
  steps: Type.Array(OperationStep),
  /** A parent's child operations, one per protection group (empty for any other operation). */
  children: Type.Array(Operation),
  queued_seconds: Type.Number({
    minimum: 0,
    description: 'Seconds from the request (created_at) until an engine first picked the operation up (started_at); to now while it still waits, to its end if it was cancelled first',
  }),
  rto_seconds: Nullable(
    Type.Number({
      minimum: 0,
      description: 'The achieved RTO: seconds from the request (created_at, so queued_seconds included) to the end (to now while it waits or runs); null for an operation cancelled before any engine started it',
    }),
  ),
});
export type OperationDetail = Static<typeof OperationDetail>;

/** The answer of every route that records an operation (202). */
export const OperationAnswer = Type.Object({ operation: Operation }, { description: 'Accepted: the operation doing the work' });

export const OperationParams = Obj({ project_id: Id, operation_id: Id });
const DetailAnswer = Type.Object({ operation: OperationDetail }, { description: 'The operation with its steps' });

/** `/v1/{project_id}/operations`: what the engines did and are doing, step by step. */
export const OperationRoutes = {
  list: {
    params: ProjectParams,
    querystring: listQuery({
      pg_id: Type.Optional(Id),
      /** A bulk action's children. */
      parent_id: Type.Optional(Id),
      status: Type.Optional(OperationStatus),
      type: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z_]+$' })),
    }),
    response: answers({ 200: listOf('operations', Operation) }),
  },
  show: { params: OperationParams, querystring: NoQuery, response: answers({ 200: DetailAnswer }) },
  cleanup: { params: OperationParams, querystring: NoQuery, response: answers({ 202: OperationAnswer }) },
  /** A failed operation back to work from its failed step (a failed rollback goes on rolling back); a parent resumes its failed children. */
  resume: { params: OperationParams, querystring: NoQuery, response: answers({ 202: OperationAnswer }) },
  cancel: { params: OperationParams, querystring: NoQuery, response: answers({ 200: DetailAnswer }) },
  /** A plan run waiting for approval goes on to its next tier. */
  approve: { params: OperationParams, querystring: NoQuery, body: Type.Optional(Obj({ comment: Type.Optional(Type.String({ maxLength: 500 })) })), response: answers({ 200: DetailAnswer }) },
  /** A failover awaiting commit goes on: replication reversed, roles swapped. */
  commit: { params: OperationParams, querystring: NoQuery, response: answers({ 200: DetailAnswer }) },
  /** A failover awaiting commit is undone: what came up goes, the source runs again. */
  rollback: { params: OperationParams, querystring: NoQuery, response: answers({ 200: DetailAnswer }) },
  /** A plan run starts no further tier until resumed (`…/resume`); what has started goes on. */
  pause: { params: OperationParams, querystring: NoQuery, response: answers({ 200: DetailAnswer }) },
};
