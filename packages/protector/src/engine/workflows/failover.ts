import type { PgStatus } from '../../db/protection-groups.js';
import type { WorkflowDeps } from '../context.js';
import type { OperationParams } from '../operation-types.js';
import type { Workflow } from '../workflow.js';
import { defineWorkflow, type Flow } from './flow.js';
import { bringUp } from './recovery/bring-up.js';
import { partialWhenFailed } from './recovery/outcome.js';
import type { PlanOptions } from './recovery/plan.js';
import { precheck, type AfterPrecheck, type PrecheckOut } from './recovery/precheck.js';
import { chooseRecoveryPoint, finalSnapshot, resync, waitForTransfer, type TransferWait } from './recovery/recovery-point.js';
import { promoteTarget, reverseIfPending, reverseReplication } from './recovery/replication.js';
import { undoRecovery } from './recovery/rollback.js';
import { awaitCommit, commitWindowOf, type FailoverWindow } from './recovery/commit-window.js';
import { cleanupSource, fenceSource, stopSource } from './recovery/source.js';
import { swapRoles, type SwapRolesOut } from './recovery/swap-roles.js';

export interface DrTimeouts {
  /** How long a transfer may take (`[engine] step_timeout`). */
  stepTimeoutMs?: number;
  /** How long a recovered server may take to become ACTIVE unless the action says (`[engine] server_boot_timeout`). */
  bootTimeoutSeconds?: number;
  /** How long a transfer may see its link or an array down before it fails (`[engine] dead_link_grace`). */
  deadLinkGraceMs?: number;
}

/** `[engine] dead_link_grace`'s default. */
export const DEFAULT_DEAD_LINK_GRACE_MS = 30_000;

const DEFAULT_STEP_TIMEOUT_MS = 600_000;

const transferWait = (t: DrTimeouts): TransferWait => ({ timeoutMs: t.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, deadLinkGraceMs: t.deadLinkGraceMs ?? DEFAULT_DEAD_LINK_GRACE_MS });

/**
 * The steps after the workload is up on the target: a failure there never rolls back, which
 * would delete the only running copy. The failover ends failed and an unplanned failover,
 * run again, adopts what it brought up and finishes the swap.
 */
const PAST_NO_RETURN = new Set(['reverse_replication', 'swap_roles', 'cleanup_source']);

/**
 * How a planned failover or a failback undoes a failed run, back to `restore`: nothing changed
 * before the pre-checks passed, and past the point of no return nothing is undone.
 */
const rollbackTo =
  (restore: PgStatus) =>
  <P, O extends { precheck?: PrecheckOut }>(undo: Flow<P, O>, failedStep: string) =>
    failedStep === 'precheck' || PAST_NO_RETURN.has(failedStep) ? undo : undo.pipe(undoRecovery(restore));

interface SwitchOptions extends PlanOptions {
  /** A window for a commit or a rollback once the workload is up (commit-window.ts). */
  commit?: FailoverWindow;
  /** The recovery point the action chose (point-in-time), instead of a final snapshot. */
  chosen?: string;
  /** Names the final snapshot (`<tag>-<operation>`). */
  snapshotTag: string;
  wait: TransferWait;
  bootTimeoutSeconds?: number;
}

/**
 * A planned move of the workload after its pre-check, both sites answering: the planned failover
 * and the second half of failback. Source servers stopped, a final snapshot replicated and
 * waited for (zero data loss), the workload brought up on the target (restore_volumes,
 * manage_volumes, create_ports, boot_servers; the first server that does not come up fails it),
 * replication reversed, roles swapped, the old copies cleaned up.
 */
const switchOver =
  (o: SwitchOptions) =>
  <P, O extends AfterPrecheck>(flow: Flow<P, O>) =>
    flow
      .step('stop_source_servers', stopSource)
      .step('final_snapshot', (s) => finalSnapshot(s, o.chosen, o.snapshotTag))
      .step('wait_for_transfer', (s) => waitForTransfer(s, 'failover', o.wait))
      .pipe(bringUp('failover', { ...o, strict: true }))
      .pipe((f) => (o.commit ? f.step('await_commit', (s) => awaitCommit(s, o.commit as FailoverWindow)) : f))
      .step('reverse_replication', (s) => reverseReplication(s, 'failover'))
      .step('swap_roles', (s) => swapRoles(s, { ...o, fenced: false, reversePending: false }))
      .step('cleanup_source', (s) => cleanupSource(s, false));

type FailoverParams = OperationParams['failover'];

/** Either failover ends with swap_roles, whose servers that did not come up make it partial. */
type FailoverOut = { swap_roles: SwapRolesOut };

/**
 * `failover` (DESIGN §6), run on the site that takes the workload over.
 *
 * planned: both sites answer; the switch-over above (a chosen `recovery_point_id` instead of the
 * final snapshot makes it point-in-time). Any failure before the point of no return rolls back.
 *
 * unplanned: the surviving site alone; the old primary's servers are fenced (stopped if they
 * still answer, never started again by Protector), the target array promoted, the newest (or
 * chosen) recovery point brought up past per-server errors (then `failed_over_partial`), and
 * the data-loss window (the recovery point's time) reported. Replication is reversed by
 * failback, when the old primary is back. Never rolled back: run again, it adopts what it made.
 */
export function failoverWorkflow(deps: WorkflowDeps, t: DrTimeouts = {}): Workflow {
  return defineWorkflow(deps, {
    type: 'failover',
    steps: (p, flow): Flow<FailoverParams, FailoverOut> => {
      const chosen = p.recovery_point_id;
      const checks = { working: 'failing_over', record: 'failover', recoveryPoint: chosen, overrides: p.mappings, force: p.force, revertOf: p.revert_of } as const;
      const bootTimeoutSeconds = p.boot_timeout_seconds ?? t.bootTimeoutSeconds;
      if (p.type === 'planned') {
        const action = 'planned_failover';
        return flow
          .step('precheck', (s) => precheck(s, { ...checks, action }))
          .pipe(switchOver({ action, overrides: p.mappings, chosen, snapshotTag: 'failover', wait: transferWait(t), bootTimeoutSeconds, commit: commitWindowOf(p) }))
          .rollback(rollbackTo('active'));
      }
      const action = 'unplanned_failover';
      return flow
        .step('precheck', (s) => precheck(s, { ...checks, action }))
        .step('fence_source', fenceSource)
        .step('promote_target', promoteTarget)
        .step('choose_recovery_point', (s) => chooseRecoveryPoint(s, 'failover', chosen))
        .pipe(bringUp('failover', { action, overrides: p.mappings, strict: false, bootTimeoutSeconds }))
        .step('swap_roles', (s) => swapRoles(s, { action, overrides: p.mappings, fenced: true, reversePending: true }));
    },
    outcome: partialWhenFailed('swap_roles'),
  });
}

/**
 * `failback`: back to the original primary. Replication is reversed first if an unplanned
 * failover could not, the old copies there are removed, the data is resynchronised while the
 * servers keep running (a bulk transfer), then the switch-over back (a small final delta).
 * Rolls back like a planned failover, to `failed_over`.
 */
export function failbackWorkflow(deps: WorkflowDeps, t: DrTimeouts = {}): Workflow {
  return defineWorkflow(deps, {
    type: 'failback',
    steps: (p, flow) => {
      const action = 'failback';
      return flow
        .step('precheck', (s) => precheck(s, { action, working: 'failing_back', record: 'failover', overrides: p.mappings, force: p.force, revertOf: p.revert_of }))
        .step('reverse_if_pending', reverseIfPending)
        .step('remove_old_copies', (s) => cleanupSource(s, true))
        .step('resync', (s) => resync(s, transferWait(t)))
        .pipe(switchOver({ action, overrides: p.mappings, snapshotTag: 'failback', wait: transferWait(t), bootTimeoutSeconds: p.boot_timeout_seconds ?? t.bootTimeoutSeconds }))
        .rollback(rollbackTo('failed_over'));
    },
  });
}
