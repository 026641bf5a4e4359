import { Type, type Static } from 'typebox';
import { Nullable, NullableTimestamp, Obj, StringEnum, Timestamp } from './common.js';
import { answers } from './errors.js';
import { OperationParams, OperationStatus, STEP_STATUSES } from './operations.js';

/*
 * A run report (`GET /v1/{project_id}/operations/{operation_id}/report`): what an operation did,
 * for the people who answer for it afterwards. Built from what the operation recorded (its
 * steps, its children's steps); nothing in it is asked of the clouds again.
 */

/** A user as operations record them (an id); the name only where the reader is that user. */
export const ReportUser = Type.Object({
  user_id: Type.String(),
  user_name: Nullable(Type.String({ description: "The user's name when the reader is that user (operations record ids only); null otherwise" })),
});
export type ReportUser = Static<typeof ReportUser>;

export const ReportStep = Type.Object({
  name: Type.String(),
  status: StringEnum(STEP_STATUSES),
  started_at: NullableTimestamp,
  finished_at: NullableTimestamp,
  duration_ms: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
});
export type ReportStep = Static<typeof ReportStep>;

/** A port the server was given on the target, with the addresses its source port had. */
export const ReportAddress = Type.Object({
  port_id: Type.String(),
  ips: Type.Array(Type.String()),
  requested_ips: Type.Array(Type.String()),
  /** False when the target subnet could not give the source address and a new one was taken. */
  same_ip: Type.Boolean(),
});
export type ReportAddress = Static<typeof ReportAddress>;

export const ReportServer = Type.Object({
  name: Type.String(),
  /** The server on the site the workload came from (the protected server). */
  source_server_id: Type.String(),
  /** The server brought up on the target; null when it was never created. */
  target_server_id: Nullable(Type.String()),
  /** Its boot tier within the protection group (0 first), from its boot order. */
  boot_tier: Nullable(Type.Integer()),
  status: StringEnum(['active', 'failed'] as const),
  /** When the engine asked the target's Nova for it. */
  requested_at: NullableTimestamp,
  /** When the engine saw it ACTIVE. */
  active_at: NullableTimestamp,
  /** requested_at to active_at. */
  boot_seconds: Nullable(Type.Number()),
  addresses: Type.Array(ReportAddress),
  error: Nullable(Type.String()),
});
export type ReportServer = Static<typeof ReportServer>;

export const ReportRecoveryPoint = Type.Object({
  name: Nullable(Type.String()),
  /** When the data was captured (the snapshot's time on the array). */
  time: Timestamp,
});

const COMMIT_DECISIONS = ['commit', 'rollback'] as const;

/** A failover's window to commit or roll back once the workload is up (awaiting_commit). */
export const ReportCommit = Type.Object({
  deadline: Timestamp,
  on_deadline: StringEnum(COMMIT_DECISIONS),
  /** null while it waits. */
  decision: Nullable(StringEnum(COMMIT_DECISIONS)),
  /** Who decided; null when the deadline did (or nobody yet). */
  decided_by: Nullable(ReportUser),
  decided_at: NullableTimestamp,
});
export type ReportCommit = Static<typeof ReportCommit>;

/** One protection group's operation in the run (the operation itself, for a single action). */
export const ReportProtectionGroup = Type.Object({
  protection_group_id: Type.String(),
  /** Its name where it still exists on this site. */
  name: Nullable(Type.String()),
  /** The plan tier it belongs to (plan runs). */
  tier: Nullable(Type.String()),
  operation_id: Type.String(),
  type: Type.String(),
  mode: Nullable(Type.String()),
  status: OperationStatus,
  /** A plan run's rollback: the child operation this one moved back. */
  revert_of: Nullable(Type.String()),
  requested_at: Timestamp,
  started_at: NullableTimestamp,
  finished_at: NullableTimestamp,
  /** The recovery point brought up (a planned failover's final snapshot). */
  recovery_point: Nullable(ReportRecoveryPoint),
  rpo_seconds: Nullable(
    Type.Number({ minimum: 0, description: "The achieved RPO: the recovery point's age when the operation started (0 when it was taken after the start, as a planned failover's final snapshot is); null when it brought up no recovery point" }),
  ),
  rto_seconds: Nullable(
    Type.Number({ minimum: 0, description: 'The achieved RTO: seconds from the request to the last server seen ACTIVE; null when no server came up' }),
  ),
  servers: Type.Array(ReportServer),
  /** A failover with a commit window: its deadline and who decided what (null without a window). */
  commit: Nullable(ReportCommit),
  steps: Type.Array(ReportStep),
  error: Nullable(Type.String()),
});
export type ReportProtectionGroup = Static<typeof ReportProtectionGroup>;

/** A plan run's tier, in the order the run took them. */
export const ReportTier = Type.Object({
  number: Type.Integer({ minimum: 1 }),
  name: Type.String(),
  protection_groups: Type.Array(Type.String()),
  /** Its wait step's state; pending until the run reaches it. */
  status: StringEnum(STEP_STATUSES),
  /** When the run released its protection groups. */
  released_at: NullableTimestamp,
  /** When the last of them ended. */
  finished_at: NullableTimestamp,
});
export type ReportTier = Static<typeof ReportTier>;

/** A plan run's wait between tiers: an approval or a delay. */
export const ReportWait = Type.Object({
  step: Type.String(),
  kind: StringEnum(['approval', 'delay'] as const),
  after_tier: Type.String(),
  status: StringEnum(STEP_STATUSES),
  started_at: NullableTimestamp,
  finished_at: NullableTimestamp,
  duration_ms: Nullable(Type.Integer()),
  /** An approval's prompt, as the plan had it. */
  prompt: Nullable(Type.String()),
  /** A delay's length. */
  seconds: Nullable(Type.Integer()),
  approval: Nullable(Type.Object({ by: ReportUser, at: Timestamp, comment: Nullable(Type.String()) })),
});
export type ReportWait = Static<typeof ReportWait>;

/** Every error the run recorded, where it happened. */
export const ReportError = Type.Object({
  operation_id: Type.String(),
  protection_group_id: Nullable(Type.String()),
  step: Nullable(Type.String()),
  server: Nullable(Type.String()),
  message: Type.String(),
});
export type ReportError = Static<typeof ReportError>;

export const RunReport = Type.Object({
  operation_id: Type.String(),
  project_id: Type.String(),
  type: Type.String(),
  /** drill, planned, unplanned, point_in_time, failback, drill_cleanup; null for other operations. */
  mode: Nullable(Type.String()),
  status: OperationStatus,
  started_by: ReportUser,
  request_id: Type.String(),
  requested_at: Timestamp,
  started_at: NullableTimestamp,
  finished_at: NullableTimestamp,
  /** The plan as it was run (plan runs). */
  plan: Nullable(Type.Object({ id: Nullable(Type.String({ description: 'null for a generated plan (a site failover)' })), name: Type.String(), version: Type.Integer() })),
  rto_seconds: Nullable(Type.Number({ minimum: 0, description: 'The whole run: request to the last server seen ACTIVE in any protection group (moves back by a rollback not counted)' })),
  rpo_seconds: Nullable(Type.Number({ minimum: 0, description: 'The whole run: the largest RPO of its protection groups' })),
  /** A plan run's commit window (its plan's commit policy): one decision for all its protection groups; null without one. */
  commit: Nullable(ReportCommit),
  tiers: Type.Array(ReportTier),
  waits: Type.Array(ReportWait),
  protection_groups: Type.Array(ReportProtectionGroup),
  /** A parent's own steps (a plan run's pre-check, tiers, waits, rollback); empty for a single action, whose steps are its protection group's. */
  steps: Type.Array(ReportStep),
  errors: Type.Array(ReportError),
  generated_at: Timestamp,
});
export type RunReport = Static<typeof RunReport>;

export const REPORT_FORMATS = ['json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The HTML page's Content-Security-Policy (wherever it is served): its inline styles, nothing that loads or runs. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `/v1/{project_id}/operations/{operation_id}/report`. */
export const RunReportRoutes = {
  show: {
    params: OperationParams,
    querystring: Obj({ format: Type.Optional(StringEnum(REPORT_FORMATS, { description: '`html`: the same report as a printable, self-contained HTML page (text/html)' })) }),
    response: answers({ 200: Type.Object({ report: RunReport }, { description: 'The run report (JSON; `?format=html` answers a text/html page instead)' }) }),
  },
};
