import type { ProtectorTransport } from './transport.js';

/** One API version as `GET /` and `GET /v1` describe it. */
export interface VersionDocument {
  /** `v1.0`. */
  id: string;
  status: 'CURRENT' | 'SUPPORTED' | 'DEPRECATED' | string;
  /** Highest microversion, e.g. `1.0`. */
  version: string;
  min_version: string;
  updated: string;
  links: { rel: string; href: string }[];
  'media-types'?: { base: string; type: string }[];
}

export interface VersionsDocument {
  versions: VersionDocument[];
}

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
