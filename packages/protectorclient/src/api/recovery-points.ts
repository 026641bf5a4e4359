import type { RecoveryPoint } from '@protector/contract';
import type { ListOptions } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type { RecoveryPoint } from '@protector/contract';

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
