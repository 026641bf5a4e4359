import { createWorkflowContext, type WorkflowDeps } from '../context.js';
import type { OperationParams } from '../operation-types.js';
import type { OperationRecord } from '../operations.js';
import { StepError, type Workflow } from '../workflow.js';
import { loadPg } from './pg.js';
import {
  chooseRecoveryPointStep,
  cleanupSourceStep,
  finalSnapshotStep,
  partialWhenFailed,
  precheckStep,
  reverseReplicationStep,
  rollbackSteps,
  runSites,
  schedulePolicy,
  stopSourceStep,
  swapRolesStep,
  waitForTransferStep,
} from './recovery/phases.js';
import { stopServers } from './recovery/servers.js';
import { bringUpSteps } from './recovery/bring-up.js';
import { shortId } from './recovery/plan.js';

export type FailoverParams = OperationParams['failover'];

export interface DrTimeouts {
  /** How long a transfer may take (`[engine] step_timeout`). */
  stepTimeoutMs?: number;
  /** How long a recovered server may take to become ACTIVE unless the action says (`[engine] server_boot_timeout`). */
  bootTimeoutSeconds?: number;
  /** How long a transfer may see its link or an array down before it fails (`[engine] dead_link_grace`). */
  deadLinkGraceMs?: number;
}

/**
 * The steps after the workload is up on the target: a failure there never rolls back, which
 * would delete the only running copy. The failover ends failed and an unplanned failover,
 * run again, adopts what it brought up and finishes the swap.
 */
const PAST_NO_RETURN = new Set(['reverse_replication', 'swap_roles', 'cleanup_source']);

/** `[engine] dead_link_grace`'s default. */
export const DEFAULT_DEAD_LINK_GRACE_MS = 30_000;

const DEFAULT_STEP_TIMEOUT_MS = 600_000;

export function failoverParams(op: OperationRecord): FailoverParams {
  const p = op.params as Partial<FailoverParams>;
  if (p.type !== 'planned' && p.type !== 'unplanned') throw new StepError(`failover type must be planned or unplanned, got ${String(p.type)}`);
  return { type: p.type, recovery_point_id: p.recovery_point_id, force: p.force, mappings: p.mappings, boot_timeout_seconds: p.boot_timeout_seconds };
}

/**
 * `failover` (DESIGN §6), run on the site that takes the workload over.
 *
 * planned: both sites answer; source servers stopped, a final snapshot replicated and waited
 * for (zero data loss; a chosen `recovery_point_id` instead makes it point-in-time), the
 * volumes restored and managed on the target, ports recreated, servers booted in tiers,
 * replication reversed, roles swapped, the old copies cleaned up. Any failure rolls back.
 *
 * unplanned: the surviving site alone; the old primary's servers are fenced (stopped if they
 * still answer, never started again by Protector), the newest (or chosen) recovery point is
 * brought up, past per-server errors (then `failed_over_partial`), and the data-loss window
 * (the recovery point's time) is reported. Replication is reversed by failback, when the old
 * primary is back.
 */
export function failoverWorkflow(deps: WorkflowDeps, t: DrTimeouts = {}): Workflow {
  const timeout = t.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  return {
    type: 'failover',
    steps(op) {
      const ctx = createWorkflowContext(deps);
      const p = failoverParams(op);
      const chosen = p.recovery_point_id;
      if (p.type === 'planned') {
        const action = 'planned_failover';
        return [
          precheckStep(ctx, op, { action, working: 'failing_over', record: 'failover', recoveryPoint: chosen, overrides: p.mappings, force: p.force }),
          stopSourceStep(ctx, op),
          finalSnapshotStep(ctx, op, chosen, 'failover'),
          waitForTransferStep(ctx, op, 'failover', { timeoutMs: timeout, deadLinkGraceMs: t.deadLinkGraceMs ?? DEFAULT_DEAD_LINK_GRACE_MS }),
          ...bringUpSteps(ctx, op, 'failover', { action, overrides: p.mappings, strict: true, bootTimeoutSeconds: p.boot_timeout_seconds ?? t.bootTimeoutSeconds }),
          reverseReplicationStep(ctx, op, 'failover'),
          swapRolesStep(ctx, op, { fenced: false, reversePending: false, overrides: p.mappings, action }),
          cleanupSourceStep(ctx, op),
        ];
      }
      const action = 'unplanned_failover';
      return [
        precheckStep(ctx, op, { action, working: 'failing_over', record: 'failover', recoveryPoint: chosen, overrides: p.mappings, force: p.force }),
        {
          name: 'fence_source',
          run: async (sc) => {
            const pg = await loadPg(ctx, op);
            const { sourceSiteId } = runSites(sc.completed);
            // Best effort: the old primary is usually down. What cannot be stopped now stays
            // fenced in the leftovers, which only cleanup touches (it deletes, never starts).
            try {
              const tenant = await ctx.clientsFor(sourceSiteId, { asTenantOf: pg });
              return { reachable: true, ...(await stopServers(tenant, await ctx.pgs.members(pg.id), 60_000)) };
            } catch (err) {
              return { reachable: false, error: err instanceof Error ? err.message : String(err) };
            }
          },
        },
        {
          name: 'promote_target',
          run: async () => {
            const pg = await loadPg(ctx, op);
            if (!pg.resources.array) throw new StepError(`protection group ${pg.id} has no array construct`);
            await ctx.storage.promote(pg.resources.array);
            return { promoted: pg.resources.array.targetArray };
          },
        },
        chooseRecoveryPointStep(ctx, op, 'failover', chosen),
        ...bringUpSteps(ctx, op, 'failover', { action, overrides: p.mappings, strict: false, bootTimeoutSeconds: p.boot_timeout_seconds ?? t.bootTimeoutSeconds }),
        swapRolesStep(ctx, op, { fenced: true, reversePending: true, overrides: p.mappings, action }),
      ];
    },
    rollback(op, failedStep) {
      // Nothing changed before the pre-checks passed; unplanned failover never rolls back (the
      // source is gone): a failed one is run again, and adopts what this run brought up. Past
      // the point of no return (the target's servers ACTIVE) neither does a planned one.
      if (failedStep === 'precheck' || failoverParams(op).type !== 'planned' || PAST_NO_RETURN.has(failedStep)) return [];
      return rollbackSteps(createWorkflowContext(deps), op, 'active');
    },
    outcome: partialWhenFailed('swap_roles'),
  };
}

/**
 * `failback`: back to the original primary. Replication is reversed first if an unplanned
 * failover could not, the old copies there are removed, the data is resynchronised while the
 * servers keep running (a bulk transfer), then a planned failover back (a small final delta).
 * Rolls back like a planned failover, to `failed_over`.
 */
export function failbackWorkflow(deps: WorkflowDeps, t: DrTimeouts = {}): Workflow {
  const timeout = t.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  return {
    type: 'failback',
    steps(op) {
      const ctx = createWorkflowContext(deps);
      const p = op.params as OperationParams['failback'];
      const action = 'failback';
      return [
        precheckStep(ctx, op, { action, working: 'failing_back', record: 'failover', overrides: p.mappings, force: p.force }),
        {
          name: 'reverse_if_pending',
          run: async (sc) => {
            const pg = await loadPg(ctx, op);
            if (!pg.resources.reverse_pending || !pg.resources.array) return { reversed: false };
            const { sourceSiteId } = runSites(sc.completed);
            const members = await ctx.pgs.members(pg.id);
            const sourceArray = (await ctx.site(sourceSiteId)).array.name;
            let handle = pg.resources.array;
            if (handle.sourceArray !== sourceArray) {
              handle = await ctx.storage.reverseReplication(handle, { volumes: members.flatMap((m) => m.details.volumes.map((v) => v.array_volume)), policy: await schedulePolicy(ctx, pg) });
            }
            const next = handle;
            await ctx.pgs.setResources(pg.id, (r) => ({ ...r, array: next, reverse_pending: false }));
            return { reversed: true, handle: next };
          },
        },
        cleanupSourceStep(ctx, op, { name: 'remove_old_copies', required: true }),
        {
          name: 'resync',
          run: async (sc) => {
            const pg = await loadPg(ctx, op);
            if (!pg.resources.array) throw new StepError(`protection group ${pg.id} has no array construct`);
            const handle = pg.resources.array;
            const rp = await ctx.storage.snapshotNow(handle, { replicate: true, suffix: `resync-${shortId(op.id)}` });
            const done = await ctx.storage.waitForTransfer(handle, rp.name ?? rp.snapshot, timeout, (x) => void sc.progress({ progress: x.progress }), { deadLinkGraceMs: t.deadLinkGraceMs ?? DEFAULT_DEAD_LINK_GRACE_MS });
            return { recovery_point: done.name, data_as_of: done.createdAt };
          },
        },
        stopSourceStep(ctx, op),
        finalSnapshotStep(ctx, op, undefined, 'failback'),
        waitForTransferStep(ctx, op, 'failover', { timeoutMs: timeout, deadLinkGraceMs: t.deadLinkGraceMs ?? DEFAULT_DEAD_LINK_GRACE_MS }),
        ...bringUpSteps(ctx, op, 'failover', { action, overrides: p.mappings, strict: true, bootTimeoutSeconds: p.boot_timeout_seconds ?? t.bootTimeoutSeconds }),
        reverseReplicationStep(ctx, op, 'failover'),
        swapRolesStep(ctx, op, { fenced: false, reversePending: false, overrides: p.mappings, action }),
        cleanupSourceStep(ctx, op),
      ];
    },
    rollback(op, failedStep) {
      if (failedStep === 'precheck' || PAST_NO_RETURN.has(failedStep)) return [];
      return rollbackSteps(createWorkflowContext(deps), op, 'failed_over');
    },
  };
}
