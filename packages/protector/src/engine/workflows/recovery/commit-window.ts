import type { CommitWindow } from '@protector/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { ControlRefused, currentResult, recordDecision } from '../../operation-control.js';
import { pause } from '../../limits.js';
import { StepError } from '../../workflow.js';
import type { StepState } from '../flow.js';

/** A point-in-time failover's window unless it says otherwise (seconds). */
export const POINT_IN_TIME_WINDOW = 3600;

export type CommitDecision = 'commit' | 'rollback';

/** What the API records when a user decides, and the window the workflow opened. */
export interface CommitRecord {
  /** None for a plan run's child: its run decides, at the run's deadline. */
  deadline: number | null;
  on_deadline: CommitDecision;
  decision?: { decision: CommitDecision; by: string; at: number };
}

/** A window as given, complete; none for 0 seconds. */
export const windowOf = (w: CommitWindow | undefined): Required<CommitWindow> | undefined => (w && w.seconds > 0 ? { seconds: w.seconds, on_deadline: w.on_deadline ?? 'commit' } : undefined);

/** A failover's window, and whether its plan run decides it (one commit for the whole run). */
export type FailoverWindow = Required<CommitWindow> & { withRun: boolean };

/** The window a failover's params ask for: a point-in-time planned failover gets an hour unless it says. */
export function commitWindowOf(p: { type: string; recovery_point_id?: string; commit_window?: CommitWindow; commit_with_run?: boolean }): FailoverWindow | undefined {
  if (p.type !== 'planned') return undefined;
  const w = windowOf(p.commit_window ?? (p.recovery_point_id ? { seconds: POINT_IN_TIME_WINDOW } : undefined));
  return w && { ...w, withRun: p.commit_with_run === true };
}

/** Opens the window once: an engine that takes the operation over after a crash keeps the recorded deadline. */
export async function openWindow(db: Kysely<Database>, opId: string, now: number, w: Required<CommitWindow>, ownDeadline = true): Promise<CommitRecord> {
  let window: CommitRecord | undefined;
  await recordDecision(db, opId, now, (result) => {
    window = (result.commit as CommitRecord | undefined) ?? { deadline: ownDeadline ? now + w.seconds * 1000 : null, on_deadline: w.on_deadline };
    return { commit: window };
  });
  return window as CommitRecord;
}

/** The decision taken by now: a user's, or the deadline's. */
export async function decisionOf(db: Kysely<Database>, opId: string, now: number): Promise<{ decision: CommitDecision; by: string; at: number } | undefined> {
  const c = (await currentResult(db, opId)).commit as CommitRecord | undefined;
  if (c?.decision) return c.decision;
  return c && c.deadline !== null && now >= c.deadline ? { decision: c.on_deadline, by: 'deadline', at: c.deadline } : undefined;
}

/**
 * The workload is up on the target, replication not yet reversed: the PG waits awaiting_commit
 * until a user commits or rolls back (`…/operations/{id}/commit|rollback`) or the deadline
 * passes (a plan run's child: until its run decides). A commit goes on with the failover; a
 * rollback fails this step, so the failover's rollback removes what came up and runs the source
 * again. The wait holds no DR slot of the engine: it does nothing until someone decides.
 */
export async function awaitCommit(s: StepState<unknown, object>, w: FailoverWindow, pollMs = 500): Promise<{ decision: 'commit'; by: string; at: string }> {
  const { ctx, pg, opId, signal } = s;
  const db = ctx.pgs.db;
  const window = await openWindow(db, opId, ctx.now(), w, !w.withRun);
  await ctx.pgs.update(pg.id, { status: 'awaiting_commit' });
  await s.progress({ awaiting_commit: true, ...(window.deadline === null ? { decided_by: 'its recovery plan run' } : { deadline: new Date(window.deadline).toISOString() }), on_deadline: w.on_deadline });
  const decided = await s.idle(async () => {
    for (;;) {
      const d = await decisionOf(db, opId, ctx.now());
      if (d) return d;
      await pause(pollMs, signal);
    }
  });
  // Back to the working state: the failover's later steps, or its rollback, set the end state.
  await ctx.pgs.update(pg.id, { status: 'failing_over' });
  if (decided.decision === 'rollback') throw new StepError(`rolled back ${decided.by === 'deadline' ? 'at the commit deadline' : `by ${decided.by}`}`, { decision: 'rollback', by: decided.by });
  return { decision: 'commit', by: decided.by, at: new Date(decided.at).toISOString() };
}

/** A user's (or a plan run's) decision on an operation awaiting commit; refused unless it is awaiting one. */
export async function decideCommit(db: Kysely<Database>, opId: string, decision: CommitDecision, by: string, now: number): Promise<void> {
  await recordDecision(db, opId, now, (result, run) => {
    const c = result.commit as CommitRecord | undefined;
    if (run.step !== 'await_commit' || !c) throw new ControlRefused(`Operation ${opId} is not awaiting a commit${run.step ? ` (it is at ${run.step})` : ` (it is ${run.status})`}.`);
    if (c.decision) throw new ControlRefused(`Operation ${opId} was already decided: ${c.decision.decision} by ${c.decision.by}.`);
    return { commit: { ...c, decision: { decision, by, at: now } } };
  });
}
