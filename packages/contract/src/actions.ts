import { Type, type Static } from 'typebox';
import { Id, JsonObject, NoQuery, Obj, Ref, StringEnum } from './common.js';
import { answers } from './errors.js';
import { Operation, OperationAnswer } from './operations.js';
import { MappingKind } from './resource-mappings.js';
import { PgParams, ProjectParams } from './tenant.js';

/** A mapping for one run only, from the current primary's resources; it wins over the PG's. */
export const MappingOverride = Obj({ kind: MappingKind, source_id: Ref, target_id: Ref });
export type MappingOverride = Static<typeof MappingOverride>;

const common = {
  /** Mappings for this run only, from the current primary's resources; they win over the PG's. */
  mappings: Type.Optional(Type.Array(MappingOverride, { maxItems: 1000 })),
  /** Per server, default 600. */
  boot_timeout_seconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
  /** Run every pre-check and answer with the report; nothing is recorded or changed. */
  dry_run: Type.Optional(Type.Boolean()),
};
const RecoveryPointId = Type.String({ minLength: 1, maxLength: 255 });

/**
 * After a planned failover has brought the workload up, the PG waits `awaiting_commit` for a
 * commit (replication is reversed, the failover goes on) or a rollback (what came up goes, the
 * source runs again, as before the failover), at most `seconds`, then `on_deadline` is done.
 */
export const CommitWindow = Obj({
  /** 0: no window. A point-in-time planned failover defaults to 3600. */
  seconds: Type.Integer({ minimum: 0, maximum: 604_800 }),
  /** Default commit. */
  on_deadline: Type.Optional(StringEnum(['commit', 'rollback'] as const)),
});
export type CommitWindow = Static<typeof CommitWindow>;

export const FailoverAction = Obj({
  type: Type.Union([Type.Literal('planned'), Type.Literal('unplanned')]),
  /** Point-in-time failover; default the newest recovery point. */
  recovery_point_id: Type.Optional(RecoveryPointId),
  /** Planned failovers only. */
  commit_window: Type.Optional(CommitWindow),
  force: Type.Optional(Type.Boolean()),
  ...common,
});
export const FailbackAction = Obj({ force: Type.Optional(Type.Boolean()), ...common });
export const TestFailoverAction = Obj({
  recovery_point_id: Type.Optional(RecoveryPointId),
  /** An existing network for the drill; default an isolated one. */
  network_id: Type.Optional(Id),
  ...common,
});
/** `force` forgets what could not be removed (listed in the result). */
export const TestCleanupAction = Obj({ force: Type.Optional(Type.Boolean()), dry_run: Type.Optional(Type.Boolean()) });

export type FailoverAction = Static<typeof FailoverAction>;
export type FailbackAction = Static<typeof FailbackAction>;
export type TestFailoverAction = Static<typeof TestFailoverAction>;
export type TestCleanupAction = Static<typeof TestCleanupAction>;

/** `POST …/{pg}/action` with exactly one action (DESIGN §4). */
export const ActionBody = Obj(
  {
    failover: Type.Optional(FailoverAction),
    failback: Type.Optional(FailbackAction),
    test_failover: Type.Optional(TestFailoverAction),
    test_cleanup: Type.Optional(TestCleanupAction),
    sync: Type.Optional(Obj({})),
  },
  { minProperties: 1, maxProperties: 1 },
);
export type ActionBody = Static<typeof ActionBody>;

export const PRECHECK_ACTIONS = ['planned_failover', 'unplanned_failover', 'test_failover', 'failback', 'test_cleanup'] as const;
export type PrecheckAction = (typeof PRECHECK_ACTIONS)[number];

/** One problem a pre-check found; `message` is one line naming the object. */
export const PrecheckFinding = Type.Object({
  check: Type.String(),
  severity: StringEnum(['blocker', 'warning'] as const),
  code: Type.String({ description: 'Stable snake_case code to act on' }),
  message: Type.String(),
  detail: JsonObject,
});
export type PrecheckFinding = Static<typeof PrecheckFinding>;

/** A dry run's answer: every blocker and warning, nothing recorded or changed. */
export const PrecheckReport = Type.Object({
  action: StringEnum(PRECHECK_ACTIONS),
  ok: Type.Boolean(),
  /** The checks that ran. */
  checks: Type.Array(Type.String()),
  blockers: Type.Array(PrecheckFinding),
  warnings: Type.Array(PrecheckFinding),
  /** The findings as numbered lines, for people. */
  report: Type.String(),
});
export type PrecheckReport = Static<typeof PrecheckReport>;

/** `POST /v1/{project_id}/actions`: one DR action on several protection groups, by id. */
export const BulkActionBody = Obj(
  {
    /** Protection group ids, each at most once; every one must be run from this site. */
    protection_groups: Type.Array(Id, { minItems: 1, maxItems: 1000, uniqueItems: true }),
    failover: Type.Optional(FailoverAction),
    failback: Type.Optional(FailbackAction),
    test_failover: Type.Optional(TestFailoverAction),
    test_cleanup: Type.Optional(TestCleanupAction),
  },
  // One action: more is a schema error; none, the handler's (so a missing list is named as such).
  { maxProperties: 2 },
);
export type BulkActionBody = Static<typeof BulkActionBody>;

/** A bulk dry run's answer: each protection group's pre-check report, in the order asked. */
export const BulkPrecheckReport = Type.Object({
  action: StringEnum(PRECHECK_ACTIONS),
  /** Every protection group passed every blocker check. */
  ok: Type.Boolean(),
  protection_groups: Type.Array(Type.Object({ protection_group_id: Type.String(), name: Type.String(), ...PrecheckReport.properties })),
});
export type BulkPrecheckReport = Static<typeof BulkPrecheckReport>;

/** The parent operation of a bulk action with its child operation per protection group. */
export const BulkOperationAnswer = Type.Object(
  { operation: Operation, children: Type.Array(Operation) },
  { description: 'Accepted: the parent operation, and the child operation doing the work on each protection group' },
);
export type BulkOperationAnswer = Static<typeof BulkOperationAnswer>;

/**
 * Each action is posted to the site that ends up running the workload; elsewhere the answer is
 * a 409 naming the right site. A dry run answers 200 with the pre-check report, a run 202.
 */
export const ActionRoutes = {
  run: {
    params: PgParams,
    querystring: NoQuery,
    body: ActionBody,
    response: answers({ 200: Type.Object({ precheck: PrecheckReport }, { description: 'dry_run: the pre-check report' }), 202: OperationAnswer }),
  },
  /**
   * One action on several protection groups: a parent operation with a child per group, each
   * child as the single action would record it. All or nothing: a group that is missing, busy,
   * in the wrong state or run from the other site refuses the whole request (every reason in one
   * answer) and nothing is recorded.
   */
  bulk: {
    params: ProjectParams,
    querystring: NoQuery,
    body: BulkActionBody,
    response: answers({ 200: Type.Object({ precheck: BulkPrecheckReport }, { description: 'dry_run: every protection group\'s pre-check report' }), 202: BulkOperationAnswer }),
  },
};
