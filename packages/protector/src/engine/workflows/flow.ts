import type { PgStatus, ProtectionGroup } from '../../db/protection-groups.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { createWorkflowContext, type WorkflowContext, type WorkflowDeps } from '../context.js';
import type { OperationParams, OperationType } from '../operation-types.js';
import type { OperationRecord } from '../operations.js';
import { StepError, type Step, type StepContext, type StepDetail, type Workflow } from '../workflow.js';
import { parseParams } from './params.js';

/**
 * The typed step builder every workflow is written with. A workflow declares its steps in order,
 * each `.step(name, run)` adding `name: <what run returns>` to the outputs the later steps see in
 * `s.out`; the builder compiles the list into the runner's untyped `Step[]` (engine/workflow.ts),
 * which records each output as the step's detail and hands it back, after a crash as JSON.
 *
 *   defineWorkflow(deps, {
 *     type: 'replicate',
 *     steps: (p, flow) => flow
 *       .step('snapshot', async (s) => ({ point: await take(s.pg) }))
 *       .step('wait', async (s) => ({ done: await wait(s.pg, s.out.snapshot.point) })),
 *   });
 *
 * Each attempt of a step gets the run's context, the operation's params (parsed once per run by
 * params.ts), the PG read at the start of the attempt (`s.pg`, fresh: earlier steps changed it),
 * and the earlier outputs. Outputs are plain JSON data (no Dates, no class instances, nothing
 * whose meaning is an `undefined`), so what a step sees after a crash is what it would have seen.
 */

/** What a step works on: the run's context, the operation's id and its PG as this attempt read it. */
export interface PgRun {
  readonly ctx: WorkflowContext;
  readonly opId: string;
  readonly pg: ProtectionGroup;
}

interface Attempt<P, O> {
  readonly ctx: WorkflowContext;
  readonly opId: string;
  readonly params: P;
  /** The outputs of the steps before this one, by step name. */
  readonly out: Readonly<O>;
  /** Aborted when the engine loses the lease or shuts down: stop at the next safe point. */
  readonly signal: AbortSignal;
  /** Records progress within the step (kept with the step, shown while it runs). */
  progress(detail: StepDetail): Promise<void>;
  /** Waits without holding the engine's slot (StepContext.idle). */
  idle<T>(wait: () => Promise<T>): Promise<T>;
}

/** A step's state: params `P`, earlier outputs `O`, the PG. */
export interface StepState<P, O> extends PgRun, Attempt<P, O> {}

/** A step that runs without reading the PG (pg_delete's last, which deletes it). */
export interface BareState<P, O> extends Attempt<P, O> {
  readonly pgId: string | null;
}

/** The outputs of no step yet. */
export type NoOutputs = Record<never, never>;
type Named<N extends string, R> = { [K in N]: R };
type Run<S, R> = (s: S) => Promise<R>;

/** What one run of a workflow shares: its context (sessions), the operation, its parsed params. */
interface RunEnv<P> {
  ctx: WorkflowContext;
  op: OperationRecord;
  params: P;
}

/** One compiled step (the builder's own; workflows use `.step`). */
export interface StepDef<P> {
  name: string;
  run(env: RunEnv<P>, sc: StepContext): Promise<StepDetail>;
}

/**
 * THE JSON→typed boundary, the only one. `completed` holds the details recorded by the steps
 * before this one: objects this very run returned, or, once an operation was taken over after a
 * crash or resumed, the same details re-read as JSON from its step records. They are the outputs
 * the flow declares for those names because the runner stores a step's output under the step's
 * name and matches a resumed operation's steps by position and name (it refuses a list that
 * changed), and because outputs are plain JSON (above), so re-reading changes nothing.
 */
function recorded<O>(completed: ReadonlyMap<string, StepDetail>): O {
  return Object.fromEntries(completed) as O;
}

/** The operation's PG, read fresh at the start of each step attempt. */
async function loadPg(ctx: WorkflowContext, op: OperationRecord): Promise<ProtectionGroup> {
  if (!op.pg_id) throw new StepError(`operation ${op.id} names no protection group`);
  const pg = await ctx.pgs.get(op.pg_id);
  if (!pg) throw new StepError(`protection group ${op.pg_id} does not exist`, { pg_id: op.pg_id });
  return pg;
}

const attempt = <P, O>(env: RunEnv<P>, sc: StepContext): Attempt<P, O> => ({
  ctx: env.ctx,
  opId: env.op.id,
  params: env.params,
  out: recorded<O>(sc.completed),
  signal: sc.signal,
  progress: sc.progress,
  idle: sc.idle,
});

/**
 * An ordered list of typed steps, with the steps that undo it. Immutable: each call returns a new
 * flow. `O` only grows, so a flow is usable wherever fewer outputs are needed (`out`: a step
 * written for `{ precheck: PrecheckOut }` fits any flow whose precheck ran before it).
 */
export class Flow<P, out O extends object> {
  private constructor(
    /** The steps in order (defineWorkflow compiles them). */
    readonly defs: readonly StepDef<P>[],
    /** The steps that undo a run that failed at `failedStep`. */
    readonly undo: (failedStep: string) => readonly StepDef<P>[] = () => [],
  ) {}

  static start<P>(): Flow<P, NoOutputs> {
    return new Flow<P, NoOutputs>([]);
  }

  private add<N extends string, R extends StepDetail>(name: N, run: StepDef<P>['run']): Flow<P, O & Named<N, R>> {
    return new Flow<P, O & Named<N, R>>([...this.defs, { name, run }], this.undo);
  }

  /** Appends a step; the steps after it see what it returns as `s.out[name]`. */
  step<N extends string, R extends StepDetail>(name: N, run: Run<StepState<P, O>, R>): Flow<P, O & Named<N, R>> {
    return this.add<N, R>(name, async (env, sc) => run({ ...attempt<P, O>(env, sc), pg: await loadPg(env.ctx, env.op) }));
  }

  /** A step only some runs have (the drill's network): later steps see its output as optional. */
  stepIf<N extends string, R extends StepDetail>(when: boolean, name: N, run: Run<StepState<P, O>, R>): Flow<P, O & Partial<Named<N, R>>> {
    return when ? this.step(name, run) : new Flow<P, O & Partial<Named<N, R>>>(this.defs, this.undo);
  }

  /** A step that does not read the PG (it may be gone: pg_delete's last step). */
  stepWithoutPg<N extends string, R extends StepDetail>(name: N, run: Run<BareState<P, O>, R>): Flow<P, O & Named<N, R>> {
    return this.add<N, R>(name, (env, sc) => run({ ...attempt<P, O>(env, sc), pgId: env.op.pg_id }));
  }

  /** Appends a sequence of steps written once for several flows. */
  pipe<O2 extends object>(more: (flow: Flow<P, O>) => Flow<P, O2>): Flow<P, O2> {
    return more(this);
  }

  /**
   * The steps that undo a run that failed at `failedStep` (none: the run just ends failed). They
   * see this flow's outputs as Partial, since the run may have stopped anywhere, and their own
   * outputs as usual.
   */
  rollback(build: (undo: Flow<P, Partial<O>>, failedStep: string) => Flow<P, object>): Flow<P, O> {
    return new Flow<P, O>(this.defs, (failedStep) => build(new Flow<P, Partial<O>>([]), failedStep).defs);
  }
}

export interface WorkflowSpec<T extends OperationType, O extends object> {
  type: T;
  /**
   * The steps for the operation's params. Same params, same list, every time: a resumed
   * operation's recorded steps are matched by position and name.
   */
  steps(params: OperationParams[T], flow: Flow<OperationParams[T], NoOutputs>): Flow<OperationParams[T], O>;
  /**
   * The PG status a step that fails for real leaves (pg_create, pg_delete: `error`, so the tenant
   * sees it); not set by a step interrupted by a lost lease or a shutdown, which is resumed.
   */
  failureStatus?: PgStatus;
  /** How the run ends once every step completed (default completed). */
  outcome?(out: Readonly<Partial<O>>): 'completed' | 'partial';
}

/**
 * Compiles a typed workflow into the runner's. Params that cannot be parsed (the API never records
 * such an operation) make a single step, `params`, that fails with why.
 */
export function defineWorkflow<T extends OperationType, O extends object>(deps: WorkflowDeps, spec: WorkflowSpec<T, O>): Workflow {
  type P = OperationParams[T];
  const compile = (op: OperationRecord, params: P, defs: readonly StepDef<P>[]): Step[] => {
    // One context per run: its sessions and tokens are shared by the steps and never outlive it.
    const env: RunEnv<P> = { ctx: createWorkflowContext(deps), op, params };
    return defs.map((d) => ({
      name: d.name,
      run: async (sc) => {
        try {
          return await d.run(env, sc);
        } catch (err) {
          // A step the database refused is resumed by the engine, not failed: the PG keeps its state.
          if (spec.failureStatus && op.pg_id && !sc.signal.aborted && !isDatabaseUnavailable(err)) await env.ctx.pgs.update(op.pg_id, { status: spec.failureStatus });
          throw err;
        }
      },
    }));
  };
  const plan = (op: OperationRecord): { params: P; flow: Flow<P, O> } | { error: unknown } => {
    let params: P;
    try {
      params = parseParams(spec.type, op.params);
    } catch (error) {
      return { error };
    }
    return { params, flow: spec.steps(params, Flow.start<P>()) };
  };
  const outcome = spec.outcome;
  return {
    type: spec.type,
    steps(op) {
      const p = plan(op);
      if ('error' in p) return [{ name: 'params', run: () => Promise.reject(p.error) }];
      return compile(op, p.params, p.flow.defs);
    },
    rollback(op, failedStep) {
      const p = plan(op);
      return 'error' in p ? [] : compile(op, p.params, p.flow.undo(failedStep));
    },
    ...(outcome ? { outcome: (completed: ReadonlyMap<string, StepDetail>) => outcome(recorded<Partial<O>>(completed)) } : {}),
  };
}
