import type { WorkflowDeps } from '../context.js';
import type { Workflow } from '../workflow.js';
import { memberAddWorkflow } from './member-add.js';
import { memberRemoveWorkflow } from './member-remove.js';
import { pgCreateWorkflow } from './pg-create.js';
import { pgDeleteWorkflow } from './pg-delete.js';
import { replicateWorkflow } from './replicate.js';
import { cleanupWorkflow } from './cleanup.js';
import { failbackWorkflow, failoverWorkflow, type DrTimeouts } from './failover.js';
import { testCleanupWorkflow } from './test-cleanup.js';
import { testFailoverWorkflow } from './test-failover.js';
import { planRunWorkflow } from './plan-run.js';

export { planRunWorkflow };
export { cleanupWorkflow, failbackWorkflow, failoverWorkflow, memberAddWorkflow, memberRemoveWorkflow, pgCreateWorkflow, pgDeleteWorkflow, replicateWorkflow, testCleanupWorkflow, testFailoverWorkflow };
export { replicationSpec } from './pg-create.js';
export { groupName, groupTypeName, arrayVolumeName } from './names.js';

/** Every workflow this engine runs (operation types in operation-types.ts). */
export function lifecycleWorkflows(deps: WorkflowDeps, opts: DrTimeouts & { planPollMs?: number } = {}): Workflow[] {
  return [
    pgCreateWorkflow(deps),
    memberAddWorkflow(deps),
    memberRemoveWorkflow(deps),
    pgDeleteWorkflow(deps),
    replicateWorkflow(deps, { timeoutMs: opts.stepTimeoutMs, deadLinkGraceMs: opts.deadLinkGraceMs }),
    failoverWorkflow(deps, opts),
    failbackWorkflow(deps, opts),
    testFailoverWorkflow(deps, opts),
    testCleanupWorkflow(deps),
    cleanupWorkflow(deps),
    planRunWorkflow(deps, { pollMs: opts.planPollMs, wake: deps.wake }),
  ];
}
