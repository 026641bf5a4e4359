import type { CommitWindow, MappingOverride } from '@protector/contract';
/**
 * Operation types and their parameters, shared by the API (which records operations) and the
 * engine's workflows (which run them). The PG row holds everything else a workflow needs. The
 * engine parses an operation's recorded params into these once per run (workflows/params.ts).
 */

/** A resource mapping given for one run only (the action's overrides), as the PG's own are stored. */
export type { MappingOverride } from '@protector/contract';

export interface OperationParams {
  /** Creates the PG's Cinder group type and group on both sites and its array construct; PG creating → active. */
  pg_create: Record<string, never>;
  /** Adds a server: its volumes into the Cinder group and the array construct, its ports/flavor/image recorded. */
  member_add: { server_id: string; boot_order: number };
  /** Removes a server: its volumes out of the Cinder group and the array construct, its record deleted. */
  member_remove: { server_id: string };
  /** Deletes the array construct, the Cinder groups (not the volumes) and trusts on both sites, then the PG. */
  pg_delete: Record<string, never>;
  /** On-demand replication (the `sync` action): a snapshot replicated now, waited for until it is a recovery point. */
  replicate: Record<string, never>;
  /**
   * Brings the workload up on the other site. planned: both sites, zero data loss, rolled back
   * on error. unplanned: the surviving site only, from the newest (or the chosen) recovery
   * point, past per-server errors. A `recovery_point_id` makes either a point-in-time failover.
   * `commit_with_run`: a plan run's child, whose commit window its run decides.
   */
  failover: { type: 'planned' | 'unplanned'; recovery_point_id?: string; force?: boolean; mappings?: MappingOverride[]; boot_timeout_seconds?: number; revert_of?: string; commit_window?: CommitWindow; commit_with_run?: boolean };
  /** (Both: `revert_of` names the plan-run child a run's rollback moves back.) */
  /** Back to the original site: resynchronise there, then a planned failover back. */
  failback: { force?: boolean; mappings?: MappingOverride[]; boot_timeout_seconds?: number; revert_of?: string };
  /** A drill on the secondary from the newest (or the chosen) recovery point; production untouched. */
  test_failover: { recovery_point_id?: string; network_id?: string; mappings?: MappingOverride[]; boot_timeout_seconds?: number };
  /** Removes exactly what the drill created; `force` forgets what could not be removed. */
  test_cleanup: { force?: boolean };
  /** Removes the old primary's servers and volume records after a failover (retry of its last step). */
  cleanup: { operation_id: string };
  /** A recovery plan run: releases its children tier by tier, waits between tiers (engine/plan-runs.ts has its params). */
  plan_run: Record<string, unknown>;
}

export type OperationType = keyof OperationParams;
export const LIFECYCLE_OPERATIONS: readonly OperationType[] = ['pg_create', 'member_add', 'member_remove', 'pg_delete'];
/** The DR actions of DESIGN §6; each runs on the site that ends up running the workload. */
export const DR_OPERATIONS: readonly OperationType[] = ['failover', 'failback', 'test_failover', 'test_cleanup', 'cleanup'];
/** Operations that only coordinate others (a plan run polls its children): slots of their own, so they never hold the slots their children need. */
export const PLAN_OPERATIONS: readonly OperationType[] = ['plan_run'];

/**
 * The kinds of work an engine has separate slots for ([engine] dr_concurrency and
 * lifecycle_concurrency), so a failover never waits behind protection group creations; and plan
 * runs, which wait on their children and must never take the slots those need.
 */
export type WorkClass = 'dr' | 'lifecycle' | 'plan';
export const WORK_CLASSES: readonly WorkClass[] = ['dr', 'lifecycle', 'plan'];

/** A DR action is `dr`, a plan run `plan`; everything else (lifecycle, replicate now, types this code does not know) is `lifecycle`. */
export const workClassOf = (type: string): WorkClass => ((DR_OPERATIONS as readonly string[]).includes(type) ? 'dr' : (PLAN_OPERATIONS as readonly string[]).includes(type) ? 'plan' : 'lifecycle');
