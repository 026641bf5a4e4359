import type { VersionDocument } from '@protector/contract';
import type { ProtectorTransport } from './transport.js';

export type { VersionDocument, VersionsDocument } from '@protector/contract';

/** Version discovery: what the service offers, and what this client settled on. */
export class VersionsApi {
  constructor(private readonly t: ProtectorTransport) {}

  /** `GET /` of the endpoint root. */
  list(): Promise<VersionDocument[]> {
    return this.t.versions();
  }

  /** The microversion this client sends (`OpenStack-API-Version: protector X.Y`). */
  negotiated(): Promise<string> {
    return this.t.apiVersion();
  }
}
