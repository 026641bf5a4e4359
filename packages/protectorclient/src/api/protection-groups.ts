import type { ListOptions, ReplicationType, Timestamp } from './common.js';
import { compact } from './common.js';
import type { Operation } from './operations.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type PgStatus =
  | 'creating'
  | 'active'
  | 'failing_over'
  | 'failed_over'
  | 'failed_over_partial'
  | 'failing_back'
  | 'testing'
  | 'test_failed_over'
  | 'deleting'
  | 'error';

export type SyncState = 'in_sync' | 'out_of_sync';

/** What a PG created on one site: Cinder group type and group, the trust. */
export interface PgSiteResources {
  group_type_id?: string;
  group_id?: string;
  trust_id?: string;
}

/** The array construct: async protection group or sync pod. */
export interface ReplicationGroupHandle {
  type: ReplicationType;
  name: string;
  sourceArray: string;
  targetArray: string;
}

/** What a failover or drill brought up on its target site. */
export interface BroughtUp {
  operation_id: string;
  site_id: string;
  recovery_point: string | null;
  /** Epoch ms of the recovery point's data. */
  recovery_point_time: number | null;
  networks: string[];
  subnets: string[];
  array_volumes: Record<string, string>;
  volumes: Record<string, { volume_id: string; array_volume: string }>;
  ports: Record<string, string>;
  servers: Record<string, string>;
  errors: Record<string, string>;
}

/** The old primary's copies after a failover, waiting for cleanup. */
export interface Leftovers {
  operation_id: string;
  site_id: string;
  fenced: boolean;
  servers: string[];
  volumes: string[];
  ports: string[];
}

export interface PgResources {
  sites: Record<string, PgSiteResources>;
  array?: ReplicationGroupHandle;
  failover?: BroughtUp;
  drill?: BroughtUp;
  leftovers?: Leftovers;
  reverse_pending?: boolean;
}

export interface ProtectionGroup {
  id: string;
  project_id: string;
  name: string;
  description: string;
  replication_type: ReplicationType;
  status: PgStatus;
  primary_site_id: string;
  secondary_site_id: string;
  current_primary_site_id: string;
  metadata_version: number;
  sync_state: SyncState;
  active_operation_id: string | null;
  resources: PgResources;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProtectionGroupCreate {
  name: string;
  description?: string;
  replication_type: ReplicationType;
}

export interface ProtectionGroupUpdate {
  name?: string;
  description?: string;
}

/** Creation and deletion are operations: the PG as it is now, and the operation doing the work. */
export interface ProtectionGroupWithOperation {
  protection_group: ProtectionGroup;
  operation: Operation;
}

export type ProtectionGroupListOptions = ListOptions & { name?: string; status?: PgStatus };

/** The header carrying the caller's token for the peer site (DESIGN §5). */
export const PEER_AUTH_HEADER = 'X-Peer-Auth-Token';

/** `/v1/{project_id}/protection-groups`. */
export class ProtectionGroupsApi {
  constructor(private readonly t: ProtectorTransport) {}

  private async path(suffix = ''): Promise<string> {
    return this.t.projectPath(`/protection-groups${suffix}`);
  }

  async list(opts: ProtectionGroupListOptions = {}): Promise<ProtectionGroup[]> {
    return this.t.listAll<ProtectionGroup>(await this.path(), 'protection_groups', { ...opts });
  }

  async listPage(opts: ProtectionGroupListOptions = {}): Promise<ListPage<ProtectionGroup>> {
    return this.t.listPage<ProtectionGroup>(await this.path(), 'protection_groups', { ...opts });
  }

  async get(id: string): Promise<ProtectionGroup> {
    return (await this.t.get<{ protection_group: ProtectionGroup }>(await this.path(`/${seg(id)}`))).protection_group;
  }

  /**
   * Creates a PG (202). `peerToken` is the caller's token on the peer site, used once there for
   * the trust (`X-Peer-Auth-Token`). The PG starts out_of_sync at version 1: push its metadata
   * to the peer and acknowledge it.
   */
  async create(pg: ProtectionGroupCreate, opts: { peerToken: string }): Promise<ProtectionGroupWithOperation> {
    return this.t.post<ProtectionGroupWithOperation>(await this.path(), { protection_group: compact(pg) }, { [PEER_AUTH_HEADER]: opts.peerToken });
  }

  async update(id: string, change: ProtectionGroupUpdate): Promise<ProtectionGroup> {
    return (await this.t.put<{ protection_group: ProtectionGroup }>(await this.path(`/${seg(id)}`), { protection_group: compact(change) })).protection_group;
  }

  /** Deletion is an operation (202): the PG is `deleting` until it finishes. */
  async delete(id: string): Promise<ProtectionGroupWithOperation> {
    return this.t.delete<ProtectionGroupWithOperation>(await this.path(`/${seg(id)}`));
  }
}
