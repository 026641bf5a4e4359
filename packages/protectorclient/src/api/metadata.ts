import type { MetadataAck, SyncStatus } from '@protector/contract';
import type { Member } from './members.js';
import type { PolicyInput } from './policy.js';
import type { ProtectionGroup, SyncState } from './protection-groups.js';
import type { ResourceMapping } from './resource-mappings.js';
import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

/** The cross-site document of one PG (DESIGN §5): what the peer site stores. */
export interface MetadataDocument {
  protection_group: Pick<ProtectionGroup, 'id' | 'name' | 'description' | 'replication_type' | 'status' | 'primary_site_id' | 'secondary_site_id' | 'current_primary_site_id' | 'resources'>;
  /** The pair's site ids and names: the receiving site translates ids by name. */
  sites: { id: string; name: string }[];
  members: Pick<Member, 'server_id' | 'name' | 'boot_order' | 'details'>[];
  policy: PolicyInput;
  resource_mappings: ResourceMapping[];
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

export type { MetadataAck, SyncStatus } from '@protector/contract';

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
