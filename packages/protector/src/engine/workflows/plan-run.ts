import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { transact } from '../../db/retry.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import type { Database } from '../../db/schema.js';
import { settleParent } from '../operation-parents.js';
import { ControlRefused, currentResult } from '../operation-control.js';
import type { CommitWindow, HookEvent } from '@protector/contract';
import { decideCommit, decisionOf, openWindow, type CommitDecision, type CommitRecord } from './recovery/commit-window.js';
import { RecoveryPlans } from '../../db/recovery-plans.js';
import { hookStep, hooksFor, readinessStep, type HookPayload } from '../plan-hooks.js';
import { createWorkflowContext, type WorkflowDeps } from '../context.js';
import { pause, settleAll, Slots } from '../limits.js';
import { FINISHED, Operations, type OperationRecord } from '../operations.js';
import { holdOf, modeAction, PLAN_RUN_TYPE, type PlanRunParams, type RunControl, type RunTier } from '../plan-runs.js';
import { ALL_CHECKS, formatReport, runPrechecks } from '../prechecks/index.js';
import { StepError, type Step, type StepContext, type StepDetail, type Workflow } from '../workflow.js';

export interface PlanRunOptions {
  /** How often the run looks at its children, its approvals and its pause (default 500 ms). */
  pollMs?: number;
  /** Tells the engines a child was released (the bus); without it their scan finds it. */
  wake?: (operationId: string) => void;
}

/** How many PGs the run's pre-check looks at at once (each asks the clouds and arrays). */
const PRECHECK_PARALLEL = 8;

type Child = Pick<OperationRecord, 'id' | 'project_id' | 'pg_id' | 'status' | 'error' | 'type' | 'params' | 'result'> & { hold: string | null };

/** A child up and waiting for its run to commit or roll it back (its window open, undecided). */
const awaitsRun = (c: Child): boolean => c.status === 'running' && c.params.commit_with_run === true && typeof c.result.commit === 'object' && !(c.result.commit as CommitRecord).decision;

/** A child whose workload came up: ended well, or up and awaiting the run's commit. */
const isUp = (c: Child): boolean => c.status === 'completed' || c.status === 'partial' || awaitsRun(c);

/** A child the run's tier waits for no longer: ended, or up and awaiting the run's commit. */
const settled = (c: Child): boolean => FINISHED.includes(c.status) || awaitsRun(c);

const USER_CANCEL = 'cancelled by the user before it started';

/**
 * A recovery plan run (DESIGN §6): the pre-check of every PG as a whole, then each tier's
 * children released together and waited for, with the plan's wait (a delay or an approval)
 * before the next tier. A failed PG stops a planned run or failback and undoes the tiers done
 * (SRM's planned migration), stops a drill (what came up stays for inspection), and is reported
 * and passed by an unplanned or point-in-time run. Everything the run decides is in the
 * database (children, approvals, pause), so an engine that takes it over after a crash goes on
 * where it was.
 */
export function planRunWorkflow(deps: WorkflowDeps, o: PlanRunOptions = {}): Workflow {
  const db = deps.pgs.db;
  const ops = new Operations(db, deps.now);
  const plans = new RecoveryPlans(db, deps.sites.box, deps.now);
  const pollMs = o.pollMs ?? 500;
  const now = deps.now ?? Date.now;

  const children = async (runId: string): Promise<Child[]> => {
    const rows = await db.selectFrom('operations').select(['id', 'project_id', 'pg_id', 'status', 'error', 'type', 'params', 'result', 'hold']).where('parent_id', '=', runId).execute();
    return rows.map((r) => ({ ...r, status: r.status as OperationRecord['status'], params: JSON.parse(r.params) as Record<string, unknown>, result: JSON.parse(r.result) as Record<string, unknown> }));
  };
  const control = async (runId: string): Promise<RunControl> => (await currentResult(db, runId)) as RunControl;
  const sleep = (signal: AbortSignal) => pause(pollMs, signal);
  const cancelledByUser = (cs: readonly Child[]) => cs.some((c) => c.status === 'cancelled' && c.error === USER_CANCEL);

  /** Cancels what has not started (children still held or unclaimed), freeing their PGs. */
  const cancelUnstarted = async (runId: string): Promise<number> => {
    let n = 0;
    for (const c of await children(runId)) if (c.status === 'pending' && (await cancelChild(db, c, runId, now()))) n++;
    return n;
  };

  /**
   * Passes a decision to the children awaiting the run's: a rollback tier by tier, last tier
   * first (the web tier goes before its database), each tier's ended before the next; a commit
   * all at once. Returns the PGs decided.
   */
  const decideAwaiting = async (runId: string, tiers: readonly RunTier[], decision: CommitDecision, by: string, signal: AbortSignal): Promise<string[]> => {
    const decided: string[] = [];
    for (const tier of decision === 'rollback' ? [...tiers].reverse() : tiers) {
      const mine = (await children(runId)).filter((c) => awaitsRun(c) && c.pg_id !== null && tier.protection_groups.includes(c.pg_id));
      for (const c of mine) {
        await decideCommit(db, c.id, decision, by, now()).catch((err: unknown) => {
          // Decided meanwhile on its own (a user's commit or rollback of that PG's failover).
          if (!(err instanceof ControlRefused)) throw err;
        });
      }
      const ids = new Set(mine.map((c) => c.id));
      if (decision === 'rollback') while ((await children(runId)).some((c) => ids.has(c.id) && !FINISHED.includes(c.status))) await sleep(signal);
      decided.push(...mine.map((c) => c.pg_id as string));
    }
    return decided;
  };
  /** Who a decision the run takes by itself is recorded as taken by. */
  const byRun = (runId: string) => `plan-run ${runId}`;

  const precheck = (p: PlanRunParams): Step => ({
    name: 'precheck',
    async run({ operation, signal }) {
      const act = modeAction(p.mode);
      const ctx = createWorkflowContext(deps);
      const kids = await children(operation.id);
      const slots = new Slots(PRECHECK_PARALLEL);
      const reports = await settleAll(kids, (c) =>
        slots.run(async () => {
          const pg = c.pg_id ? await deps.pgs.get(c.pg_id) : undefined;
          if (!pg) return { pg: c.pg_id ?? c.id, blockers: [`protection group ${c.pg_id} no longer exists`], warnings: 0 };
          const params = c.params as { recovery_point_id?: string; force?: boolean; mappings?: never };
          const r = await runPrechecks(ctx, { action: act.kind, pg, operationId: c.id, recoveryPoint: params.recovery_point_id, force: params.force }, ALL_CHECKS);
          return { pg: `${pg.name} (${pg.id})`, blockers: r.blockers.length > 0 ? [formatReport(r.blockers, [])] : [], warnings: r.warnings.length };
        }),
      );
      if (signal.aborted) throw signal.reason as Error;
      const blocked = reports.filter((r) => r.blockers.length > 0);
      if (blocked.length > 0) {
        // Nothing has changed: the run ends here and every PG is free again.
        await cancelUnstarted(operation.id);
        throw new StepError(`the pre-check of ${blocked.length} of ${reports.length} protection groups found blockers:\n${blocked.map((b) => `${b.pg}:\n${b.blockers.join('\n')}`).join('\n')}`, {
          blocked: blocked.map((b) => b.pg),
        });
      }
      return { protection_groups: reports.length, warnings: reports.reduce((n, r) => n + r.warnings, 0) };
    },
  });

  /** Releases the tier's children (once not paused); a run whose later children the user cancelled ends here. */
  const startTier = (i: number, tier: RunTier): Step => ({
    name: `start_tier_${i + 1}`,
    async run({ operation, signal, progress }) {
      for (;;) {
        const cs = await children(operation.id);
        if (cancelledByUser(cs)) return { tier: tier.name, cancelled: true };
        const paused = (await control(operation.id)).paused;
        if (!paused) break;
        await progress({ tier: tier.name, paused_by: paused.by, paused_at: new Date(paused.at).toISOString() });
        await sleep(signal);
      }
      await db.updateTable('operations').set({ hold: null, updated_at: now() }).where('parent_id', '=', operation.id).where('hold', '=', holdOf(i)).where('status', '=', 'pending').execute();
      for (const c of await children(operation.id)) if (c.pg_id && tier.protection_groups.includes(c.pg_id) && c.status === 'pending') o.wake?.(c.id);
      return { tier: tier.name, protection_groups: tier.protection_groups };
    },
  });

  /** Waits for the tier's children to end and judges them by the run's mode. */
  const waitTier = (p: PlanRunParams, i: number, tier: RunTier): Step => ({
    name: `wait_tier_${i + 1}`,
    async run({ operation, signal, progress }) {
      const act = modeAction(p.mode);
      let mine: Child[];
      for (;;) {
        const cs = await children(operation.id);
        mine = cs.filter((c) => c.pg_id !== null && tier.protection_groups.includes(c.pg_id) && !isRevert(c));
        if (mine.every(settled)) break;
        await progress({ tier: tier.name, ended: mine.filter(settled).length, of: mine.length });
        await sleep(signal);
      }
      const came = mine.filter(isUp);
      const failed = mine.filter((c) => !isUp(c) && !(c.status === 'cancelled' && c.error === USER_CANCEL));
      const detail: StepDetail = { tier: tier.name, completed: came.map((c) => c.pg_id), ...(came.some(awaitsRun) ? { awaiting_commit: came.filter(awaitsRun).map((c) => c.pg_id) } : {}), failed: failed.map((c) => ({ protection_group_id: c.pg_id, operation_id: c.id, status: c.status, error: c.error })) };
      if (mine.some((c) => c.status === 'cancelled' && c.error === USER_CANCEL)) detail.cancelled = true;
      if (failed.length > 0 && act.stops) {
        throw new StepError(`tier ${tier.name}: ${failed.map((f) => `protection group ${f.pg_id} ${f.status}${f.error ? ` (${f.error})` : ''}`).join('; ')}`, detail);
      }
      return detail;
    },
  });

  /** The plan's wait after a tier: a delay from the tier's end, or an approval recorded through the API. */
  const waitAfter = (i: number, tier: RunTier): Step | undefined => {
    const w = tier.wait_after;
    if (!w) return undefined;
    if (w.type === 'ready') return readinessStep(`ready_after_tier_${i + 1}`, w, now);
    if (w.type === 'time') {
      return {
        name: `delay_after_tier_${i + 1}`,
        async run({ operation, signal, progress }) {
          // From the tier's end as recorded, so a run taken over after a crash does not wait again from the start.
          const ended = (await ops.steps(operation.id)).find((s) => s.name === `wait_tier_${i + 1}`)?.finished_at ?? now();
          const until = ended + w.seconds * 1000;
          await progress({ tier: tier.name, until: new Date(until).toISOString() });
          while (now() < until) {
            if (cancelledByUser(await children(operation.id))) return { tier: tier.name, cancelled: true };
            await sleep(signal);
          }
          return { tier: tier.name, waited_seconds: w.seconds };
        },
      };
    }
    const name = `approval_after_tier_${i + 1}`;
    return {
      name,
      async run({ operation, signal, progress }) {
        await progress({ tier: tier.name, waiting_for: 'approval', ...(w.prompt ? { prompt: w.prompt } : {}), since: new Date(now()).toISOString() });
        for (;;) {
          const approved = (await control(operation.id)).approvals?.find((a) => a.step === name);
          if (approved) return { tier: tier.name, approved_by: approved.by, approved_at: new Date(approved.at).toISOString(), ...(approved.comment ? { comment: approved.comment } : {}) };
          if (cancelledByUser(await children(operation.id))) return { tier: tier.name, cancelled: true };
          await sleep(signal);
        }
      },
    };
  };

  /**
   * The plan's commit policy: every PG is up and waits awaiting_commit; one decision on the run
   * (`…/operations/{run}/commit|rollback`, or `on_deadline` at the deadline) is passed to them
   * all, and the run ends when they have (a commit reverses replication, a rollback runs the
   * sources again). A PG decided on its own meanwhile keeps its own decision.
   */
  const awaitRunCommit = (p: PlanRunParams, w: Required<CommitWindow>): Step => ({
    name: 'await_commit',
    async run({ operation, signal, progress }) {
      const waiting = async () => (await children(operation.id)).filter(awaitsRun);
      const first = await waiting();
      // Opened before a crash: the decisions may have been passed on already.
      const opened = (await currentResult(db, operation.id)).commit !== undefined;
      if (!opened && first.length === 0) return { awaiting: 0 };
      const window = await openWindow(db, operation.id, now(), w);
      await progress({ awaiting_commit: true, protection_groups: first.map((c) => c.pg_id), deadline: new Date(window.deadline as number).toISOString(), on_deadline: w.on_deadline });
      let d: Awaited<ReturnType<typeof decisionOf>>;
      while (!(d = await decisionOf(db, operation.id, now())) && (await waiting()).length > 0) await sleep(signal);
      const decided = d ? await decideAwaiting(operation.id, p.tiers, d.decision, d.by, signal) : [];
      let all: Child[];
      while ((all = await children(operation.id)).some((c) => !FINISHED.includes(c.status))) await sleep(signal);
      const ended = all.filter((c) => c.pg_id !== null && decided.includes(c.pg_id));
      const wanted = d?.decision === 'rollback' ? ['rolled_back'] : ['completed', 'partial'];
      const failed = ended.filter((c) => !wanted.includes(c.status)).map((c) => ({ protection_group_id: c.pg_id, operation_id: c.id, status: c.status, error: c.error }));
      if (!d) return { decision: null, decided_per_protection_group: true };
      return { decision: d.decision, by: d.by, at: new Date(d.at).toISOString(), protection_groups: decided, failed };
    },
  });

  const hooks = (name: string, p: PlanRunParams, event: HookEvent, tier?: RunTier, outcome?: () => Record<string, unknown>): Step[] => {
    const these = hooksFor(p.hooks, event, tier?.name);
    if (these.length === 0) return [];
    const payload = (runId: string): HookPayload => ({
      event, run_id: runId, plan_id: p.plan_id ?? null, plan_name: p.plan_name, mode: p.mode,
      ...(tier ? { tier: tier.name, protection_groups: tier.protection_groups } : {}),
      ...(outcome ? { outcome: outcome() } : {}),
    });
    return [hookStep(name, these, plans, payload, now)];
  };

  const stepsOf = (p: PlanRunParams): Step[] => {
    const steps: Step[] = [precheck(p), ...hooks('hooks_before_run', p, 'before_run')];
    p.tiers.forEach((t, i) => {
      steps.push(...hooks(`hooks_before_tier_${i + 1}`, p, 'before_tier', t), startTier(i, t), waitTier(p, i, t), ...hooks(`hooks_after_tier_${i + 1}`, p, 'after_tier', t));
      const w = waitAfter(i, t);
      if (w) steps.push(w);
    });
    if (p.commit) steps.push(awaitRunCommit(p, p.commit));
    steps.push(...hooks('hooks_after_run', p, 'after_run', undefined, () => ({ tiers: p.tiers.length })));
    // A run that is not undone ends at its failed step: what it still holds is let go then, so
    // no PG stays held by a child that will never be released, nor waits for a decision that
    // will never come (what is up awaiting the run's commit is rolled back).
    if (modeAction(p.mode).rollsBack) return steps;
    return steps.map((step) => ({
      name: step.name,
      async run(ctx: StepContext) {
        try {
          return await step.run(ctx);
        } catch (err) {
          if (!ctx.signal.aborted && !isDatabaseUnavailable(err)) {
            await cancelUnstarted(ctx.operation.id);
            await decideAwaiting(ctx.operation.id, p.tiers, 'rollback', byRun(ctx.operation.id), ctx.signal);
          }
          throw err;
        }
      },
    }));
  };

  /**
   * Undoing a planned run or failback: what has not started is cancelled, what has started is
   * waited for (what is up awaiting the run's commit is rolled back, last tier first), then
   * every PG the run moved is moved back, last tier first, each as a child of the run (a
   * failback for a planned failover, a planned failover for a failback).
   */
  const rollbackOf = (p: PlanRunParams): Step[] => {
    const steps: Step[] = [
      { name: 'cancel_unstarted', run: async ({ operation }) => ({ cancelled: await cancelUnstarted(operation.id) }) },
      {
        name: 'wait_started',
        async run({ operation, signal }) {
          const rolledBack: string[] = [];
          for (;;) {
            rolledBack.push(...(await decideAwaiting(operation.id, p.tiers, 'rollback', byRun(operation.id), signal)));
            if ((await children(operation.id)).every((c) => FINISHED.includes(c.status))) return rolledBack.length > 0 ? { rolled_back: rolledBack } : {};
            await sleep(signal);
          }
        },
      },
    ];
    for (let i = p.tiers.length - 1; i >= 0; i--) steps.push(revertTier(p, i, p.tiers[i] as RunTier));
    return steps;
  };

  const revertTier = (p: PlanRunParams, i: number, tier: RunTier): Step => ({
    name: `revert_tier_${i + 1}`,
    async run(ctx: StepContext) {
      const { operation, signal } = ctx;
      const cs = await children(operation.id);
      const moved = cs.filter((c) => c.pg_id && tier.protection_groups.includes(c.pg_id) && !isRevert(c) && (c.status === 'completed' || c.status === 'partial'));
      const reverts: string[] = [];
      for (const c of moved) {
        const existing = cs.find((r) => isRevert(r) && r.params.revert_of === c.id && r.status !== 'failed');
        if (existing) {
          reverts.push(existing.id);
          continue;
        }
        const type = p.mode === 'failback' ? 'failover' : 'failback';
        const params = { ...(type === 'failover' ? { type: 'planned' } : {}), revert_of: c.id };
        const made = await ops.create({ id: randomUUID(), project_id: c.project_id, pg_id: c.pg_id, parent_id: operation.id, type, params, request_id: operation.request_id, user_id: operation.user_id });
        o.wake?.(made.id);
        reverts.push(made.id);
      }
      for (;;) {
        const now_ = await children(operation.id);
        const mine = now_.filter((c) => reverts.includes(c.id));
        if (mine.every((c) => FINISHED.includes(c.status))) {
          const bad = mine.filter((c) => c.status !== 'completed');
          if (bad.length > 0) throw new StepError(`moving tier ${tier.name} back failed: ${bad.map((b) => `protection group ${b.pg_id} ${b.status}${b.error ? ` (${b.error})` : ''}`).join('; ')}`);
          return { tier: tier.name, moved_back: mine.map((c) => c.pg_id) };
        }
        await sleep(signal);
      }
    },
  });

  return {
    type: PLAN_RUN_TYPE,
    steps: (op) => stepsOf(op.params as unknown as PlanRunParams),
    rollback: (op, failedStep) => {
      const p = op.params as unknown as PlanRunParams;
      // Nothing moved before the first tier started; a drill or an unplanned run is never undone.
      return failedStep === 'precheck' || !modeAction(p.mode).rollsBack ? [] : rollbackOf(p);
    },
    outcome: (completed) => {
      const details = [...completed.values()];
      if (details.some((d) => d.cancelled === true)) return 'cancelled';
      if (details.some((d) => Array.isArray(d.failed) && d.failed.length > 0)) return 'partial';
      return completed.get('await_commit')?.decision === 'rollback' ? 'rolled_back' : 'completed';
    },
  };
}

/** A child the run's rollback made to move a PG back. */
const isRevert = (c: Pick<Child, 'params'>): boolean => typeof c.params.revert_of === 'string';

/** Cancels one waiting child (held or not yet claimed) and frees its PG; false when an engine took it first. */
async function cancelChild(db: Kysely<Database>, c: Child, runId: string, t: number): Promise<boolean> {
  return transact(db, async (tx) => {
    const r = await tx
      .updateTable('operations')
      .set({ status: 'cancelled', hold: null, finished_at: t, updated_at: t, error: 'cancelled by its recovery plan run' })
      .where('id', '=', c.id)
      .where('status', '=', 'pending')
      .where('lease_owner', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    if (c.pg_id) await tx.updateTable('protection_groups').set({ active_operation_id: null, updated_at: t }).where('id', '=', c.pg_id).where('active_operation_id', '=', c.id).execute();
    await settleParent(tx, runId, t);
    return true;
  });
}
