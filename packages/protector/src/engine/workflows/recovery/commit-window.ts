import type { CommitWindow } from '@protector/contract';
import { ControlRefused, currentResult, recordDecision } from '../../operation-control.js';
import { pause } from '../../limits.js';
import { StepError } from '../../workflow.js';
import type { StepState } from '../flow.js';

/** What the API records when a user decides, and the window the workflow opened. */
export interface CommitRecord {
  deadline: number;
  on_deadline: 'commit' | 'rollback';
  decision?: { decision: 'commit' | 'rollback'; by: string; at: number };
}

/** The window a failover's params ask for: a point-in-time planned failover gets an hour unless it says. */
export function commitWindowOf(p: { type: string; recovery_point_id?: string; commit_window?: CommitWindow }): Required<CommitWindow> | undefined {
  if (p.type !== 'planned') return undefined;
  const w = p.commit_window ?? (p.recovery_point_id ? { seconds: 3600 } : undefined);
  return w && w.seconds > 0 ? { seconds: w.seconds, on_deadline: w.on_deadline ?? 'commit' } : undefined;
}

/**
 * The workload is up on the target, replication not yet reversed: the PG waits awaiting_commit
 * until a user commits or rolls back (`…/operations/{id}/commit|rollback`) or the deadline
 * passes. The deadline is recorded once, in the operation, so an engine that takes the failover
 * over after a crash keeps it. A commit goes on with the failover; a rollback fails this step, so
 * the failover's rollback removes what came up and runs the source again.
 */
export async function awaitCommit(s: StepState<unknown, object>, w: Required<CommitWindow>, pollMs = 500): Promise<{ decision: 'commit'; by: string; at: string }> {
  const { ctx, pg, opId, signal } = s;
  const db = ctx.pgs.db;
  let window: CommitRecord | undefined;
  await recordDecision(db, opId, ctx.now(), (result) => {
    window = (result.commit as CommitRecord | undefined) ?? { deadline: ctx.now() + w.seconds * 1000, on_deadline: w.on_deadline };
    return { commit: window };
  });
  await ctx.pgs.update(pg.id, { status: 'awaiting_commit' });
  const deadline = (window as CommitRecord).deadline;
  await s.progress({ awaiting_commit: true, deadline: new Date(deadline).toISOString(), on_deadline: w.on_deadline });
  for (;;) {
    const c = (await currentResult(db, opId)).commit as CommitRecord | undefined;
    const decided = c?.decision ?? (ctx.now() >= deadline ? { decision: w.on_deadline, by: 'deadline', at: deadline } : undefined);
    if (decided) {
      // Back to the working state: the failover's later steps, or its rollback, set the end state.
      await ctx.pgs.update(pg.id, { status: 'failing_over' });
      if (decided.decision === 'rollback') throw new StepError(`rolled back ${decided.by === 'deadline' ? 'at the commit deadline' : `by ${decided.by}`}`, { decision: 'rollback', by: decided.by });
      return { decision: 'commit', by: decided.by, at: new Date(decided.at).toISOString() };
    }
    await pause(pollMs, signal);
  }
}

/** The user's decision on a failover awaiting commit; refused unless it is awaiting one. */
export async function decideCommit(db: Parameters<typeof recordDecision>[0], opId: string, decision: 'commit' | 'rollback', by: string, now: number): Promise<void> {
  await recordDecision(db, opId, now, (result, run) => {
    const c = result.commit as CommitRecord | undefined;
    if (run.step !== 'await_commit' || !c) throw new ControlRefused(`Operation ${opId} is not awaiting a commit${run.step ? ` (it is at ${run.step})` : ` (it is ${run.status})`}.`);
    if (c.decision) throw new ControlRefused(`Operation ${opId} was already decided: ${c.decision.decision} by ${c.decision.by}.`);
    return { commit: { ...c, decision: { decision, by, at: now } } };
  });
}
