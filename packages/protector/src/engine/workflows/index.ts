import type { WorkflowDeps } from '../context.js';
import type { Workflow } from '../workflow.js';
import { memberAddWorkflow } from './member-add.js';
import { memberRemoveWorkflow } from './member-remove.js';
import { pgCreateWorkflow } from './pg-create.js';
import { pgDeleteWorkflow } from './pg-delete.js';

export { memberAddWorkflow, memberRemoveWorkflow, pgCreateWorkflow, pgDeleteWorkflow };
export { replicationSpec } from './pg-create.js';
export { groupName, groupTypeName, arrayVolumeName } from './names.js';

/** The four PG lifecycle workflows (operation types in operation-types.ts), for the Engine. */
export function lifecycleWorkflows(deps: WorkflowDeps): Workflow[] {
  return [pgCreateWorkflow(deps), memberAddWorkflow(deps), memberRemoveWorkflow(deps), pgDeleteWorkflow(deps)];
}
