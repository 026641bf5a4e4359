import { FINISHED_STATUSES, type OperationStatus, type StepStatus } from '@protector/contract';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { keysetPage, type PageRequest, type PageRows } from '../db/keyset.js';
import { transact } from '../db/retry.js';
import type { Database, OperationsTable, OperationStepsTable } from '../db/schema.js';
import { PARENT_TYPE, PLAN_RUN_TYPE, settleParent } from './operation-parents.js';
import { DR_OPERATIONS, PLAN_OPERATIONS, type WorkClass } from './operation-types.js';

/** Operation and step states (DESIGN §3): the wire's vocabulary, stored as is. */
export type { OperationStatus, StepStatus } from '@protector/contract';

export const FINISHED: readonly OperationStatus[] = FINISHED_STATUSES;

/** What operation lists sort by. */
export const OPERATION_SORT_KEYS = ['created_at', 'updated_at', 'status', 'type'] as const;
export type OperationSortKey = (typeof OPERATION_SORT_KEYS)[number];

export interface OperationRecord extends Omit<Selectable<OperationsTable>, 'params' | 'result' | 'status'> {
  status: OperationStatus;
  params: Record<string, unknown>;
  result: Record<string, unknown>;
}

export interface StepRecord extends Omit<Selectable<OperationStepsTable>, 'detail' | 'status'> {
  status: StepStatus;
  detail: Record<string, unknown>;
}

const toOperation = (r: Selectable<OperationsTable>): OperationRecord => ({
  ...r,
  status: r.status as OperationStatus,
  params: JSON.parse(r.params) as Record<string, unknown>,
  result: JSON.parse(r.result) as Record<string, unknown>,
});

const toStep = (r: Selectable<OperationStepsTable>): StepRecord => ({
  ...r,
  status: r.status as StepStatus,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** Another operation holds the protection group (the API answers 409). */
export class OperationInProgress extends Error {
  /** A conflict the caller can wait out: the API answers 409. */
  readonly status = 409;
  constructor(
    readonly pgId: string,
    readonly operationId: string | null,
  ) {
    super(`protection group ${pgId} is busy with operation ${operationId ?? '(unknown)'}; wait for it to finish`);
    this.name = 'OperationInProgress';
  }
}

/** Why a failed operation cannot be resumed (the API answers 409 with it). */
export class ResumeRefused extends Error {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = 'ResumeRefused';
  }
}

/** What a failed rollback recorded about where it stopped (the engine writes it; resume reads it). */
export interface RollbackFailure {
  step: string;
  error: string;
  /** A site or array did not answer: the engine resumes the rollback by itself once it does. */
  unreachable: boolean;
}

export function rollbackFailure(op: OperationRecord): RollbackFailure | undefined {
  const r = op.result.rollback_failed as Partial<RollbackFailure> | undefined;
  return r && typeof r.step === 'string' ? { step: r.step, error: String(r.error ?? ''), unreachable: r.unreachable === true } : undefined;
}

export interface NewOperation {
  id: string;
  project_id: string;
  pg_id: string | null;
  /** The bulk action's parent operation this one is a child of. */
  parent_id?: string;
  /** A child that waits for its parent to release it (a plan run's later tier). */
  hold?: string;
  type: string;
  params: Record<string, unknown>;
  request_id: string;
  user_id: string;
}

/** A new operation's row: pending, unheld, requested at `now`. */
export const pendingRow = (n: NewOperation, now: number): Insertable<OperationsTable> => ({
  id: n.id, project_id: n.project_id, pg_id: n.pg_id, parent_id: n.parent_id ?? null, hold: n.hold ?? null, type: n.type, status: 'pending', progress: 0,
  params: JSON.stringify(n.params), result: '{}', error: null, request_id: n.request_id, user_id: n.user_id,
  lease_owner: null, lease_expires_at: null, created_at: now, started_at: null, finished_at: null, updated_at: now,
});

/** An operation an engine may take, with its type (which decides the slot it needs). */
export interface Claimable {
  id: string;
  type: string;
}

/**
 * Reads and writes operations and their steps; every write is a single statement or a short
 * transaction, run again after a deadlock (db/retry.ts).
 */
export class Operations {
  constructor(
    readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records a new pending operation. One on a protection group also takes the group (a
   * conditional update in the same transaction), so two operations on one group never coexist.
   */
  async create(n: NewOperation): Promise<OperationRecord> {
    const now = this.now();
    await transact(this.db, async (tx) => {
      if (n.pg_id) {
        const r = await tx
          .updateTable('protection_groups')
          .set({ active_operation_id: n.id })
          .where('id', '=', n.pg_id)
          .where('active_operation_id', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) {
          const pg = await tx.selectFrom('protection_groups').select('active_operation_id').where('id', '=', n.pg_id).executeTakeFirst();
          throw new OperationInProgress(n.pg_id, pg?.active_operation_id ?? null);
        }
      }
      await tx.insertInto('operations').values(pendingRow(n, now)).execute();
    });
    return (await this.get(n.id)) as OperationRecord;
  }

  /** A parent's children (unordered). */
  async children(parentId: string): Promise<OperationRecord[]> {
    const rows = await this.db.selectFrom('operations').selectAll().where('parent_id', '=', parentId).execute();
    return rows.map(toOperation);
  }

  async get(id: string): Promise<OperationRecord | undefined> {
    const r = await this.db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toOperation(r);
  }

  /** One page of a project's operations, filtered (db/keyset.ts); undefined when the marker is not among them. */
  async page(projectId: string, filter: { pg_id?: string; parent_id?: string; status?: string; type?: string }, p: PageRequest<OperationSortKey>): Promise<PageRows<OperationRecord> | undefined> {
    let q = this.db.selectFrom('operations').selectAll().where('project_id', '=', projectId);
    if (filter.pg_id !== undefined) q = q.where('pg_id', '=', filter.pg_id);
    if (filter.parent_id !== undefined) q = q.where('parent_id', '=', filter.parent_id);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    const page = await keysetPage(q, p);
    return page && { rows: page.rows.map(toOperation), more: page.more };
  }

  /** The newest operation recorded on a protection group (a cancelled one never counts). */
  async latestOn(pgId: string): Promise<OperationRecord | undefined> {
    const r = await this.db.selectFrom('operations').selectAll().where('pg_id', '=', pgId).where('status', '!=', 'cancelled').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    return r && toOperation(r);
  }

  async steps(id: string): Promise<StepRecord[]> {
    const rows = await this.db.selectFrom('operation_steps').selectAll().where('operation_id', '=', id).orderBy('seq').execute();
    return rows.map(toStep);
  }

  /** The steps of several operations (a run's children), by operation, in a few queries. */
  async stepsOf(ids: readonly string[]): Promise<Map<string, StepRecord[]>> {
    const out = new Map<string, StepRecord[]>(ids.map((id) => [id, []]));
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.selectFrom('operation_steps').selectAll().where('operation_id', 'in', ids.slice(i, i + 500)).orderBy('operation_id').orderBy('seq').execute();
      for (const r of rows) out.get(r.operation_id)?.push(toStep(r));
    }
    return out;
  }

  /**
   * Takes the operation for `owner` until now + leaseMs, if it is unfinished and nobody holds a
   * live lease. A conditional update: of two engines racing, exactly one gets it.
   */
  async claim(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const r = await this.db
      .updateTable('operations')
      // A rollback that lost its engine stays rolling_back when it is taken over. started_at is
      // the first pickup (created_at to it is the time the operation was queued), kept by a takeover.
      .set((eb) => ({
        lease_owner: owner,
        lease_expires_at: now + leaseMs,
        status: eb.case().when('status', '=', 'rolling_back').then('rolling_back').else('running').end(),
        started_at: eb.fn.coalesce('started_at', eb.val(now)),
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'running', 'rolling_back'])
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', now)]))
      // A bulk parent is its children's sum: nothing for an engine to run. A held child waits for its plan run.
      .where('type', '!=', PARENT_TYPE)
      .where('hold', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The operation's type (what kind of engine slot it needs), undefined if it does not exist. */
  async typeOf(id: string): Promise<string | undefined> {
    return (await this.db.selectFrom('operations').select('type').where('id', '=', id).executeTakeFirst())?.type;
  }

  /** Extends the lease; false when another engine has taken it (this one must stop). */
  async heartbeat(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const r = await this.db
      .updateTable('operations')
      .set({ lease_expires_at: now + leaseMs, updated_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', 'in', ['running', 'rolling_back'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Gives the lease up at once (graceful shutdown), so another engine resumes without waiting. */
  async release(id: string, owner: string): Promise<void> {
    await this.db.updateTable('operations').set({ lease_owner: null, lease_expires_at: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
  }

  /**
   * Operations an engine may take now, oldest first, up to `free` of each class of work: DR
   * operations first, so an engine with both kinds of slot free claims those before any
   * lifecycle work. Unfinished and not held by a live lease.
   */
  async claimable(free: Readonly<Record<WorkClass, number>>): Promise<Claimable[]> {
    const now = this.now();
    const of = (cls: WorkClass) =>
      this.db
        .selectFrom('operations')
        .select(['id', 'type'])
        // Unheld (new, released at a shutdown, resumed) or held under a lease that ran out.
        .where('status', 'in', ['pending', 'running', 'rolling_back'])
        .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', now)]))
        .where('type', cls === 'lifecycle' ? 'not in' : 'in', cls === 'dr' ? [...DR_OPERATIONS] : cls === 'plan' ? [...PLAN_OPERATIONS] : [...DR_OPERATIONS, ...PLAN_OPERATIONS, PARENT_TYPE])
        .where('hold', 'is', null)
        .orderBy('created_at')
        .limit(free[cls])
        .execute();
    const dr = free.dr > 0 ? await of('dr') : [];
    const plans = free.plan > 0 ? await of('plan') : [];
    const lifecycle = free.lifecycle > 0 ? await of('lifecycle') : [];
    return [...dr, ...plans, ...lifecycle];
  }

  /** Written before a step runs: it exists, running, with its start time. */
  async stepStarted(id: string, seq: number, name: string): Promise<void> {
    const now = this.now();
    await transact(this.db, async (tx) => {
      const existing = await tx.selectFrom('operation_steps').select('seq').where('operation_id', '=', id).where('seq', '=', seq).executeTakeFirst();
      if (existing) {
        await tx
          .updateTable('operation_steps')
          .set({ name, status: 'running', error: null, started_at: now, finished_at: null, duration_ms: null })
          .where('operation_id', '=', id)
          .where('seq', '=', seq)
          .execute();
      } else {
        await tx
          .insertInto('operation_steps')
          .values({ operation_id: id, seq, name, status: 'running', detail: '{}', error: null, started_at: now, finished_at: null, duration_ms: null })
          .execute();
      }
    });
  }

  async stepProgress(id: string, seq: number, detail: Record<string, unknown>): Promise<void> {
    // Running steps only: progress sent without waiting (boot_servers' counts) may land after the
    // step has finished, and must not overwrite its outcome.
    await this.db.updateTable('operation_steps').set({ detail: JSON.stringify(detail) }).where('operation_id', '=', id).where('seq', '=', seq).where('status', '=', 'running').execute();
  }

  /** Written after a step: its outcome, end time and duration. */
  async stepFinished(id: string, seq: number, outcome: { status: StepStatus; detail: Record<string, unknown>; error?: string }): Promise<void> {
    const now = this.now();
    const row = await this.db.selectFrom('operation_steps').select('started_at').where('operation_id', '=', id).where('seq', '=', seq).executeTakeFirst();
    const started = row?.started_at ?? now;
    await this.db
      .updateTable('operation_steps')
      .set({ status: outcome.status, detail: JSON.stringify(outcome.detail), error: outcome.error ?? null, finished_at: now, duration_ms: now - started })
      .where('operation_id', '=', id)
      .where('seq', '=', seq)
      .execute();
  }

  /** A failed run turns into its rollback: recorded first, so a resumed engine rolls back too. */
  async startRollback(id: string, owner: string, failure: { step: string; error: string }): Promise<void> {
    const now = this.now();
    const op = await this.db.selectFrom('operations').select('result').where('id', '=', id).executeTakeFirst();
    const result = { ...(JSON.parse(op?.result ?? '{}') as Record<string, unknown>), failed_step: failure.step, failure: failure.error };
    await this.db
      .updateTable('operations')
      .set({ status: 'rolling_back', result: JSON.stringify(result), error: `${failure.step}: ${failure.error}`, updated_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /**
   * Puts a failed operation back to work where it stopped (DESIGN §6, resume): a failed rollback
   * goes on rolling back from its failed step, a failed forward run from its failed step. Only
   * the newest operation of its protection group can be resumed (a later one has taken over what
   * it held), and it takes the group again, so nothing else runs on it meanwhile.
   */
  async resume(id: string, by: string): Promise<OperationRecord> {
    const now = this.now();
    await transact(this.db, async (tx) => {
      const row = await tx.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new ResumeRefused(`operation ${id} does not exist`);
      const op = toOperation(row);
      if (op.status !== 'failed') throw new ResumeRefused(`operation ${id} is ${op.status}; only a failed operation can be resumed`);
      if (op.pg_id) {
        const newer = await tx
          .selectFrom('operations')
          .select(['id', 'type', 'status'])
          .where('pg_id', '=', op.pg_id)
          .where('created_at', '>=', op.created_at)
          .where('id', '!=', op.id)
          .where('status', '!=', 'cancelled')
          .orderBy('created_at')
          .executeTakeFirst();
        if (newer) throw new ResumeRefused(`operation ${id} was superseded by ${newer.type} operation ${newer.id} (${newer.status}) on the same protection group; it cannot be resumed`);
        const took = await tx.updateTable('protection_groups').set({ active_operation_id: id }).where('id', '=', op.pg_id).where('active_operation_id', 'is', null).executeTakeFirst();
        if (Number(took.numUpdatedRows) !== 1) {
          const pg = await tx.selectFrom('protection_groups').select('active_operation_id').where('id', '=', op.pg_id).executeTakeFirst();
          throw new OperationInProgress(op.pg_id, pg?.active_operation_id ?? null);
        }
      }
      // Where it picks up: its rollback's failed step, or the forward step recorded as failed.
      const rb = rollbackFailure(op);
      const failed = await tx.selectFrom('operation_steps').select('name').where('operation_id', '=', id).where('status', '=', 'failed').orderBy('seq', 'desc').executeTakeFirst();
      const rollback = rb ? { phase: 'rollback' as const, step: rb.step } : { phase: 'forward' as const, step: failed?.name ?? null };
      const { rollback_failed: _was, ...rest } = op.result;
      const resumed = [...(Array.isArray(op.result.resumed) ? op.result.resumed : []), { at: now, by, ...rollback, error: op.error }];
      await tx
        .updateTable('operations')
        .set({ status: rollback.phase === 'rollback' ? 'rolling_back' : 'running', result: JSON.stringify({ ...rest, resumed }), error: null, finished_at: null, lease_owner: null, lease_expires_at: null, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .execute();
      if (op.parent_id) await settleParent(tx, op.parent_id, now);
    });
    return (await this.get(id)) as OperationRecord;
  }

  /**
   * Cancels what no engine has started: the operation itself, or for a parent each of its
   * children still waiting. Frees their protection groups (a delete that never ran leaves its PG
   * active) and settles the parent, in one transaction. False when nothing could be cancelled.
   */
  async cancel(id: string): Promise<boolean> {
    const t = this.now();
    return transact(this.db, async (tx) => {
      const op = await tx.selectFrom('operations').select(['id', 'type', 'parent_id']).where('id', '=', id).executeTakeFirst();
      if (!op) return false;
      const parent = op.type === PARENT_TYPE || op.type === PLAN_RUN_TYPE;
      const parentId = parent ? op.id : op.parent_id;
      const self = await tx.selectFrom('operations').select(['id', 'pg_id', 'type']).where('id', '=', op.id).execute();
      const waiting = parent ? await tx.selectFrom('operations').select(['id', 'pg_id', 'type']).where('parent_id', '=', op.id).where('status', '=', 'pending').where('lease_owner', 'is', null).execute() : [];
      // A bulk parent is its children; a plan run no engine has taken goes too (one that runs sees its children cancelled and ends).
      const candidates = op.type === PARENT_TYPE ? waiting : [...waiting, ...self];
      let cancelled = 0;
      for (const c of candidates) {
        const r = await tx
          .updateTable('operations')
          .set({ status: 'cancelled', finished_at: t, updated_at: t, error: 'cancelled by the user before it started' })
          .where('id', '=', c.id)
          .where('status', '=', 'pending')
          .where('lease_owner', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) continue;
        cancelled++;
        if (c.type === PLAN_RUN_TYPE) await tx.updateTable('recovery_plans').set({ active_run_id: null }).where('active_run_id', '=', c.id).execute();
        if (!c.pg_id) continue;
        await tx.updateTable('protection_groups').set({ active_operation_id: null, updated_at: t }).where('id', '=', c.pg_id).where('active_operation_id', '=', c.id).execute();
        if (c.type === 'pg_delete') await tx.updateTable('protection_groups').set({ status: 'active' }).where('id', '=', c.pg_id).where('status', '=', 'deleting').execute();
      }
      if (cancelled > 0 && parentId) await settleParent(tx, parentId, t);
      return cancelled > 0;
    });
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.db.updateTable('operations').set({ progress, updated_at: this.now() }).where('id', '=', id).execute();
  }

  /** Ends the operation and frees its protection group for the next one, in one transaction. */
  async finish(id: string, owner: string, outcome: { status: OperationStatus; result?: Record<string, unknown>; error?: string }): Promise<void> {
    const now = this.now();
    await transact(this.db, async (tx) => {
      const op = await tx.selectFrom('operations').select(['pg_id', 'parent_id', 'result', 'type']).where('id', '=', id).where('lease_owner', '=', owner).executeTakeFirst();
      if (!op) return;
      const result = { ...(JSON.parse(op.result) as Record<string, unknown>), ...outcome.result };
      const ended = await tx
        .updateTable('operations')
        .set({
          status: outcome.status,
          result: JSON.stringify(result),
          error: outcome.error ?? null,
          progress: outcome.status === 'completed' ? 100 : undefined,
          finished_at: now,
          updated_at: now,
          lease_owner: null,
          lease_expires_at: null,
        })
        .where('id', '=', id)
        // Still ours: on MariaDB the read above is a snapshot, and another engine may have taken an expired lease since.
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) !== 1) return;
      if (op.pg_id) await tx.updateTable('protection_groups').set({ active_operation_id: null }).where('id', '=', op.pg_id).where('active_operation_id', '=', id).execute();
      if (op.type === PLAN_RUN_TYPE) await tx.updateTable('recovery_plans').set({ active_run_id: null }).where('active_run_id', '=', id).execute();
      if (op.parent_id) await settleParent(tx, op.parent_id, now);
    });
  }
}
