/**
 * Operations and DR actions as the pages see them: one operation followed (GET
 * /api/operations/:site/:id), the history of both sites, cleanup and cancel, and the DR wizard's
 * plan of an action. Type-only.
 */
import type { Operation, OperationDetail, PrecheckReport, RecoveryPoint, ServerAddresses } from '@protector/contract';

/** Whether a button may be pressed now, and why not. */
export interface Allowed {
  allowed: boolean;
  reason: string | null;
}

/** GET /api/operations/:site/:id. */
export interface OperationView {
  site: string;
  operation: OperationDetail;
  /** Once ended: whether its result was stored on the other site (null while it runs). */
  stored: boolean | null;
  store_error?: string;
  /** Clean up its leftovers, cancel it: what the API would accept now. */
  actions: { cleanup: Allowed; cancel: Allowed };
  /** A DR run's recreated ports: every address per server, old and new, and the re-IP rule that gave a new one. */
  addresses: ServerAddresses[];
}

/** A row of the history: an operation tagged with the site that ran it. */
export interface OperationRow extends Operation {
  site: string;
  /** The PG's name on that site (null once it is gone, or for an operation without a PG). */
  protection_group_name: string | null;
}

/** GET /api/operations: both sites merged, newest first. */
export interface OperationHistory {
  operations: OperationRow[];
  /** Pass as `cursor` for the next page; null on the last. */
  next: string | null;
  /** Sites whose rows are missing because they did not answer (or are not logged in). */
  unreachable: string[];
  /** Why, per site. */
  reasons: Record<string, string>;
}

/** POST /api/operations/:site/:id/cleanup: the new cleanup operation. */
export interface CleanupStarted {
  site: string;
  operation: Operation;
}

/** POST /api/operations/:site/:id/cancel: the operation, cancelled. */
export interface Cancelled {
  site: string;
  operation: OperationDetail;
}

/** The wizard's actions: the four API actions, with unplanned and point-in-time failover apart. */
export type WizardAction = 'test-failover' | 'test-cleanup' | 'failover' | 'unplanned-failover' | 'point-in-time' | 'failback';

/** A mapping the action will use, with the names on both sites where they could be read. */
export interface PlannedMapping {
  kind: string;
  source_id: string;
  source_name: string | null;
  target_id: string;
  target_name: string | null;
}

/** GET /api/protection-groups/:pg/actions/:action/plan: what the wizard reviews before the pre-check. */
export interface ActionPlan {
  action: WizardAction;
  pg: { id: string; name: string; status: string; replication_type: string };
  /** The site that brings the workload up (the action runs there), and the one it comes from. */
  target_site: string;
  source_site: string | null;
  /** False when the source site does not answer (only an unplanned failover goes on). */
  source_reachable: boolean;
  /** Newest first, on the array of the target site; empty for actions that take none. */
  recovery_points: RecoveryPoint[];
  /** Whether this action takes a recovery point, and whether the user must pick one. */
  recovery_point: 'none' | 'newest' | 'choose';
  /** When the newest recovery point finished transferring (the data-loss window's start). */
  last_sync: string | null;
  mappings: PlannedMapping[];
  /** Networks the members are on that no mapping covers (the pre-check says what that means). */
  unmapped_networks: string[];
  /** Networks on the target a drill may use instead of an isolated one. */
  target_networks: { id: string; name: string }[];
  members: { server_id: string; name: string; boot_order: number }[];
  /** What the action does to data, in plain words, for this PG and these sites. */
  data_loss: string;
  /** True when the PG's name must be typed to start it (unplanned failover, failback). */
  confirm_required: boolean;
}

/** POST …/actions/:action with dry_run: the pre-check report from the site that would run it. */
export interface PrecheckAnswer {
  site: string;
  precheck: PrecheckReport;
}

/** POST …/actions/:action: the operation started and the site running it. */
export interface ActionStarted {
  site: string;
  operation: Operation;
}
