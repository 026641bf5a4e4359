import type { Kysely } from 'kysely';
import { transact } from '../db/retry.js';
import type { Database } from '../db/schema.js';
import { PARENT_TYPE } from './operation-parents.js';
import { OperationInProgress, pendingRow, ResumeRefused, type NewOperation, type OperationRecord, type Operations } from './operations.js';

/** Some of a bulk action's protection groups are held by other operations (the API answers 409, naming each). */
export class ProtectionGroupsBusy extends Error {
  readonly status = 409;
  constructor(readonly busy: readonly { pgId: string; operationId: string | null }[]) {
    super(`${busy.length === 1 ? 'a protection group is' : `${busy.length} protection groups are`} busy: ${busy.map((b) => `${b.pgId} with operation ${b.operationId ?? '(unknown)'}`).join(', ')}; wait for ${busy.length === 1 ? 'it' : 'them'} to finish`);
    this.name = 'ProtectionGroupsBusy';
  }
}

/**
 * Gives each PG to its operation, in PG-id order (so two requests over the same PGs cannot
 * deadlock), inside the caller's transaction; throws ProtectionGroupsBusy naming every PG that
 * another operation holds.
 */
export async function takeGroups(tx: Kysely<Database>, takers: readonly { id: string; pgId: string }[]): Promise<void> {
  const busy: { pgId: string; operationId: string | null }[] = [];
  for (const k of [...takers].sort((a, b) => a.pgId.localeCompare(b.pgId))) {
    const r = await tx.updateTable('protection_groups').set({ active_operation_id: k.id }).where('id', '=', k.pgId).where('active_operation_id', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) continue;
    const pg = await tx.selectFrom('protection_groups').select('active_operation_id').where('id', '=', k.pgId).executeTakeFirst();
    busy.push({ pgId: k.pgId, operationId: pg?.active_operation_id ?? null });
  }
  if (busy.length > 0) throw new ProtectionGroupsBusy(busy);
}

/** The parent of a bulk action, and a child per protection group (each as the single action would record it). */
export type BulkParent = Omit<NewOperation, 'pg_id' | 'type' | 'parent_id'>;
export type BulkChild = Omit<NewOperation, 'parent_id' | 'project_id' | 'request_id' | 'user_id'> & { pg_id: string };

/**
 * Records a bulk action: its parent and a pending child per protection group, each child taking
 * its group. All or nothing: when any group is held by another operation, nothing is recorded
 * and the error names every one. Groups are taken in id order, so two bulk actions over the same
 * groups cannot deadlock.
 */
export async function createBulk(ops: Operations, now: number, parent: BulkParent, children: readonly BulkChild[]): Promise<{ parent: OperationRecord; children: OperationRecord[] }> {
  const kids: NewOperation[] = children.map((c) => ({ ...c, parent_id: parent.id, project_id: parent.project_id, request_id: parent.request_id, user_id: parent.user_id }));
  await transact(ops.db, async (tx: Kysely<Database>) => {
    await takeGroups(tx, children.map((c) => ({ id: c.id, pgId: c.pg_id })));
    await tx.insertInto('operations').values(pendingRow({ ...parent, pg_id: null, type: PARENT_TYPE }, now)).execute();
    for (let i = 0; i < kids.length; i += 200) await tx.insertInto('operations').values(kids.slice(i, i + 200).map((k) => pendingRow(k, now))).execute();
  });
  const byId = new Map((await ops.children(parent.id)).map((c) => [c.id, c]));
  return { parent: (await ops.get(parent.id)) as OperationRecord, children: kids.map((k) => byId.get(k.id) as OperationRecord) };
}

/**
 * Resumes a parent's failed children, each as Operations.resume does (its own transaction: one
 * that cannot be resumed does not hold the others back). Refused when none could be.
 */
export async function resumeChildren(ops: Operations, parentId: string, by: string): Promise<OperationRecord> {
  const failed = (await ops.children(parentId)).filter((c) => c.status === 'failed');
  if (failed.length === 0) throw new ResumeRefused(`operation ${parentId} has no failed child operation to resume`);
  const refused: string[] = [];
  for (const c of failed) {
    try {
      await ops.resume(c.id, by);
    } catch (err) {
      if (!(err instanceof ResumeRefused) && !(err instanceof OperationInProgress)) throw err;
      refused.push(err.message);
    }
  }
  if (refused.length === failed.length) throw new ResumeRefused(`none of the failed child operations of ${parentId} can be resumed: ${refused.join('; ')}`);
  return (await ops.get(parentId)) as OperationRecord;
}
