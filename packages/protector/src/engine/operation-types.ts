/**
 * Operation types and their parameters, shared by the API (which records operations) and the
 * engine's workflows (which run them). The PG row holds everything else a workflow needs.
 */
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
  sync: Record<string, never>;
}

export type OperationType = keyof OperationParams;
export const LIFECYCLE_OPERATIONS: readonly OperationType[] = ['pg_create', 'member_add', 'member_remove', 'pg_delete'];
