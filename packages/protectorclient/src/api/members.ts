import type { ListOptions, Timestamp } from './common.js';
import { compact } from './common.js';
import type { Operation } from './operations.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

/** A port of a member as recorded when it was added, so failover can recreate it. */
export interface MemberPort {
  id: string;
  network_id: string;
  mac_address: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  security_group_ids: string[];
}

export interface MemberVolume {
  volume_id: string;
  device: string;
  boot_index: number | null;
  volume_type: string;
  size_gb: number;
  array_volume: string;
}

export interface MemberDetails {
  flavor_id: string;
  flavor_name: string;
  image_id: string | null;
  availability_zone: string | null;
  key_name: string | null;
  ports: MemberPort[];
  volumes: MemberVolume[];
}

/** A server in a protection group. */
export interface Member {
  id: string;
  pg_id: string;
  server_id: string;
  name: string;
  boot_order: number;
  details: MemberDetails;
  created_at: Timestamp;
}

export interface MemberAdd {
  server_id: string;
  /** Tier in which it boots on failover; default after the current last. */
  boot_order?: number;
}

/** `…/protection-groups/{pg}/members`: adding and removing are operations (202). */
export class MembersApi {
  constructor(private readonly t: ProtectorTransport) {}

  private path(pgId: string, suffix = ''): Promise<string> {
    return this.t.projectPath(`/protection-groups/${seg(pgId)}/members${suffix}`);
  }

  async list(pgId: string, opts: ListOptions = {}): Promise<Member[]> {
    return this.t.listAll<Member>(await this.path(pgId), 'members', { ...opts });
  }

  async listPage(pgId: string, opts: ListOptions = {}): Promise<ListPage<Member>> {
    return this.t.listPage<Member>(await this.path(pgId), 'members', { ...opts });
  }

  async add(pgId: string, member: MemberAdd): Promise<Operation> {
    return (await this.t.post<{ operation: Operation }>(await this.path(pgId), { member: compact(member) })).operation;
  }

  async remove(pgId: string, serverId: string): Promise<Operation> {
    return (await this.t.delete<{ operation: Operation }>(await this.path(pgId, `/${seg(serverId)}`))).operation;
  }
}
