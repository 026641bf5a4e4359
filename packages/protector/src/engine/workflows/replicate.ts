import { createWorkflowContext, type WorkflowDeps } from '../context.js';
import type { TransferWaitOptions } from '../../storage/index.js';
import { StepError, type Workflow } from '../workflow.js';
import { DEFAULT_DEAD_LINK_GRACE_MS } from './failover.js';
import { loadPg } from './pg.js';

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
  return {
    type: 'replicate',
    steps(op) {
      const ctx = createWorkflowContext(deps);
      const suffix = `sync-${op.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}`;
      return [
        {
          name: 'snapshot_and_replicate',
          run: async () => {
            const pg = await loadPg(ctx, op);
            if (!pg.resources.array) throw new StepError(`protection group ${pg.id} has no array construct yet`);
            const rp = await ctx.storage.snapshotNow(pg.resources.array, { replicate: true, suffix });
            return { snapshot: rp.snapshot, recovery_point: rp.name, created_at: rp.createdAt };
          },
        },
        {
          name: 'wait_for_transfer',
          run: async (step) => {
            const pg = await loadPg(ctx, op);
            const taken = step.completed.get('snapshot_and_replicate') as { recovery_point: string | null } | undefined;
            if (!pg.resources.array || !taken?.recovery_point) return { waited: false };
            await ctx.storage.waitForTransfer(
              pg.resources.array,
              taken.recovery_point,
              opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
              (p) => void step.progress({ recovery_point: taken.recovery_point, progress: p.progress }),
              { deadLinkGraceMs: opts.deadLinkGraceMs ?? DEFAULT_DEAD_LINK_GRACE_MS },
            );
            return { recovery_point: taken.recovery_point, transferred: true };
          },
        },
      ];
    },
  };
}
