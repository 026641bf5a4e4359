import type { OperationStatus } from '@protector/contract';
import type { Kysely } from 'kysely';
import { locksRows } from '../db/connection.js';
import type { Database } from '../db/schema.js';

/**
 * Parent operations (DESIGN §3): a bulk action is one parent row with a child operation per
 * protection group. Only the children are claimed and run by engines; the parent is never
 * claimed, and its state, progress and times are its children's, written in the same transaction
 * as every change of a child's end (finish, cancel, resume), so a list filtered by status sees
 * parents as they are.
 */
export const PARENT_TYPE = 'bulk';

/**
 * A recovery plan run's parent: unlike a bulk parent, an engine claims and runs it
 * (workflows/plan-run.ts), and its state is its own; its children only count themselves into it.
 */
export const PLAN_RUN_TYPE = 'plan_run';

const FINISHED: readonly string[] = ['completed', 'failed', 'partial', 'rolled_back', 'cancelled'];

interface ChildState {
  id: string;
  pg_id: string | null;
  status: string;
  progress: number;
  error: string | null;
  started_at: number | null;
  finished_at: number | null;
}

/** What the parent says, given its children. */
export interface ParentState {
  status: OperationStatus;
  progress: number;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  /** How many children are in each state. */
  counts: Record<string, number>;
}

/**
 * The parent's state from its children's: pending until one starts, running until all have
 * ended; then the children's common end when they agree, `partial` when some protection groups
 * came through and others not, `failed` when none did.
 */
export function parentState(children: readonly ChildState[]): ParentState {
  const counts: Record<string, number> = {};
  for (const c of children) counts[c.status] = (counts[c.status] ?? 0) + 1;
  const ended = children.filter((c) => FINISHED.includes(c.status));
  const startedAt = children.map((c) => c.started_at).filter((t): t is number => t !== null);
  const progress = children.length === 0 ? 0 : Math.floor(children.reduce((n, c) => n + (FINISHED.includes(c.status) ? 100 : c.progress), 0) / children.length);
  const started_at = startedAt.length > 0 ? Math.min(...startedAt) : null;
  if (ended.length < children.length || children.length === 0) {
    return { status: started_at === null ? 'pending' : 'running', progress: Math.min(progress, 99), started_at, finished_at: null, error: null, counts };
  }
  const statuses = Object.keys(counts) as OperationStatus[];
  const came = (counts.completed ?? 0) + (counts.partial ?? 0);
  const status: OperationStatus = statuses.length === 1 ? statuses[0]! : came > 0 ? 'partial' : 'failed';
  const finished_at = Math.max(...ended.map((c) => c.finished_at ?? 0));
  const bad = children.filter((c) => c.status !== 'completed');
  const error =
    bad.length === 0
      ? null
      : `${bad.length} of ${children.length} protection groups did not complete: ${bad
          .slice(0, 5)
          .map((c) => `${c.pg_id ?? c.id} ${c.status}${c.error ? ` (${c.error})` : ''}`)
          .join('; ')}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''}`;
  return { status, progress: status === 'completed' ? 100 : progress, started_at, finished_at, error: error && error.slice(0, 4000), counts };
}

/**
 * Writes the parent's state from its children's, inside the caller's transaction. The parent's
 * row is locked first (MariaDB), so children ending at once on several engines settle it one
 * after the other, each reading the others' ends (a locking read sees the newest rows).
 */
export async function settleParent(tx: Kysely<Database>, parentId: string, now: number): Promise<void> {
  const lock = locksRows(tx);
  const parent = await tx.selectFrom('operations').select(['result', 'type']).where('id', '=', parentId).$if(lock, (q) => q.forUpdate()).executeTakeFirst();
  if (!parent) return;
  const children = await tx
    .selectFrom('operations')
    .select(['id', 'pg_id', 'status', 'progress', 'error', 'started_at', 'finished_at'])
    .where('parent_id', '=', parentId)
    .$if(lock, (q) => q.forUpdate())
    .execute();
  const s = parentState(children);
  const result = { ...(JSON.parse(parent.result) as Record<string, unknown>), children: s.counts };
  if (parent.type === PLAN_RUN_TYPE) {
    await tx.updateTable('operations').set({ result: JSON.stringify(result), updated_at: now }).where('id', '=', parentId).execute();
    return;
  }
  await tx
    .updateTable('operations')
    .set({ status: s.status, progress: s.progress, started_at: s.started_at, finished_at: s.finished_at, error: s.error, result: JSON.stringify(result), updated_at: now })
    .where('id', '=', parentId)
    .execute();
}
