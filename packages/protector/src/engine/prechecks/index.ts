/** The pre-check framework every DR workflow runs before changing anything (DESIGN §6). */
import type { Check } from './check.js';
import { mappingsCheck } from './checks/mappings.js';
import { metadataInSyncCheck } from './checks/metadata-in-sync.js';
import { operationRunningCheck } from './checks/operation-running.js';
import { rollbackLeftoversCheck } from './checks/rollback-leftovers.js';
import { pgStateCheck } from './checks/pg-state.js';
import { recoveryPointCheck } from './checks/recovery-point.js';
import { reipCheck } from './checks/reip.js';
import { replicationLinkCheck } from './checks/replication-link.js';
import { sourceSiteCheck } from './checks/source-site.js';
import { targetQuotaCheck } from './checks/target-quota.js';
import { targetResourcesCheck } from './checks/target-resources.js';

export { ACTION_KINDS, finder, type ActionKind, type Check, type CheckInput, type Finding, type PrecheckInput, type Severity } from './check.js';
export { checkInput, formatReport, PrecheckFailed, requirePrechecks, runPrechecks, type PrecheckResult } from './run.js';
export { requirements, resolveAll, targetFlavor, type Requirement, type Resolution } from './resolve.js';
export { ALLOWED_STATES } from './checks/pg-state.js';
export { mappingsCheck, metadataInSyncCheck, operationRunningCheck, pgStateCheck, rollbackLeftoversCheck, recoveryPointCheck, reipCheck, replicationLinkCheck, sourceSiteCheck, targetQuotaCheck, targetResourcesCheck };

/** Every check, in report order; runPrechecks picks those that apply to the action. */
export const ALL_CHECKS: readonly Check[] = [
  pgStateCheck,
  operationRunningCheck,
  rollbackLeftoversCheck,
  metadataInSyncCheck,
  mappingsCheck,
  targetResourcesCheck,
  reipCheck,
  targetQuotaCheck,
  recoveryPointCheck,
  replicationLinkCheck,
  sourceSiteCheck,
];
