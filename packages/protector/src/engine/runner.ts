import type { MessageBus } from '../bus/index.js';
import { OPERATIONS_TOPIC } from '../bus/index.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { Operations, type OperationRecord, type OperationStatus, type RollbackFailure, type StepRecord } from './operations.js';
import { WORK_CLASSES, workClassOf, type WorkClass } from './operation-types.js';
import { pause } from './limits.js';
import { isUnreachable, StepError, type Step, type StepDetail, type Workflow } from './workflow.js';

/** Plan runs one engine coordinates at once: each only polls the database, so many are cheap. */
export const PLAN_RUN_SLOTS = 64;

export interface EngineOptions {
  /** This engine's name in leases (`[DEFAULT] host` plus the pid). */
  owner: string;
  /**
   * Operations run at once, by class of work ([engine] dr_concurrency, lifecycle_concurrency):
   * separate slots, so DR actions are never held up by lifecycle work filling the engine.
   */
  capacity: Readonly<Record<'dr' | 'lifecycle', number>> & { readonly plan?: number };
  leaseMs: number;
  heartbeatMs: number;
  /** How often to look for operations nobody woke this engine for (missed messages, expired leases). */
  scanMs: number;
  now?: () => number;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** Told when a step ends (for step-duration metrics). */
  onStep?: (sample: { type: string; step: string; status: 'completed' | 'failed'; durationMs: number }) => void;
  /** Told when an operation ends (for operation-count metrics). */
  onOperation?: (sample: { type: string; status: OperationStatus }) => void;
}

/**
 * protector-engine's core: claims operations (woken by the bus, and by a periodic scan of the
 * operations table, which is the truth), runs their workflow's steps in order, records each
 * step before and after it runs, and holds a lease with a heartbeat so that, if it dies, another
 * engine takes the operation over and resumes after the last completed step.
 */
export class Engine {
  readonly ops: Operations;
  private readonly workflows = new Map<string, Workflow>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private scanTimer?: NodeJS.Timeout;
  private stopping = false;
  /** Slots taken by class, counted before the claim's await so concurrent wake-ups cannot overshoot. */
  private readonly slots: Record<WorkClass, number> = { dr: 0, lifecycle: 0, plan: 0 };
  /** Operations done waiting without their slot (StepContext.idle), first in line for the next free one. */
  private readonly returning: Record<WorkClass, number> = { dr: 0, lifecycle: 0, plan: 0 };
  private readonly claiming = new Set<string>();

  constructor(
    ops: Operations,
    private readonly bus: MessageBus,
    workflows: Workflow[],
    private readonly opts: EngineOptions,
  ) {
    this.ops = ops;
    for (const w of workflows) this.workflows.set(w.type, w);
  }

  private clock(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private since(t: number): number {
    return this.clock() - t;
  }

  private log(event: string, fields: Record<string, unknown>): void {
    this.opts.log?.(event, fields);
  }

  /** Slots free now, by class of work. */
  /** Slots of a class; plan runs, mere pollers, get PLAN_RUN_SLOTS unless told. */
  private capacity(c: WorkClass): number {
    return c === 'plan' ? (this.opts.capacity.plan ?? PLAN_RUN_SLOTS) : this.opts.capacity[c];
  }

  private taken(c: WorkClass): number {
    return this.slots[c] + this.returning[c];
  }

  private free(): Record<WorkClass, number> {
    return { dr: this.capacity('dr') - this.taken('dr'), lifecycle: this.capacity('lifecycle') - this.taken('lifecycle'), plan: this.capacity('plan') - this.taken('plan') };
  }

  async start(): Promise<void> {
    // A wake-up holds its handler while the operation runs, so the bus may deliver as many as
    // both classes' slots; one for a class that is full returns at once and the scan takes it later.
    const total = WORK_CLASSES.reduce((n, c) => n + this.capacity(c), 0);
    await this.bus.subscribe(OPERATIONS_TOPIC, async (p) => {
      if (typeof p.operation_id === 'string') await this.tryRun(p.operation_id);
    }, { concurrency: total });
    const scan = async () => {
      if (this.stopping) return;
      try {
        const free = this.free();
        // DR operations come first in the list, so they are claimed first.
        if (free.dr > 0 || free.lifecycle > 0 || free.plan > 0) for (const c of await this.ops.claimable(free)) void this.tryRun(c.id, c.type);
      } catch (err) {
        // An unreachable database is the operations store's to report (DurableOperations: once per outage).
        if (!isDatabaseUnavailable(err)) this.log('scan_failed', { error: err instanceof Error ? err.message : String(err) });
      }
      if (!this.stopping) this.scanTimer = setTimeout(() => void scan(), this.opts.scanMs);
    };
    await scan();
  }

  /**
   * Runs the operation here if a slot of its class is free and it can be claimed; returns when
   * it has finished or was not taken. `type` saves reading it when the caller knows it.
   */
  async tryRun(id: string, type?: string): Promise<void> {
    // Reserved before the first await: a bus message and a scan waking this engine for the same
    // operation at once must not both run it.
    if (this.stopping || this.running.has(id) || this.claiming.has(id)) return;
    this.claiming.add(id);
    // Not claimed, or the database away: the next scan tries again (a caller such as the scan never sees it throw).
    const failed = (event: string) => (err: unknown) => {
      if (!isDatabaseUnavailable(err)) this.log(event, { operation_id: id, error: err instanceof Error ? err.message : String(err) });
      return undefined;
    };
    let cls: WorkClass | undefined;
    try {
      const known = type ?? (await this.ops.typeOf(id).catch(failed('claim_failed')));
      if (known === undefined) return;
      const c = workClassOf(known);
      if (this.stopping || this.taken(c) >= this.capacity(c)) return;
      this.slots[c]++;
      cls = c;
      const claimed = await this.ops.claim(id, this.opts.owner, this.opts.leaseMs).catch(failed('claim_failed'));
      if (!claimed) return;
      const abort = new AbortController();
      const done = this.run(id, abort)
        .catch((err: unknown) => this.log('operation_crashed', { operation_id: id, error: err instanceof Error ? err.message : String(err) }))
        .finally(() => this.running.delete(id));
      this.running.set(id, { abort, done });
      this.claiming.delete(id);
      await done;
    } finally {
      this.claiming.delete(id);
      if (cls) this.slots[cls]--;
    }
  }

  private async run(id: string, abort: AbortController): Promise<void> {
    const { owner, leaseMs, heartbeatMs } = this.opts;
    const heartbeat = setInterval(() => {
      void this.ops.heartbeat(id, owner, leaseMs).then(
        (held) => {
          if (!held) abort.abort(new Error('lease lost to another engine'));
        },
        () => {},
      );
    }, heartbeatMs);
    try {
      const op = await this.ops.get(id);
      if (!op) return;
      const workflow = this.workflows.get(op.type);
      if (!workflow) {
        await this.ops.finish(id, owner, { status: 'failed', error: `this engine has no workflow for operation type '${op.type}'` });
        return;
      }
      await this.runSteps(op, workflow, abort.signal);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async runSteps(op: OperationRecord, workflow: Workflow, signal: AbortSignal): Promise<void> {
    const owner = this.opts.owner;
    const steps = workflow.steps(op);
    const recorded = await this.ops.steps(op.id);
    this.log('operation_started', { operation_id: op.id, type: op.type, resumed: recorded.some((s) => s.status === 'completed') });
    if (op.status === 'rolling_back') return this.runRollback(op, workflow, steps.length, recorded, signal);
    const completed = new Map<string, StepDetail>();
    const run = await this.runList(op, steps, 0, recorded, completed, signal);
    if (run === 'aborted') return this.release(op.id);
    if (run !== 'done') {
      const undo = workflow.rollback?.(op, run.step) ?? [];
      if (undo.length > 0) {
        await this.ops.startRollback(op.id, owner, { step: run.step, error: run.error });
        this.log('operation_rolling_back', { operation_id: op.id, step: run.step, error: run.error });
        const again = (await this.ops.get(op.id)) ?? op;
        return this.runRollback(again, workflow, steps.length, await this.ops.steps(op.id), signal);
      }
      return this.end(op, 'failed', { error: `${run.step}: ${run.error}` });
    }
    const status = workflow.outcome?.(completed) ?? 'completed';
    await this.end(op, status, { result: Object.fromEntries(completed) });
  }

  /** The rollback steps follow the forward steps in the step list (seq after theirs). */
  private async runRollback(op: OperationRecord, workflow: Workflow, offset: number, recorded: StepRecord[], signal: AbortSignal): Promise<void> {
    const failedStep = typeof op.result.failed_step === 'string' ? op.result.failed_step : '';
    const failure = typeof op.result.failure === 'string' ? op.result.failure : (op.error ?? '');
    const undo = workflow.rollback?.(op, failedStep) ?? [];
    // Rollback steps see what the forward steps did (which servers were stopped, what was made).
    const forward = new Map(recorded.filter((s) => s.seq < offset && s.status === 'completed').map((s) => [s.name, s.detail]));
    const run = await this.runList(op, undo, offset, recorded, forward, signal);
    if (run === 'aborted') return this.release(op.id);
    if (run !== 'done') {
      // The operation ends (the PG is free for an unplanned failover from the surviving site),
      // but the rollback is not forgotten: resume takes it up from its failed step.
      const rollback_failed: RollbackFailure = { step: run.step, error: run.error, unreachable: run.unreachable };
      const next = run.unreachable
        ? `it resumes by itself once the site answers again, or run \`protector operation resume ${op.id}\``
        : `fix the cause, then run \`protector operation resume ${op.id}\``;
      return this.end(op, 'failed', { result: { rollback_failed }, error: `${failedStep}: ${failure}; the rollback was interrupted at ${run.step}: ${run.error}; ${next}` });
    }
    await this.end(op, 'rolled_back', { error: `${failedStep}: ${failure} (rolled back)` });
  }

  /** Runs steps in order from `offset`, skipping those recorded complete; stops at the first failure. */
  private async runList(
    op: OperationRecord,
    steps: Step[],
    offset: number,
    recorded: StepRecord[],
    completed: Map<string, StepDetail>,
    signal: AbortSignal,
  ): Promise<'done' | 'aborted' | { step: string; error: string; unreachable: boolean }> {
    for (const [i, step] of steps.entries()) {
      const seq = offset + i;
      const prior = recorded.find((s) => s.seq === seq);
      if (prior && prior.name !== step.name) {
        return { step: step.name, error: `step ${seq} was '${prior.name}' when recorded and is '${step.name}' now; the workflow changed under a running operation`, unreachable: false };
      }
      if (prior?.status === 'completed' || prior?.status === 'skipped') {
        completed.set(step.name, prior.detail);
        continue;
      }
      if (signal.aborted) return 'aborted';
      await this.ops.stepStarted(op.id, seq, step.name);
      const started = this.clock();
      this.log('step_started', { operation_id: op.id, step: step.name, seq });
      let detail: StepDetail;
      try {
        // Progress is advisory: one lost to a database outage must not fail (or crash) the step.
        const progress = (d: StepDetail) => this.ops.stepProgress(op.id, seq, d).catch(() => {});
        detail = (await step.run({ operation: op, completed, signal, progress, idle: (wait) => this.idle(workClassOf(op.type), signal, wait) })) ?? {};
      } catch (err) {
        // Interrupted by a shutdown, a lost lease or the database going away under the step: the
        // step is left running for whoever resumes it (it is idempotent), not recorded as failed.
        if (signal.aborted || isDatabaseUnavailable(err)) return 'aborted';
        const message = err instanceof Error ? err.message : String(err);
        const errDetail = err instanceof StepError ? err.detail : {};
        await this.ops.stepFinished(op.id, seq, { status: 'failed', detail: errDetail, error: message });
        this.opts.onStep?.({ type: op.type, step: step.name, status: 'failed', durationMs: this.since(started) });
        this.log('step_failed', { operation_id: op.id, step: step.name, error: message });
        return { step: step.name, error: message, unreachable: isUnreachable(err) };
      }
      await this.ops.stepFinished(op.id, seq, { status: 'completed', detail });
      this.opts.onStep?.({ type: op.type, step: step.name, status: 'completed', durationMs: this.since(started) });
      completed.set(step.name, detail);
      if (offset === 0) await this.ops.setProgress(op.id, Math.floor(((seq + 1) * 100) / steps.length));
      this.log('step_completed', { operation_id: op.id, step: step.name, seq });
    }
    return 'done';
  }

  /** A step's wait without its slot (StepContext.idle): the slot is given back, and taken again once one is free. */
  private async idle<T>(cls: WorkClass, signal: AbortSignal, wait: () => Promise<T>): Promise<T> {
    this.slots[cls]--;
    try {
      return await wait();
    } finally {
      // Ahead of new claims (they count it as taken); an aborted run only needs its count back,
      // as tryRun gives the slot up when it returns.
      this.returning[cls]++;
      while (!signal.aborted && this.slots[cls] >= this.capacity(cls)) await pause(this.opts.scanMs, signal).catch(() => undefined);
      this.returning[cls]--;
      this.slots[cls]++;
    }
  }

  private async end(op: OperationRecord, status: OperationStatus, outcome: { result?: Record<string, unknown>; error?: string }): Promise<void> {
    await this.ops.finish(op.id, this.opts.owner, { status, ...outcome });
    this.opts.onOperation?.({ type: op.type, status });
    this.log(status === 'completed' ? 'operation_completed' : `operation_${status}`, { operation_id: op.id, type: op.type, ...(outcome.error ? { error: outcome.error } : {}) });
  }

  private async release(id: string): Promise<void> {
    await this.ops.release(id, this.opts.owner);
    this.log('operation_released', { operation_id: id });
  }

  /**
   * Graceful shutdown: take nothing new, ask running steps to stop at their next safe point, wait
   * up to `graceMs`, and give the leases up so another engine resumes at once.
   */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.scanTimer);
    for (const r of this.running.values()) r.abort.abort(new Error('engine shutting down'));
    const all = Promise.allSettled([...this.running.values()].map((r) => r.done));
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    // Best effort: a lease that cannot be given back (the database away) expires on its own.
    for (const id of this.running.keys()) await this.ops.release(id, this.opts.owner).catch(() => {});
    await this.bus.close();
  }
}
