import type { WorkflowDeps } from './context.js';
import { createWorkflowContext } from './context.js';
import { fencePass, type FenceReport } from './fencing.js';
import type { Operations } from './operations.js';
import { resumePass, type ResumeReport } from './resume.js';

export interface SiteWatcherOptions {
  intervalMs: number;
  /** Hands a resumed operation to the engine (Engine.tryRun). */
  run: (operationId: string) => void;
  onFenced?: (report: FenceReport) => void;
  onResumed?: (report: ResumeReport) => void;
  onError?: (err: unknown) => void;
}

/**
 * The engine's watch for sites that answer again (DESIGN §5.5, issue [7]). Every `intervalMs`:
 * first fencing (a fenced copy running on a returned old primary is stopped before anything
 * else), then rollbacks a lost site interrupted are resumed once it answers. One pass at a time;
 * a pass that fails (the database away) is tried again at the next interval.
 */
export function startSiteWatcher(deps: WorkflowDeps, ops: Operations, o: SiteWatcherOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const isStopped = () => stopped;
  const once = async (): Promise<void> => {
    const local = (await deps.sites.list()).find((s) => s.is_local);
    if (!local) return;
    // One context per pass: the sessions (and tokens) of each site and trust are shared by its PGs.
    const ctx = createWorkflowContext(deps);
    for (const r of await fencePass(deps, local.id, ctx, isStopped)) o.onFenced?.(r);
    for (const r of await resumePass(ops, ctx, o.run, isStopped)) o.onResumed?.(r);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      pass = once()
        .catch((err: unknown) => o.onError?.(err))
        .finally(schedule);
    }, o.intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
