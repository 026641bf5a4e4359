import type { WorkflowDeps } from '../context.js';
import type { TransferWaitOptions } from '../../storage/index.js';
import { StepError, type Workflow } from '../workflow.js';
import { DEFAULT_DEAD_LINK_GRACE_MS } from './failover.js';
import { defineWorkflow } from './flow.js';

/** How long a replication waits for its transfer by default (`[engine] step_timeout` in the service). */
const DEFAULT_TIMEOUT_MS = 600_000;

/**
 * The `sync` action (`protector recovery-point create`): replicate now, as an operation of type
 * `replicate` (distinct from the metadata sync of `protector protection-group sync`). The
 * snapshot's suffix is derived from the operation id, so a resumed run finds the snapshot it
 * already took instead of taking a second one; it keeps its historical `sync-` prefix so that
 * runs recorded before the rename resume onto the same snapshot.
 */
export function replicateWorkflow(deps: WorkflowDeps, opts: { timeoutMs?: number } & TransferWaitOptions = {}): Workflow {
  return defineWorkflow(deps, {
    type: 'replicate',
    steps: (_p, flow) =>
      flow
        .step('snapshot_and_replicate', async (s) => {
          const handle = s.pg.resources.array;
          if (!handle) throw new StepError(`protection group ${s.pg.id} has no array construct yet`);
          const rp = await s.ctx.storage.snapshotNow(handle, { replicate: true, suffix: `sync-${s.opId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}` });
          return { snapshot: rp.snapshot, recovery_point: rp.name, created_at: rp.createdAt };
        })
        .step('wait_for_transfer', async (s) => {
          const handle = s.pg.resources.array;
          const rp = s.out.snapshot_and_replicate.recovery_point;
          if (!handle || !rp) return { waited: false };
          const wait = { deadLinkGraceMs: opts.deadLinkGraceMs ?? DEFAULT_DEAD_LINK_GRACE_MS };
          await s.ctx.storage.waitForTransfer(handle, rp, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, (p) => void s.progress({ recovery_point: rp, progress: p.progress }), wait);
          return { recovery_point: rp, transferred: true };
        }),
  });
}
