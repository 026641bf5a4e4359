import { isUnavailable } from '@protector/openstack';
import { isStorageError } from '../storage/errors.js';
import type { OperationRecord } from './operations.js';

/** What a step may record about itself (shown in the operation's step list). */
export type StepDetail = Record<string, unknown>;

/**
 * What a running step gets from the engine. Workflows do not read it themselves: they are written
 * with the typed step builder (workflows/flow.ts), which turns `completed` into the typed outputs
 * of the earlier steps and hands each step its parsed params and its PG.
 */
export interface StepContext {
  operation: OperationRecord;
  /** Details recorded by the steps that completed before this one, by step name. */
  completed: ReadonlyMap<string, StepDetail>;
  /** Aborted when the engine loses the lease or shuts down: stop at the next safe point. */
  signal: AbortSignal;
  /** Records progress within the step (kept with the step, shown while it runs). */
  progress(detail: StepDetail): Promise<void>;
  /**
   * Runs `wait` without holding the engine's slot (a wait for a person: other operations may run
   * meanwhile); the slot is taken again, once one is free, before it returns.
   */
  idle<T>(wait: () => Promise<T>): Promise<T>;
}

/**
 * One step of a workflow. A step must be idempotent: after a crash the engine that takes the
 * operation over runs the interrupted step again from its start, so running it twice must leave
 * the same result as once (look before creating, tolerate "already gone" when deleting).
 */
export interface Step {
  name: string;
  run(ctx: StepContext): Promise<StepDetail | void>;
}

/**
 * A workflow turns an operation into its ordered steps. `steps` must return the same list for
 * the same operation every time, because a resumed operation matches steps by position and name.
 * What the runner consumes; `defineWorkflow` (workflows/flow.ts) compiles a typed flow into it.
 */
export interface Workflow {
  type: string;
  steps(operation: OperationRecord): Step[];
  /**
   * Steps that undo a failed run (planned failover: source servers started again, target
   * leftovers removed). Called with the name of the step that failed; return none when nothing
   * had changed yet (a failed pre-check). Same rules as `steps`: idempotent, and the same list
   * for the same operation and failed step, because a rollback is resumed after a crash too.
   */
  rollback?(operation: OperationRecord, failedStep: string): Step[];
  /**
   * How the operation ends once every step completed: `partial` when some of the work could
   * not be done (an unplanned failover that brought up all but one server); `cancelled` when
   * the user stopped it (a plan run whose later tiers were cancelled). Default completed.
   */
  outcome?(completed: ReadonlyMap<string, StepDetail>): 'completed' | 'partial' | 'cancelled' | 'rolled_back';
}

/** A step failure that is the user's to fix (the message says what), rather than a fault. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly detail: StepDetail = {},
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/**
 * A failure that says nothing about the work, only that a site's services or an array did not
 * answer (connection refused, timeout, 503, an array down): trying again later can succeed.
 */
export const isUnreachable = (err: unknown): boolean => isUnavailable(err) || (isStorageError(err) && err.code === 'unreachable');
