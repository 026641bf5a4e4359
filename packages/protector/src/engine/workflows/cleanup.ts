import type { WorkflowDeps } from '../context.js';
import { StepError, type Workflow } from '../workflow.js';
import { defineWorkflow, type StepState } from './flow.js';
import { cleanupSource } from './recovery/source.js';
import { removeFailoverCopies, rollbackLeftovers } from './recovery/teardown.js';

/** What the rollback of operation `of` could not remove from its target. */
async function cleanupTarget(s: StepState<{ operation_id: string }, object>) {
  const { ctx, pg } = s;
  const of = s.params.operation_id;
  const rec = await rollbackLeftovers(ctx.pgs.db, pg);
  if (!rec || rec.operation_id !== of) return { nothing_to_do: true };
  const report = await removeFailoverCopies(ctx, pg, rec);
  if (report.remaining) throw new StepError(`could not remove ${report.failed.length} object(s) rolled-back operation ${of} left on site ${rec.site_id}: ${report.failed.map((f) => `${f.kind} ${f.id}: ${f.error}`).join('; ')}`, { ...report });
  return { ...report };
}

/**
 * `cleanup` (`POST …/operations/{id}/cleanup`): what an operation left behind, removed. After a
 * failover, its last step again, for when it could not finish (the old primary was down or
 * refused): the old servers deleted, the volume records removed. After a rolled-back failover,
 * what its rollback could not remove from the target. It fails, naming what remains, until
 * everything is gone.
 */
export function cleanupWorkflow(deps: WorkflowDeps): Workflow {
  return defineWorkflow(deps, {
    type: 'cleanup',
    steps: (_p, flow) => flow.step('cleanup_source', (s) => cleanupSource(s, true)).step('cleanup_target', cleanupTarget),
  });
}
