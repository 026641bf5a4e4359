import type { Timestamp } from './common.js';
import type { Member } from './members.js';
import type { PolicyInput } from './policy.js';
import type { PgStatus, ProtectionGroup, SyncState } from './protection-groups.js';
import type { ResourceMapping } from './resource-mappings.js';
import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

/**
 * The cross-site document of one PG (DESIGN §5): what the peer site stores. The user's part
 * (name, members, policy, mappings) is relayed as it is; `facts` are what a site's engine
 * established, signed by the site that handed the document out (`signature`), with the trust ids
 * sealed: the client relays them and can change nothing in them.
 */
export interface MetadataDocument {
  protection_group: Pick<ProtectionGroup, 'id' | 'name' | 'description' | 'replication_type'>;
  /** The pair's site ids and names: the receiving site translates ids by name. */
  sites: { id: string; name: string }[];
  members: Pick<Member, 'server_id' | 'name' | 'boot_order'>[];
  policy: PolicyInput;
  resource_mappings: ResourceMapping[];
  facts: {
    signed_by: string;
    project_id: string;
    version: number;
    status: PgStatus;
    primary_site_id: string;
    secondary_site_id: string;
    current_primary_site_id: string;
    resources: Record<string, unknown>;
    members: Record<string, Member['details']>;
    trusts: string | null;
  };
  signature: string | null;
}

export interface Metadata {
  version: number;
  sync_state: SyncState;
  document: MetadataDocument;
}

export interface MetadataPush {
  /** The version the receiving site holds now (0 when it does not know the PG). */
  expected_version: number;
  /** The version being stored; newer than expected_version. */
  version: number;
  document: MetadataDocument;
}

export interface MetadataAck {
  version: number;
  sync_state: SyncState;
}

/** `…/sync-status`: where the PG's metadata stands on this site. */
export interface SyncStatus {
  protection_group_id: string;
  /** The site answering (its id in that site's registry, and its registered name). */
  site_id: string | null;
  site_name: string | null;
  metadata_version: number;
  sync_state: SyncState;
  status: PgStatus;
  current_primary_site_id: string;
  active_operation_id: string | null;
  /** False while out_of_sync: the site refuses changes until a push is acknowledged. */
  changes_allowed: boolean;
  updated_at: Timestamp;
  rpo_minutes: number | null;
  interval_minutes: number | null;
}

/** `…/protection-groups/{pg}/metadata`, `…/metadata/ack` and `…/sync-status`. */
export class MetadataApi {
  constructor(private readonly t: ProtectorTransport) {}

  private path(pgId: string, suffix: string): Promise<string> {
    return this.t.projectPath(`/protection-groups/${seg(pgId)}${suffix}`);
  }

  async get(pgId: string): Promise<Metadata> {
    return (await this.t.get<{ metadata: Metadata }>(await this.path(pgId, '/metadata'))).metadata;
  }

  /** Stores the peer's document here if this site still holds `expected_version` (else 409). */
  async push(pgId: string, push: MetadataPush): Promise<Metadata> {
    return (await this.t.put<{ metadata: Metadata }>(await this.path(pgId, '/metadata'), { metadata: push })).metadata;
  }

  /** Tells this site the peer stored `version`: the PG is in_sync again. */
  async ack(pgId: string, version: number): Promise<MetadataAck> {
    return (await this.t.post<{ metadata: MetadataAck }>(await this.path(pgId, '/metadata/ack'), { version })).metadata;
  }

  async syncStatus(pgId: string): Promise<SyncStatus> {
    return (await this.t.get<{ sync_status: SyncStatus }>(await this.path(pgId, '/sync-status'))).sync_status;
  }
}
