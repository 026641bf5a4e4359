import type { ReportAddress, ReportCommit, ReportError, ReportProtectionGroup, ReportServer, ReportStep, ReportTier, ReportUser, ReportWait, RunReport } from '@protector/contract';
import { PARENT_TYPE, PLAN_RUN_TYPE } from '../engine/operation-parents.js';
import type { OperationRecord, StepRecord } from '../engine/operations.js';
import type { PlanRunParams, RunControl } from '../engine/plan-runs.js';
import type { CommitRecord } from '../engine/workflows/recovery/commit-window.js';
import { seconds } from './resources/operations.js';
import { isoTime } from './time.js';

/**
 * The run report of an operation (a single action, a bulk action, a plan run), from what it
 * recorded: its steps, its children and their steps. Per protection group: its servers from
 * boot_servers (asked for, seen ACTIVE, the ports create_ports gave them), the recovery point
 * from the step that chose or made it, and from those the achieved RTO and RPO.
 */
export interface ReportInput {
  op: OperationRecord;
  steps: readonly StepRecord[];
  /** A parent's children in run order (resources/operations.ts childrenOf). */
  children: readonly OperationRecord[];
  /** The children's steps, by operation id. */
  childSteps: ReadonlyMap<string, readonly StepRecord[]>;
  /** Protection group names, by id, of those that still exist. */
  pgNames: ReadonlyMap<string, string>;
  /** Who reads the report: their own name is known, nobody else's. */
  reader: { userId: string; userName: string };
  now: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** What the run was: a plan's mode, or the single action's equivalent. */
export function modeOf(type: string, params: Record<string, unknown>): string | null {
  switch (type) {
    case PLAN_RUN_TYPE:
      return str(params.mode);
    case PARENT_TYPE:
      return typeof params.action === 'string' && params.action !== PARENT_TYPE ? modeOf(params.action, params) : null;
    case 'failover':
      return params.recovery_point_id ? 'point_in_time' : str(params.type);
    case 'failback':
      return 'failback';
    case 'test_failover':
      return 'drill';
    case 'test_cleanup':
      return 'drill_cleanup';
    default:
      return null;
  }
}

const stepOf = (s: StepRecord): ReportStep => ({ name: s.name, status: s.status, started_at: isoTime(s.started_at), finished_at: isoTime(s.finished_at), duration_ms: s.duration_ms, error: s.error });

/** Where the recovery point brought up is recorded: chosen (unplanned, drill), or made and waited for (planned, failback). */
const RECOVERY_POINT_STEPS = ['choose_recovery_point', 'wait_for_transfer', 'swap_roles', 'report'];

function recoveryPointOf(steps: readonly StepRecord[]): { name: string | null; time: number } | null {
  for (const name of RECOVERY_POINT_STEPS) {
    const s = steps.find((x) => x.name === name && x.status === 'completed');
    const time = num(s?.detail.data_as_of);
    if (s && time !== null) return { name: str(s.detail.recovery_point), time };
  }
  return null;
}

interface Boot {
  servers: ReportServer[];
  /** When the last server was seen ACTIVE (boot_servers' end for a run recorded before per-server times). */
  lastActive: number | null;
}

/** The servers boot_servers brought up (or could not), with the addresses create_ports gave their ports. */
function serversOf(steps: readonly StepRecord[]): Boot {
  const boot = steps.find((s) => s.name === 'boot_servers');
  if (!boot) return { servers: [], lastActive: null };
  const ports = list(steps.find((s) => s.name === 'create_ports')?.detail.ports);
  const address = (p: Record<string, unknown>): ReportAddress => ({ port_id: str(p.port_id) ?? '', ips: strings(p.ips), requested_ips: strings(p.requested_ips), same_ip: p.same_ip !== false });
  // By the ports boot_servers names; by the server's name for a run recorded before it named them.
  const addressesOf = (x: Record<string, unknown>): ReportAddress[] =>
    Array.isArray(x.port_ids) ? strings(x.port_ids).flatMap((id) => ports.filter((p) => p.port_id === id).map(address)) : ports.filter((p) => p.server === x.server).map(address);
  const server = (x: Record<string, unknown>, error: string | null): ReportServer => {
    const requested = num(x.requested_at);
    const active = error === null ? num(x.active_at) : null;
    return {
      name: str(x.server) ?? '',
      source_server_id: str(x.member_server_id) ?? '',
      target_server_id: str(x.server_id),
      boot_tier: num(x.tier),
      status: error === null ? 'active' : 'failed',
      requested_at: isoTime(requested),
      active_at: isoTime(active),
      boot_seconds: requested !== null && active !== null ? seconds(active - requested) : null,
      addresses: error === null ? addressesOf(x) : [],
      error,
    };
  };
  // While the step runs its detail is progress (counts), not these lists.
  const booted = list(boot.detail.booted).map((x) => server(x, null));
  const failed = list(boot.detail.failed).map((x) => server(x, str(x.error) ?? 'did not come up'));
  // A strict run stops at the first server that does not come up: the step's own error names it.
  if (boot.status === 'failed' && typeof boot.detail.server === 'string') failed.push(server(boot.detail, boot.error ?? 'did not come up'));
  const times = booted.map((s) => (s.active_at === null ? null : Date.parse(`${s.active_at}Z`)));
  const known = times.filter((t): t is number => t !== null);
  const lastActive = known.length > 0 ? Math.max(...known) : booted.length > 0 && boot.status === 'completed' ? boot.finished_at : null;
  return { servers: [...booted, ...failed], lastActive };
}

type UserOf = (id: string) => ReportUser;
const userOf = (i: ReportInput): UserOf => (id) => ({ user_id: id, user_name: id === i.reader.userId ? i.reader.userName : null });

/**
 * A failover's (or a plan run's) commit window: the decision as the API recorded it, or the
 * deadline's as await_commit ended. A plan run's child has the run's deadline (`runDeadline`).
 */
function commitOf(op: OperationRecord, steps: readonly StepRecord[], user: UserOf, runDeadline: number | null = null): ReportCommit | null {
  const c = op.result.commit as Partial<CommitRecord> | undefined;
  const deadline = num(c?.deadline) ?? runDeadline;
  if (!c || deadline === null) return null;
  const step = steps.find((s) => s.name === 'await_commit' && (s.status === 'completed' || s.status === 'failed'));
  const decision = c.decision?.decision ?? str(step?.detail.decision);
  const by = c.decision?.by ?? str(step?.detail.by);
  const at = c.decision?.at ?? (by === 'deadline' ? deadline : step?.finished_at ?? null);
  return {
    deadline: isoTime(deadline),
    on_deadline: c.on_deadline === 'rollback' ? 'rollback' : 'commit',
    decision: decision === 'commit' || decision === 'rollback' ? decision : null,
    decided_by: by && by !== 'deadline' ? user(by) : null,
    decided_at: decision ? isoTime(at) : null,
  };
}

interface PgPart {
  entry: ReportProtectionGroup;
  lastActive: number | null;
  errors: ReportError[];
}

/** Every error an operation recorded: its steps', its servers', and its own when no step carries it. */
function errorsOf(op: OperationRecord, steps: readonly StepRecord[], servers: readonly ReportServer[]): ReportError[] {
  const at = { operation_id: op.id, protection_group_id: op.pg_id };
  const out: ReportError[] = steps.filter((s) => s.error).map((s) => ({ ...at, step: s.name, server: null, message: s.error as string }));
  for (const s of servers) if (s.error && !out.some((e) => e.message === s.error)) out.push({ ...at, step: 'boot_servers', server: s.name, message: s.error });
  if (op.error && !steps.some((s) => s.error && (op.error === s.error || op.error === `${s.name}: ${s.error}`))) out.push({ ...at, step: null, server: null, message: op.error });
  return out;
}

function pgPart(op: OperationRecord, steps: readonly StepRecord[], i: ReportInput, tier: string | null, runDeadline: number | null = null): PgPart {
  const { servers, lastActive } = serversOf(steps);
  const rp = recoveryPointOf(steps);
  const start = op.started_at ?? op.created_at;
  return {
    entry: {
      protection_group_id: op.pg_id ?? '',
      name: op.pg_id ? (i.pgNames.get(op.pg_id) ?? null) : null,
      tier,
      operation_id: op.id,
      type: op.type,
      mode: modeOf(op.type, op.params),
      status: op.status,
      revert_of: str(op.params.revert_of),
      requested_at: isoTime(op.created_at),
      started_at: isoTime(op.started_at),
      finished_at: isoTime(op.finished_at),
      recovery_point: rp && { name: rp.name, time: isoTime(rp.time) },
      // A point taken after the start (a planned failover's final snapshot, servers stopped) lost nothing.
      rpo_seconds: rp && seconds(start - rp.time),
      rto_seconds: lastActive === null ? null : seconds(lastActive - op.created_at),
      servers,
      commit: commitOf(op, steps, userOf(i), runDeadline),
      steps: steps.map(stepOf),
      error: op.error,
    },
    lastActive,
    errors: errorsOf(op, steps, servers),
  };
}

/** A plan run's tiers, from its params and its start_tier_N / wait_tier_N steps. */
function tiersOf(p: PlanRunParams, steps: readonly StepRecord[]): ReportTier[] {
  const named = new Map(steps.map((s) => [s.name, s]));
  return (p.tiers ?? []).map((t, k) => {
    const start = named.get(`start_tier_${k + 1}`);
    const wait = named.get(`wait_tier_${k + 1}`);
    const released = start?.status === 'completed' && start.detail.cancelled !== true ? start.finished_at : null;
    return { number: k + 1, name: t.name, protection_groups: [...t.protection_groups], status: wait?.status ?? 'pending', released_at: isoTime(released), finished_at: isoTime(wait?.finished_at ?? null) };
  });
}

/** A plan run's approvals and delays between tiers, with who approved and when. */
function waitsOf(p: PlanRunParams, op: OperationRecord, steps: readonly StepRecord[], user: UserOf): ReportWait[] {
  const approvals = (op.result as RunControl).approvals ?? [];
  return steps.flatMap((s): ReportWait[] => {
    const m = /^(approval|delay)_after_tier_(\d+)$/.exec(s.name);
    const tier = m ? p.tiers?.[Number(m[2]) - 1] : undefined;
    if (!m || !tier) return [];
    const w = tier.wait_after;
    const a = approvals.find((x) => x.step === s.name);
    return [
      {
        step: s.name,
        kind: m[1] === 'approval' ? 'approval' : 'delay',
        after_tier: tier.name,
        status: s.status,
        started_at: isoTime(s.started_at),
        finished_at: isoTime(s.finished_at),
        duration_ms: s.duration_ms,
        prompt: w?.type === 'approval' ? (w.prompt ?? null) : null,
        seconds: w?.type === 'time' ? w.seconds : null,
        approval: a ? { by: user(a.by), at: isoTime(a.at), comment: a.comment ?? null } : null,
      },
    ];
  });
}

export function buildRunReport(i: ReportInput): RunReport {
  const { op } = i;
  const user = userOf(i);
  const isPlan = op.type === PLAN_RUN_TYPE;
  const p = op.params as unknown as PlanRunParams;
  const tierOf = new Map<string, string>(isPlan ? (p.tiers ?? []).flatMap((t) => t.protection_groups.map((pg) => [pg, t.name] as const)) : []);
  const parent = op.type === PARENT_TYPE || isPlan;
  const commit = isPlan ? commitOf(op, i.steps, user) : null;
  const runDeadline = commit ? num((op.result.commit as Partial<CommitRecord>).deadline) : null;
  const parts = parent ? i.children.map((c) => pgPart(c, i.childSteps.get(c.id) ?? [], i, c.pg_id ? (tierOf.get(c.pg_id) ?? null) : null, runDeadline)) : op.pg_id ? [pgPart(op, i.steps, i, null)] : [];
  // A rollback's moves back are reported, but they are not the recovery the RTO and RPO measure.
  const forward = parts.filter((x) => x.entry.revert_of === null);
  const active = forward.map((x) => x.lastActive).filter((t): t is number => t !== null);
  const rpos = forward.map((x) => x.entry.rpo_seconds).filter((r): r is number => r !== null);
  return {
    operation_id: op.id,
    project_id: op.project_id,
    type: op.type,
    mode: modeOf(op.type, op.params),
    status: op.status,
    started_by: user(op.user_id),
    request_id: op.request_id,
    requested_at: isoTime(op.created_at),
    started_at: isoTime(op.started_at),
    finished_at: isoTime(op.finished_at),
    plan: isPlan ? { id: str(p.plan_id), name: str(p.plan_name) ?? '', version: num(p.version) ?? 0 } : null,
    rto_seconds: active.length > 0 ? seconds(Math.max(...active) - op.created_at) : null,
    rpo_seconds: rpos.length > 0 ? Math.max(...rpos) : null,
    commit,
    tiers: isPlan ? tiersOf(p, i.steps) : [],
    waits: isPlan ? waitsOf(p, op, i.steps, user) : [],
    protection_groups: parts.map((x) => x.entry),
    steps: parent ? i.steps.map(stepOf) : [],
    errors: [...(parent ? errorsOf(op, i.steps, []) : []), ...parts.flatMap((x) => x.errors)],
    generated_at: isoTime(i.now),
  };
}
