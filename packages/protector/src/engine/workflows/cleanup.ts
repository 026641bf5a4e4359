import { createWorkflowContext, type WorkflowDeps } from '../context.js';
import type { Workflow } from '../workflow.js';
import { cleanupSourceStep } from './recovery/phases.js';

/**
 * `cleanup` (`POST …/operations/{id}/cleanup`): the last step of a failover again, for when it
 * could not finish (the old primary was down or refused): the old servers deleted, the volume
 * records removed. It fails, naming what remains, until everything is gone.
 */
export function cleanupWorkflow(deps: WorkflowDeps): Workflow {
  return {
    type: 'cleanup',
    steps(op) {
      return [cleanupSourceStep(createWorkflowContext(deps), op, { name: 'cleanup_source', required: true })];
    },
  };
}
