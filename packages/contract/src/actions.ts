import { Type, type Static } from 'typebox';
import { Id, JsonObject, NoQuery, Obj, Ref, StringEnum } from './common.js';
import { answers } from './errors.js';
import { OperationAnswer } from './operations.js';
import { MappingKind } from './resource-mappings.js';
import { PgParams } from './tenant.js';

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

export const FailoverAction = Obj({
  type: Type.Union([Type.Literal('planned'), Type.Literal('unplanned')]),
  /** Point-in-time failover; default the newest recovery point. */
  recovery_point_id: Type.Optional(RecoveryPointId),
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
};
