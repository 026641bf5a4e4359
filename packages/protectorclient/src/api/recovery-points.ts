import type { ListOptions, Timestamp } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

/** A point the PG can be recovered to, on the array holding it. */
export interface RecoveryPoint {
  /** As named on the array: `<source array>:<group>.<suffix>` (async) or `now` (sync). */
  id: string;
  kind: 'snapshot' | 'now';
  array: string;
  /** The instant the data is from. */
  created_at: Timestamp;
  /** When the transfer completed. */
  completed_at: Timestamp;
  /** Source-side array volume names it holds. */
  volumes: string[];
}

/** `…/protection-groups/{pg}/recovery-points` (newest first by default). */
export class RecoveryPointsApi {
  constructor(private readonly t: ProtectorTransport) {}

  private path(pgId: string): Promise<string> {
    return this.t.projectPath(`/protection-groups/${seg(pgId)}/recovery-points`);
  }

  async list(pgId: string, opts: ListOptions = {}): Promise<RecoveryPoint[]> {
    return this.t.listAll<RecoveryPoint>(await this.path(pgId), 'recovery_points', { ...opts });
  }

  async listPage(pgId: string, opts: ListOptions = {}): Promise<ListPage<RecoveryPoint>> {
    return this.t.listPage<RecoveryPoint>(await this.path(pgId), 'recovery_points', { ...opts });
  }
}
