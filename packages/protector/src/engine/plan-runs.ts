import type { CommitWindow, PlanHook, PlanRunMode, PlanTier, PlanWait } from '@protector/contract';
import type { Kysely } from 'kysely';
import { transact } from '../db/retry.js';
import type { Database } from '../db/schema.js';
import { takeGroups } from './bulk-operations.js';
import { PLAN_RUN_TYPE } from './operation-parents.js';
import { ControlRefused, recordDecision, type RunningState } from './operation-control.js';
import { pendingRow, type NewOperation, type OperationRecord, type Operations } from './operations.js';
import type { ActionKind } from './prechecks/index.js';
import { POINT_IN_TIME_WINDOW, windowOf } from './workflows/recovery/commit-window.js';

export { PLAN_RUN_TYPE };

/** The operation a run's mode records on each PG, with the pre-check it runs. */
export interface ModeAction {
  type: 'failover' | 'failback' | 'test_failover' | 'test_cleanup';
  kind: ActionKind;
  /** A failed PG stops the run and undoes the tiers done (SRM's planned migration), rather than being reported and passed. */
  rollsBack: boolean;
  /** A failed PG ends the run (drills: what came up stays for inspection until drill_cleanup). */
  stops: boolean;
  /** Tiers run last first (a drill's cleanup removes the web tier before the database). */
  reverse: boolean;
  /** Takes a recovery point per PG. */
  pointInTime: boolean;
  /** Its PGs may wait for one commit or rollback of the whole run (the plan's commit policy). */
  commits: boolean;
}

export const MODE_ACTIONS: Readonly<Record<PlanRunMode, ModeAction>> = {
  drill: { type: 'test_failover', kind: 'test_failover', rollsBack: false, stops: true, reverse: false, pointInTime: true, commits: false },
  drill_cleanup: { type: 'test_cleanup', kind: 'test_cleanup', rollsBack: false, stops: false, reverse: true, pointInTime: false, commits: false },
  planned: { type: 'failover', kind: 'planned_failover', rollsBack: true, stops: true, reverse: false, pointInTime: false, commits: true },
  unplanned: { type: 'failover', kind: 'unplanned_failover', rollsBack: false, stops: false, reverse: false, pointInTime: true, commits: false },
  // Zerto's case (ransomware): both sites answer, each PG is brought up from a chosen point, the
  // whole run is inspected, then kept or rolled back; a PG that fails is reported and passed.
  point_in_time: { type: 'failover', kind: 'planned_failover', rollsBack: false, stops: false, reverse: false, pointInTime: true, commits: true },
  failback: { type: 'failback', kind: 'failback', rollsBack: true, stops: true, reverse: false, pointInTime: false, commits: false },
};

export const modeAction = (mode: PlanRunMode): ModeAction => MODE_ACTIONS[mode] as ModeAction;

/**
 * The commit window of a run: the run's own, else the plan's, else an hour for a point_in_time
 * run (as a single point-in-time failover); none for modes that do not commit, or 0 seconds.
 */
export function runCommitWindow(mode: PlanRunMode, run: CommitWindow | undefined, plan: CommitWindow | null | undefined): Required<CommitWindow> | undefined {
  if (!modeAction(mode).commits) return undefined;
  return windowOf(run ?? plan ?? (mode === 'point_in_time' ? { seconds: POINT_IN_TIME_WINDOW } : undefined));
}

/** What a child records: the run decides its commit (`commit_with_run`); 0 seconds: no window of its own. */
export interface ActionParams {
  type?: 'planned' | 'unplanned';
  force?: boolean;
  boot_timeout_seconds?: number;
  commit_window?: CommitWindow;
  commit_with_run?: true;
}

/** What each child operation of a run records (its recovery point is added per PG). */
export function actionParams(mode: PlanRunMode, o: { force?: boolean; boot_timeout_seconds?: number } = {}, commit?: Required<CommitWindow>): ActionParams {
  const p: ActionParams = {};
  if (mode === 'planned' || mode === 'point_in_time') p.type = 'planned';
  if (mode === 'unplanned') p.type = 'unplanned';
  if (modeAction(mode).commits) Object.assign(p, commit ? { commit_window: commit, commit_with_run: true } : { commit_window: { seconds: 0 } });
  // A drill takes no force; a cleanup boots nothing.
  if (o.force !== undefined && mode !== 'drill') p.force = o.force;
  if (o.boot_timeout_seconds !== undefined && mode !== 'drill_cleanup') p.boot_timeout_seconds = o.boot_timeout_seconds;
  return p;
}

/** One tier as a run records it (in the order the run takes the tiers). */
export interface RunTier {
  name: string;
  protection_groups: string[];
  wait_after?: PlanWait;
}

/** What a plan run's parent records as its params (the plan as it was run). */
export interface PlanRunParams {
  /** None for a generated plan (a site failover), which holds no plan row. */
  plan_id?: string;
  plan_name: string;
  version: number;
  mode: PlanRunMode;
  tiers: RunTier[];
  /** The child operations' parameters, except their recovery points (actionParams). */
  action: ActionParams;
  /** The run's commit window: its children wait, up, for the run's commit or rollback. */
  commit?: Required<CommitWindow>;
  /** The recovery point each PG is brought up from, when chosen. */
  recovery_points: Record<string, string>;
  /** The plan's callouts as it was run (their secrets stay with the plan). */
  hooks?: PlanHook[];
}

/** The tiers in the order the mode takes them; a wait stays after the tier it followed in the plan, never after the last. */
export function runTiers(tiers: readonly PlanTier[], mode: PlanRunMode): RunTier[] {
  const ordered = modeAction(mode).reverse ? [...tiers].reverse().map(({ wait_after: _w, ...t }) => t) : tiers.map((t) => ({ ...t }));
  return ordered.map((t, i) => (i === ordered.length - 1 ? { name: t.name, protection_groups: [...t.protection_groups] } : { ...t, protection_groups: [...t.protection_groups] }));
}

export const holdOf = (tierIndex: number): string => `tier-${tierIndex + 1}`;

/** The plan is held by another run (the API answers 409). */
export class PlanBusy extends Error {
  readonly status = 409;
  constructor(planId: string, runId: string | null) {
    super(`Recovery plan ${planId} is already running (operation ${runId ?? '(unknown)'}); wait for it to finish.`);
    this.name = 'PlanBusy';
  }
}

/**
 * Records a run: the parent holding the plan, and a pending child per PG holding its PG, each
 * held under its tier until the run releases it. All or nothing, PGs taken in id order (as
 * createBulk). Returns the parent and its children in run order.
 */
export async function createPlanRun(
  ops: Operations,
  now: number,
  parent: Omit<NewOperation, 'pg_id' | 'type' | 'parent_id' | 'params'> & { params: PlanRunParams },
  childId: (pgId: string) => string,
  /** Each PG's project, when the run spans projects (a site failover); default the parent's. */
  projectOf: (pgId: string) => string = () => parent.project_id,
): Promise<{ parent: OperationRecord; children: OperationRecord[] }> {
  const p = parent.params;
  const act = modeAction(p.mode);
  const kids: NewOperation[] = p.tiers.flatMap((t, i) =>
    t.protection_groups.map((pg) => ({
      id: childId(pg),
      project_id: projectOf(pg),
      pg_id: pg,
      parent_id: parent.id,
      hold: holdOf(i),
      type: act.type,
      params: { ...p.action, ...(p.recovery_points[pg] ? { recovery_point_id: p.recovery_points[pg] } : {}) },
      request_id: parent.request_id,
      user_id: parent.user_id,
    })),
  );
  await transact(ops.db, async (tx: Kysely<Database>) => {
    if (p.plan_id) {
      const took = await tx.updateTable('recovery_plans').set({ active_run_id: parent.id }).where('id', '=', p.plan_id).where('active_run_id', 'is', null).executeTakeFirst();
      if (Number(took.numUpdatedRows) !== 1) {
        const plan = await tx.selectFrom('recovery_plans').select('active_run_id').where('id', '=', p.plan_id).executeTakeFirst();
        throw new PlanBusy(p.plan_id, plan?.active_run_id ?? null);
      }
    }
    await takeGroups(tx, kids.map((k) => ({ id: k.id, pgId: k.pg_id as string })));
    await tx.insertInto('operations').values(pendingRow({ ...parent, pg_id: null, type: PLAN_RUN_TYPE, params: p as unknown as Record<string, unknown> }, now)).execute();
    for (let i = 0; i < kids.length; i += 200) await tx.insertInto('operations').values(kids.slice(i, i + 200).map((k) => pendingRow(k, now))).execute();
  });
  const byId = new Map((await ops.children(parent.id)).map((c) => [c.id, c]));
  return { parent: (await ops.get(parent.id)) as OperationRecord, children: kids.map((k) => byId.get(k.id) as OperationRecord) };
}

/** A control request the run cannot take now (the API answers 409 with the reason). */
export { ControlRefused as RunControlRefused };

/** What the API's pause, resume and approve record on a run, read by its workflow. */
export interface RunControl {
  paused?: { by: string; at: number };
  approvals?: { step: string; by: string; at: number; comment?: string }[];
}

/** Changes a running run's control record (operation-control.ts). */
async function control(db: Kysely<Database>, runId: string, now: number, change: (c: RunControl, run: RunningState) => RunControl): Promise<void> {
  await recordDecision(db, runId, now, (result, run) => {
    if (run.type !== PLAN_RUN_TYPE) throw new ControlRefused(`Operation ${runId} is not a recovery plan run.`);
    if (run.status !== 'pending' && run.status !== 'running') throw new ControlRefused(`Recovery plan run ${runId} is ${run.status}.`);
    const next = change({ paused: result.paused as RunControl['paused'], approvals: result.approvals as RunControl['approvals'] }, run);
    return { ...next, paused: next.paused };
  });
}

/** Approves the wait the run is at; refused unless it is waiting for an approval. */
export async function approveRun(db: Kysely<Database>, runId: string, by: string, now: number, comment?: string): Promise<void> {
  await control(db, runId, now, (c, run) => {
    if (!run.step?.startsWith('approval_after_')) throw new ControlRefused(`Recovery plan run ${runId} is not waiting for an approval${run.step ? ` (it is at ${run.step})` : ''}.`);
    const step = run.step;
    if (c.approvals?.some((a) => a.step === step)) return c;
    return { ...c, approvals: [...(c.approvals ?? []), { step, by, at: now, ...(comment ? { comment } : {}) }] };
  });
}

/** The run starts no further tier until resumed. */
export async function pauseRun(db: Kysely<Database>, runId: string, by: string, now: number): Promise<void> {
  await control(db, runId, now, (c) => (c.paused ? c : { ...c, paused: { by, at: now } }));
}

/** A paused run goes on; refused when it is not paused. */
export async function unpauseRun(db: Kysely<Database>, runId: string, now: number): Promise<void> {
  await control(db, runId, now, (c) => {
    if (!c.paused) throw new ControlRefused(`Recovery plan run ${runId} is not paused.`);
    return { ...c, paused: undefined };
  });
}
