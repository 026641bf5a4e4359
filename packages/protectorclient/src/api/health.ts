import type { ReplicationType, Timestamp } from './common.js';
import type { PgStatus } from './protection-groups.js';
import type { ProtectorTransport } from './transport.js';

/** Replication health of one PG. */
export interface PgHealth {
  protection_group_id: string;
  name: string;
  status: PgStatus;
  replication_type: ReplicationType;
  /** The replication link as the array reports it; null before the array construct exists. */
  link: string | null;
  lag_seconds: number | null;
  newest_recovery_point: string | null;
  last_transfer_at: Timestamp | null;
  rpo_minutes: number;
  rpo_compliant: boolean;
  failover_ready: boolean;
  /** Why not failover_ready (empty when ready). */
  reasons: string[];
}

/** `/v1/{project_id}/health`. */
export class HealthApi {
  constructor(private readonly t: ProtectorTransport) {}

  async get(): Promise<PgHealth[]> {
    return (await this.t.get<{ health: PgHealth[] }>(await this.t.projectPath('/health'))).health;
  }
}
