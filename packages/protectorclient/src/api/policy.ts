import type { Policy, PolicyInput } from '@protector/contract';
import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type { Policy, PolicyInput, RetentionSettings } from '@protector/contract';

/** `…/protection-groups/{pg}/policy`. */
export class PolicyApi {
  constructor(private readonly t: ProtectorTransport) {}

  private path(pgId: string): Promise<string> {
    return this.t.projectPath(`/protection-groups/${seg(pgId)}/policy`);
  }

  async get(pgId: string): Promise<Policy> {
    return (await this.t.get<{ policy: Policy }>(await this.path(pgId))).policy;
  }

  /** Creates or replaces the policy (a metadata change: version + 1, out_of_sync). */
  async set(pgId: string, policy: PolicyInput): Promise<Policy> {
    return (await this.t.put<{ policy: Policy }>(await this.path(pgId), { policy })).policy;
  }
}
