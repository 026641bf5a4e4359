import type { Metadata, MetadataAck, MetadataPush, SyncStatus } from '@protector/contract';
import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

/*
 * The cross-site document of one PG (DESIGN §5, docs/metadata.md): the user's part is relayed as
 * it is; `facts` are what a site's engine established, signed by the site that handed the
 * document out, with the trust ids sealed. The client relays documents and can change nothing in
 * the facts.
 */
export type { DocumentFacts, Metadata, MetadataAck, MetadataDocument, MetadataPush, SyncStatus } from '@protector/contract';

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
