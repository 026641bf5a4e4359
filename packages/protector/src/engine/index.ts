export { Engine, type EngineOptions } from './runner.js';
export { Operations, OperationInProgress, ResumeRefused, FINISHED, type NewOperation, type OperationRecord, type OperationStatus, type StepRecord, type StepStatus } from './operations.js';
export { StepError, type Step, type StepContext, type StepDetail, type Workflow } from './workflow.js';
export { LIFECYCLE_OPERATIONS, type OperationParams, type OperationType } from './operation-types.js';
export { createWorkflowContext, type WorkflowDeps } from './context.js';
export { lifecycleWorkflows } from './workflows/index.js';
export { enforceFencing, type FenceReport } from './fencing.js';
export { resumePass, type ResumeReport } from './resume.js';
export { startSiteWatcher, type SiteWatcherOptions } from './site-watcher.js';
