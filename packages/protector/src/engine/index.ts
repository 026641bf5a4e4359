export { Engine, type EngineOptions } from './runner.js';
export { Operations, OperationInProgress, FINISHED, type NewOperation, type OperationRecord, type OperationStatus, type StepRecord, type StepStatus } from './operations.js';
export { StepError, type Step, type StepContext, type StepDetail, type Workflow } from './workflow.js';
export { LIFECYCLE_OPERATIONS, type OperationParams, type OperationType } from './operation-types.js';
export { createWorkflowContext, type WorkflowDeps } from './context.js';
export { lifecycleWorkflows } from './workflows/index.js';
export { enforceFencing, startFenceWatcher, type FenceReport } from './fencing.js';
