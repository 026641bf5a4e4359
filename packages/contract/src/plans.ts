import { Type, type Static } from 'typebox';
import { Id, NoQuery, Nullable, Obj, StringEnum, Timestamp } from './common.js';
import { answers, NoContent } from './errors.js';
import { BulkPrecheckReport, BulkOperationAnswer, CommitWindow } from './actions.js';
import { listOf, listQuery } from './pagination.js';
import { ProjectParams } from './tenant.js';

/**
 * Recovery plans (DESIGN §6): ordered tiers of protection groups, each tier started together,
 * with a wait between tiers. A run is a parent operation (type `plan_run`) with a child per PG.
 */

/** What a plan run does to each protection group, and how a failed PG is treated. */
export const PLAN_RUN_MODES = ['drill', 'drill_cleanup', 'planned', 'unplanned', 'point_in_time', 'failback'] as const;
export type PlanRunMode = (typeof PLAN_RUN_MODES)[number];

const TierName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' });

/** What the run waits for after a tier's PGs have all come up, before the next tier starts. */
const CalloutUrl = Type.String({ minLength: 1, maxLength: 2048, format: 'uri', pattern: '^https?://' });

export const PlanWait = Type.Union([
  Obj({ type: Type.Literal('time'), /** Seconds to wait. */ seconds: Type.Integer({ minimum: 1, maximum: 86_400 }) }),
  Obj({ type: Type.Literal('approval'), /** Shown to whoever must approve. */ prompt: Type.Optional(Type.String({ maxLength: 500 })) }),
  /** Until `url` answers 2xx to a GET (the application's own health check), asked every `interval_seconds`; the run fails after `timeout_seconds`. */
  Obj({
    type: Type.Literal('ready'),
    url: CalloutUrl,
    timeout_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    interval_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  }),
]);
export type PlanWait = Static<typeof PlanWait>;

export const PlanTier = Obj({
  name: TierName,
  /** Protection group ids, started together; a PG is in one tier of a plan at most. */
  protection_groups: Type.Array(Id, { minItems: 1, maxItems: 500, uniqueItems: true }),
  /** None: the next tier starts as soon as this one is up. */
  wait_after: Type.Optional(PlanWait),
});
export type PlanTier = Static<typeof PlanTier>;

const Tiers = Type.Array(PlanTier, { minItems: 1, maxItems: 20 });

export const HOOK_EVENTS = ['before_run', 'after_run', 'before_tier', 'after_tier'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/**
 * An outbound HTTP callout of a plan run (never code run on the controllers): a POST of a JSON
 * body signed with the hook's secret (`X-Protector-Signature: sha256=HMAC(secret, timestamp + "." + body)`,
 * `X-Protector-Timestamp`), a 2xx answer within `timeout_seconds` counts, tried `retries` more times.
 */
const HookFields = {
  name: TierName,
  url: CalloutUrl,
  event: StringEnum(HOOK_EVENTS),
  /** before_tier, after_tier: that tier only; default every tier. */
  tier: Type.Optional(TierName),
  /** Default 10. */
  timeout_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
  /** Default 2. */
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  /** fail (default): the run fails (a planned run is rolled back); continue: recorded and passed. */
  on_failure: Type.Optional(StringEnum(['fail', 'continue'] as const)),
};
export const PlanHook = Obj(HookFields);
export type PlanHook = Static<typeof PlanHook>;
/** As given: with the secret it signs with (stored sealed, never shown); omitted on a change, the hook of that name keeps its own. */
export const PlanHookInput = Obj({ ...HookFields, secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })) });
export type PlanHookInput = Static<typeof PlanHookInput>;
const Hooks = Type.Array(PlanHookInput, { maxItems: 50 });
const PlanName = Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S(.*\\S)?$' });
const PlanDescription = Type.String({ maxLength: 1024 });

export const RecoveryPlan = Type.Object({
  id: Type.String(),
  project_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  /** Bumped by every change; a run records the version it ran. */
  version: Type.Integer({ minimum: 1 }),
  tiers: Type.Array(PlanTier),
  hooks: Type.Array(PlanHook),
  /**
   * The plan's commit policy for its planned and point_in_time runs: every PG waits
   * `awaiting_commit` once up, and the whole run is committed or rolled back at once
   * (`…/operations/{run}/commit|rollback`), at most `seconds` after the last tier came up. None: a
   * point_in_time run gets 3600 s (commit at the deadline), a planned run no window; 0 turns it off.
   */
  commit_window: Nullable(CommitWindow),
  /** The run holding the plan, while one is unfinished. */
  active_run_id: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type RecoveryPlan = Static<typeof RecoveryPlan>;

export const RecoveryPlanCreate = Obj({ name: PlanName, description: Type.Optional(PlanDescription), tiers: Tiers, hooks: Type.Optional(Hooks), commit_window: Type.Optional(Nullable(CommitWindow)) });
export type RecoveryPlanCreate = Static<typeof RecoveryPlanCreate>;

/** A whole new version; `expected_version` refuses it (409) when the plan changed meanwhile. */
export const RecoveryPlanUpdate = Obj({ name: Type.Optional(PlanName), description: Type.Optional(PlanDescription), tiers: Type.Optional(Tiers), hooks: Type.Optional(Hooks), commit_window: Type.Optional(Nullable(CommitWindow)), expected_version: Type.Optional(Type.Integer({ minimum: 1 })) });
export type RecoveryPlanUpdate = Static<typeof RecoveryPlanUpdate>;

/** The peer's copy of a plan, pushed by the client as it stands on the site that changed it. */
export const RecoveryPlanCopy = Obj({ name: PlanName, description: PlanDescription, tiers: Tiers, hooks: Type.Optional(Hooks), commit_window: Type.Optional(Nullable(CommitWindow)), version: Type.Integer({ minimum: 1 }) });
export type RecoveryPlanCopy = Static<typeof RecoveryPlanCopy>;

const RecoveryPointId = Type.String({ minLength: 1, maxLength: 255 });

export const PlanRunBody = Obj({
  mode: StringEnum(PLAN_RUN_MODES),
  /** drill, unplanned, point_in_time: the recovery point of each PG named (PG id → recovery point id). */
  recovery_points: Type.Optional(Type.Record(Id, RecoveryPointId, { maxProperties: 2000 })),
  /** drill, unplanned, point_in_time: each PG not named above from its newest recovery point created at or before this time (ISO 8601). */
  before: Type.Optional(Type.String({ format: 'date-time' })),
  /** planned, unplanned, failback, drill_cleanup: as the single action's `force`. */
  force: Type.Optional(Type.Boolean()),
  /** Per server, default 600. */
  boot_timeout_seconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
  /** planned, point_in_time: this run's commit policy instead of the plan's. */
  commit_window: Type.Optional(CommitWindow),
  /** Pre-check every PG and answer the report; nothing is recorded or changed. */
  dry_run: Type.Optional(Type.Boolean()),
});
export type PlanRunBody = Static<typeof PlanRunBody>;

const PlanParams = Obj({ project_id: Id, plan_id: Id });
const PlanAnswer = Type.Object({ recovery_plan: RecoveryPlan }, { description: 'The recovery plan' });

/** `/v1/{project_id}/recovery-plans`: the project's recovery plans and their runs. */
export const RecoveryPlanRoutes = {
  list: { params: ProjectParams, querystring: listQuery({ name: Type.Optional(PlanName) }), response: answers({ 200: listOf('recovery_plans', RecoveryPlan) }) },
  create: { params: ProjectParams, querystring: NoQuery, body: Obj({ recovery_plan: RecoveryPlanCreate }), response: answers({ 201: PlanAnswer }) },
  show: { params: PlanParams, querystring: NoQuery, response: answers({ 200: PlanAnswer }) },
  update: { params: PlanParams, querystring: NoQuery, body: Obj({ recovery_plan: RecoveryPlanUpdate }), response: answers({ 200: PlanAnswer }) },
  delete: { params: PlanParams, querystring: NoQuery, response: answers({ 204: NoContent }) },
  /** Stores the other site's version of the plan (created with its id when absent); refused when this site's is newer or differs at the same version. */
  copy: { params: PlanParams, querystring: NoQuery, body: Obj({ recovery_plan: RecoveryPlanCopy }), response: answers({ 200: PlanAnswer }) },
  /**
   * Runs the plan from this site: a parent operation (type `plan_run`) with a child per PG, all
   * recorded at once, each tier's children held until the run releases them. All or nothing, as
   * the bulk action; a dry run answers every PG's pre-check report.
   */
  run: {
    params: PlanParams,
    querystring: NoQuery,
    body: PlanRunBody,
    response: answers({ 200: Type.Object({ precheck: BulkPrecheckReport }, { description: "dry_run: every protection group's pre-check report" }), 202: BulkOperationAnswer }),
  },
};

/**
 * `POST /v1/admin/site-failover`, on the surviving site: every protection group whose workload
 * runs on the lost site, across projects, failed over (unplanned) as one generated plan run.
 */
export const SiteFailoverBody = Obj({
  /** The site that was lost: its id or name as registered here. */
  lost_site: Type.String({ minLength: 1, maxLength: 255 }),
  /** Per server, default 600. */
  boot_timeout_seconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
  /** Pre-check every PG and answer the report; nothing is recorded or changed. */
  dry_run: Type.Optional(Type.Boolean()),
});
export type SiteFailoverBody = Static<typeof SiteFailoverBody>;

export const SiteFailoverRoutes = {
  run: {
    querystring: NoQuery,
    body: SiteFailoverBody,
    response: answers({ 200: Type.Object({ precheck: BulkPrecheckReport }, { description: "dry_run: every protection group's pre-check report" }), 202: BulkOperationAnswer }),
  },
};
