import type { Member, MemberAdd, Operation } from '@protector/contract';
import type { ListOptions } from './common.js';
import { compact } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type { Member, MemberAdd, MemberDetails, MemberPort, MemberVolume } from '@protector/contract';

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
