import type { PgHealth } from '@protector/contract';
import type { ProtectorTransport } from './transport.js';

export type { PgHealth } from '@protector/contract';

/** `/v1/{project_id}/health`. */
export class HealthApi {
  constructor(private readonly t: ProtectorTransport) {}

  async get(): Promise<PgHealth[]> {
    return (await this.t.get<{ health: PgHealth[] }>(await this.t.projectPath('/health'))).health;
  }
}
