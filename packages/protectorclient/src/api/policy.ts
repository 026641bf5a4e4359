import type { Timestamp } from './common.js';
import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export interface RetentionSettings {
  /** Keep every snapshot for this many seconds… */
  all_for_sec: number;
  /** …then this many per day… */
  per_day: number;
  /** …for this many days. */
  days: number;
}

/** What a PUT sets: replication interval, RPO target and retention on both arrays. */
export interface PolicyInput {
  interval_minutes: number;
  /** Must not be shorter than interval_minutes. */
  rpo_minutes: number;
  retention: { source: RetentionSettings; target: RetentionSettings };
}

export interface Policy extends PolicyInput {
  pg_id: string;
  updated_at: Timestamp;
}

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
