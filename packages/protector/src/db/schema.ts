import type { Generated } from 'kysely';

/*
 * Row types of every table, as Kysely sees them. Times are milliseconds since the epoch (BIGINT):
 * the same on SQLite and MariaDB, sortable, and formatted as ISO 8601 only at the API. JSON
 * documents are TEXT, parsed by the repositories. Booleans are 0/1 integers.
 */

export interface SitesTable {
  id: string;
  name: string;
  description: string;
  /** Whether this row is the site this service runs on. */
  is_local: number;
  auth_url: string;
  region_name: string;
  /** Service credentials for this site's Keystone, encrypted (secrets.ts). */
  credentials: string;
  /** Array endpoint and API token, encrypted. */
  array_config: string;
  /** The pair's shared pairing secret (on the peer site's row), sealed; null until paired. */
  pairing: string | null;
  created_at: number;
  updated_at: number;
}

export interface TenantMappingsTable {
  id: string;
  local_project_id: string;
  remote_site_id: string;
  remote_project_id: string;
  description: string;
  created_at: number;
}

export interface ProtectionGroupsTable {
  id: string;
  project_id: string;
  name: string;
  description: string;
  replication_type: 'async' | 'sync';
  status: string;
  primary_site_id: string;
  secondary_site_id: string;
  current_primary_site_id: string;
  metadata_version: number;
  sync_state: 'in_sync' | 'out_of_sync';
  /** The operation running on this PG; set by a conditional update, so two can never start. */
  active_operation_id: string | null;
  /** Cinder group type and group on each site, array construct handle, trust ids: JSON. */
  resources: string;
  created_at: number;
  updated_at: number;
}

export interface MembersTable {
  id: string;
  pg_id: string;
  server_id: string;
  name: string;
  boot_order: number;
  /** Flavor, image, ports (IPs, MACs, security groups), volumes with types and devices: JSON. */
  details: string;
  created_at: number;
}

export interface ReplicationPoliciesTable {
  pg_id: string;
  interval_minutes: number;
  rpo_minutes: number;
  /** Source and target retention: JSON. */
  retention: string;
  updated_at: number;
}

export interface ResourceMappingsTable {
  id: Generated<number>;
  /** Null: a default for the site pair. */
  pg_id: string | null;
  kind: string;
  source_site_id: string;
  source_id: string;
  target_id: string;
  /** JSON: a network mapping's re-IP rules; null when it has none. */
  reip_rules: string | null;
}

export interface OperationsTable {
  id: string;
  project_id: string;
  pg_id: string | null;
  /** A bulk action's child names its parent operation (whose state is its children's). */
  parent_id: string | null;
  /** Why a pending child may not be claimed yet (a plan run's tier not yet released); null: claimable. */
  hold: string | null;
  type: string;
  status: string;
  progress: number;
  /** Request parameters, result and per-step report: JSON. */
  params: string;
  result: string;
  error: string | null;
  request_id: string;
  user_id: string;
  /** Engine holding the lease, and until when; another engine may take an expired lease. */
  lease_owner: string | null;
  lease_expires_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface OperationStepsTable {
  operation_id: string;
  seq: number;
  name: string;
  status: string;
  detail: string;
  error: string | null;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
}

/** The database bus: operation ids waiting for an engine. */
export interface BusMessagesTable {
  id: Generated<number>;
  topic: string;
  payload: string;
  created_at: number;
  claimed_by: string | null;
  claimed_at: number | null;
}

/** A protector-engine or protector-api process and its heartbeat (`protector-manage service list`). */
export interface ServicesTable {
  id: Generated<number>;
  host: string;
  /** protector-engine or protector-api. */
  binary: string;
  pid: number;
  version: string;
  started_at: number;
  /** The last heartbeat; older than [DEFAULT] service_down_time, the service counts as down. */
  last_seen: number;
  /** Set by a graceful stop: the service is down at once, whatever its last heartbeat. */
  stopped_at: number | null;
}

/** A PG's replication state as an engine last read it from the arrays (health answers from it). */
export interface ReplicationStateTable {
  pg_id: string;
  /** The handle's direction when read (it swaps when replication is reversed). */
  source_array: string;
  target_array: string;
  /** 'connected' | 'down'; null when the read failed before the link was known. */
  link: string | null;
  source_reachable: number | null;
  target_reachable: number | null;
  /** Age of the newest recovery point at checked_at; null when none (or the target could not be asked). */
  lag_ms: number | null;
  newest_recovery_point: string | null;
  last_transfer_at: number | null;
  /** Transfers in flight at checked_at: JSON `[{recovery_point, progress}]`. */
  transfers: string;
  detail: string;
  /** Why the read of this PG failed; null when it succeeded. */
  error: string | null;
  checked_at: number;
  /** The engine (owner) that read it. */
  checked_by: string;
}

/** Background jobs one engine of a site does per interval: the holder of an unexpired lease. */
export interface RefreshLeasesTable {
  name: string;
  owner: string | null;
  expires_at: number;
}

export interface RecoveryPlansTable {
  id: string;
  project_id: string;
  name: string;
  description: string;
  /** Bumped by every change; a run records the version it ran. */
  version: number;
  /** The ordered tiers: JSON. */
  tiers: string;
  /** The outbound HTTP callouts: JSON, each secret sealed. */
  hooks: string;
  /** The commit policy of planned and point-in-time runs: JSON, null when none is set. */
  commit_window: string | null;
  /** The run holding the plan (one at a time). */
  active_run_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface Database {
  sites: SitesTable;
  tenant_mappings: TenantMappingsTable;
  protection_groups: ProtectionGroupsTable;
  members: MembersTable;
  replication_policies: ReplicationPoliciesTable;
  resource_mappings: ResourceMappingsTable;
  operations: OperationsTable;
  operation_steps: OperationStepsTable;
  bus_messages: BusMessagesTable;
  services: ServicesTable;
  replication_state: ReplicationStateTable;
  refresh_leases: RefreshLeasesTable;
  recovery_plans: RecoveryPlansTable;
}
