import { PEER_AUTH_HEADER, type PgStatus, type ProtectionGroup, type ProtectionGroupCreate, type ProtectionGroupUpdate, type ProtectionGroupWithOperation } from '@protector/contract';
import type { ListOptions } from './common.js';
import { compact } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type {
  BroughtUp,
  Leftovers,
  PgResources,
  PgSiteResources,
  PgStatus,
  ProtectionGroup,
  ProtectionGroupCreate,
  ProtectionGroupUpdate,
  ProtectionGroupWithOperation,
  ReplicationGroupHandle,
  SyncState,
} from '@protector/contract';

export type ProtectionGroupListOptions = ListOptions & { name?: string; status?: PgStatus };

export { PEER_AUTH_HEADER };

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

  /** With `showSecrets` (callers allowed protector:secrets:show), the trust ids under `resources.sites`. */
  async get(id: string, opts: { showSecrets?: boolean } = {}): Promise<ProtectionGroup> {
    return (await this.t.get<{ protection_group: ProtectionGroup }>(await this.path(`/${seg(id)}`), opts.showSecrets ? { show_secrets: true } : undefined)).protection_group;
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
