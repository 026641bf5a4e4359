import { createWorkflowContext, type WorkflowDeps } from '../context.js';
import { StepError, type Workflow } from '../workflow.js';
import { loadPg } from './pg.js';
import { cleanupSourceStep } from './recovery/phases.js';
import { removeFailoverCopies, rollbackLeftovers } from './recovery/teardown.js';

/**
 * `cleanup` (`POST …/operations/{id}/cleanup`): what an operation left behind, removed. After a
 * failover, its last step again, for when it could not finish (the old primary was down or
 * refused): the old servers deleted, the volume records removed. After a rolled-back failover,
 * what its rollback could not remove from the target. It fails, naming what remains, until
 * everything is gone.
 */
export function cleanupWorkflow(deps: WorkflowDeps): Workflow {
  return {
    type: 'cleanup',
    steps(op) {
      const ctx = createWorkflowContext(deps);
      return [
        cleanupSourceStep(ctx, op, { name: 'cleanup_source', required: true }),
        {
          name: 'cleanup_target',
          run: async () => {
            const pg = await loadPg(ctx, op);
            const of = (op.params as { operation_id?: string }).operation_id;
            const rec = await rollbackLeftovers(ctx.pgs.db, pg);
            if (!rec || rec.operation_id !== of) return { nothing_to_do: true };
            const report = await removeFailoverCopies(ctx, pg, rec);
            if (report.remaining) throw new StepError(`could not remove ${report.failed.length} object(s) rolled-back operation ${of} left on site ${rec.site_id}: ${report.failed.map((f) => `${f.kind} ${f.id}: ${f.error}`).join('; ')}`, { ...report });
            return { ...report };
          },
        },
      ];
    },
  };
}
