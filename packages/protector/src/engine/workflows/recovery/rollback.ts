import type { PgStatus } from '../../../db/protection-groups.js';
import type { Flow, StepState } from '../flow.js';
import type { PrecheckOut } from './precheck.js';
import { resumeReplication } from './replication.js';
import { startSource } from './source.js';
import { removeFailoverCopies } from './teardown.js';

/** What the target holds of this run goes; what cannot be removed now stays recorded for `operation cleanup`, and the rollback goes on. */
async function removeTargetCopies(s: StepState<unknown, object>) {
  const { ctx, pg, opId } = s;
  const rec = pg.resources.failover;
  if (!rec || rec.operation_id !== opId) return { removed: [], failed: [] };
  const report = await removeFailoverCopies(ctx, pg, rec);
  return { ...report, ...(report.remaining ? { retry: `POST /v1/${pg.project_id}/operations/${opId}/cleanup` } : {}) };
}

/**
 * Rollback of a planned failover or failback: what was brought up on the target goes, the
 * replication runs as before, the servers that ran on the source run again, the PG is back in
 * `restore` state. The failed step is in the operation's error. The forward run may have stopped
 * anywhere: these steps see its outputs as optional (the pre-check's, for the sites).
 */
export const undoRecovery =
  (restore: PgStatus) =>
  <P, O extends { precheck?: PrecheckOut }>(undo: Flow<P, O>) =>
    undo
      .step('rollback_target', removeTargetCopies)
      .step('rollback_replication', resumeReplication)
      .step('rollback_source', (s) => startSource(s, restore));
