import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { backoffDelay, type DependencyWatch } from '../service/dependency-watch.js';
import type { WorkClass } from './operation-types.js';
import { Operations, type Claimable, type OperationRecord, type OperationStatus, type StepRecord, type StepStatus } from './operations.js';

export interface DurableOptions {
  /** This engine's name in leases: a write retried after an outage first proves the lease is still its own. */
  owner: string;
  leaseMs: number;
  /** Told of every outage (logged once) and of the first call that works again. */
  watch: DependencyWatch;
  /** `[database] db_max_retries` (-1: until the database is back), `db_retry_interval`, `db_max_retry_interval`. */
  retry: { maxRetries: number; initialMs: number; maxMs: number };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Another engine took the operation while this one could not reach the database: this one stops, unrecorded. */
export class LeaseLost extends Error {
  constructor(readonly operationId: string) {
    super(`operation ${operationId} was taken over by another engine while the database was unreachable; that engine resumes it`);
    this.name = 'LeaseLost';
  }
}

/**
 * The operations table as protector-engine uses it: the writes that record an operation's
 * progress (a step started or finished, a rollback begun, the outcome, the lease given back) and
 * the reads a run starts from are retried with back-off while the database is unreachable, so a
 * database restart delays an operation rather than failing it. Before each retry of a step's
 * record the lease is renewed (a conditional update on this owner): if another engine took the
 * operation meanwhile, the write is not made (LeaseLost) and that engine resumes it instead, so
 * no step is recorded by two engines. The probes the engine repeats anyway (the scan, a claim
 * and the type read before it, a heartbeat) are not retried here, only reported.
 */
export class DurableOperations extends Operations {
  private givenUp = false;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    db: Kysely<Database>,
    private readonly o: DurableOptions,
  ) {
    super(db, o.now);
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Shutdown: retries still waiting make one last attempt, so stopping is not held up by an outage. */
  stopRetrying(): void {
    this.givenUp = true;
  }

  override claimable(free: Readonly<Record<WorkClass, number>>): Promise<Claimable[]> {
    return this.reported(() => super.claimable(free));
  }

  override typeOf(id: string): Promise<string | undefined> {
    return this.reported(() => super.typeOf(id));
  }

  override claim(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.reported(() => super.claim(id, owner, leaseMs));
  }

  override heartbeat(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.reported(() => super.heartbeat(id, owner, leaseMs));
  }

  override get(id: string): Promise<OperationRecord | undefined> {
    return this.retried(() => super.get(id));
  }

  override steps(id: string): Promise<StepRecord[]> {
    return this.retried(() => super.steps(id));
  }

  override stepStarted(id: string, seq: number, name: string): Promise<void> {
    return this.retried(() => super.stepStarted(id, seq, name), id);
  }

  override stepFinished(id: string, seq: number, outcome: { status: StepStatus; detail: Record<string, unknown>; error?: string }): Promise<void> {
    return this.retried(() => super.stepFinished(id, seq, outcome), id);
  }

  override setProgress(id: string, progress: number): Promise<void> {
    return this.retried(() => super.setProgress(id, progress), id);
  }

  override stepProgress(id: string, seq: number, detail: Record<string, unknown>): Promise<void> {
    // Advisory (the step's own record follows): reported, never waited for.
    return this.reported(() => super.stepProgress(id, seq, detail));
  }

  // These three only change the row while `owner` holds it, so they need no lease check of their own.
  override startRollback(id: string, owner: string, failure: { step: string; error: string }): Promise<void> {
    return this.retried(() => super.startRollback(id, owner, failure));
  }

  override finish(id: string, owner: string, outcome: { status: OperationStatus; result?: Record<string, unknown>; error?: string }): Promise<void> {
    return this.retried(() => super.finish(id, owner, outcome));
  }

  override release(id: string, owner: string): Promise<void> {
    return this.retried(() => super.release(id, owner));
  }

  private async reported<T>(call: () => Promise<T>): Promise<T> {
    const startedAt = this.o.watch.time();
    try {
      const r = await call();
      this.o.watch.ok(startedAt);
      return r;
    } catch (err) {
      if (isDatabaseUnavailable(err)) this.o.watch.failed(err);
      throw err;
    }
  }

  /** `call` until it works; with `leaseOf`, each retry first renews that operation's lease (LeaseLost if gone). */
  private async retried<T>(call: () => Promise<T>, leaseOf?: string): Promise<T> {
    const { maxRetries, initialMs, maxMs } = this.o.retry;
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt > 0 && leaseOf !== undefined && !(await super.heartbeat(leaseOf, this.o.owner, this.o.leaseMs))) throw new LeaseLost(leaseOf);
        return await this.reported(call);
      } catch (err) {
        if (!isDatabaseUnavailable(err) || this.givenUp || (maxRetries >= 0 && attempt >= maxRetries)) throw err;
        this.o.watch.failed(err);
      }
      await this.sleep(backoffDelay(attempt, initialMs, maxMs));
    }
  }
}
