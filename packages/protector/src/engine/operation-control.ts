import type { Kysely } from 'kysely';
import { locksRows } from '../db/connection.js';
import { transact } from '../db/retry.js';
import type { Database } from '../db/schema.js';

/** A decision the operation cannot take now (the API answers 409 with the reason). */
export class ControlRefused extends Error {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = 'ControlRefused';
  }
}

/** What a running operation is doing, for a decision to check against. */
export interface RunningState {
  type: string;
  status: string;
  /** Its last recorded step that has not ended. */
  step: string | undefined;
}

/**
 * Records a user's decision (an approval, a pause, a commit) in a running operation's result,
 * under a row lock in one short transaction; its workflow reads it from there, so the decision
 * survives an engine restart. `change` returns the keys to set (undefined removes one) or throws
 * ControlRefused.
 */
export async function recordDecision(db: Kysely<Database>, id: string, now: number, change: (result: Record<string, unknown>, run: RunningState) => Record<string, unknown>): Promise<void> {
  await transact(db, async (tx) => {
    const row = await tx.selectFrom('operations').select(['status', 'result', 'type']).where('id', '=', id).$if(locksRows(tx), (q) => q.forUpdate()).executeTakeFirst();
    if (!row) throw new ControlRefused(`Operation ${id} does not exist.`);
    const step = await tx.selectFrom('operation_steps').select('name').where('operation_id', '=', id).where('status', '=', 'running').orderBy('seq', 'desc').executeTakeFirst();
    const result = JSON.parse(row.result) as Record<string, unknown>;
    const next = { ...result, ...change(result, { type: row.type, status: row.status, step: step?.name }) };
    await tx.updateTable('operations').set({ result: JSON.stringify(next), updated_at: now }).where('id', '=', id).execute();
  });
}

/** An operation's result as stored now (a workflow polling for a decision). */
export async function currentResult(db: Kysely<Database>, id: string): Promise<Record<string, unknown>> {
  const r = await db.selectFrom('operations').select('result').where('id', '=', id).executeTakeFirst();
  return JSON.parse(r?.result ?? '{}') as Record<string, unknown>;
}
