import type { ListOptions, Timestamp } from './common.js';
import { compact } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

/** The service credentials Protector keeps for a site (the password only with `showSecrets`). */
export interface SiteCredentials {
  username: string;
  user_domain_name: string;
  project_name: string;
  project_domain_name: string;
  password?: string;
}

export interface SiteArray {
  name: string;
  url: string | null;
  /** Only with `showSecrets`. */
  api_token?: string | null;
}

/** A registered site (`/v1/admin/sites`). */
export interface Site {
  id: string;
  name: string;
  description: string;
  is_local: boolean;
  auth_url: string;
  region_name: string;
  credentials: SiteCredentials;
  array: SiteArray;
  /** Whether this service shares a pairing secret with the (peer) site; the secret is never shown. */
  paired: boolean;
  paired_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The answer to setting a pairing secret. */
export interface SitePairing {
  site_id: string;
  site_name: string;
  paired: boolean;
  /** A secret was set before: this one replaced it (the one before still verifies). */
  rotated: boolean;
  paired_at: Timestamp | null;
}

export interface SiteCreate {
  name: string;
  description?: string;
  /** The site this Protector service runs on (one per service). */
  is_local?: boolean;
  auth_url: string;
  region_name: string;
  credentials: { username: string; password: string; user_domain_name?: string; project_name: string; project_domain_name?: string };
  array: { name: string; url?: string | null; api_token?: string | null };
}

export interface SiteUpdate {
  name?: string;
  description?: string;
  auth_url?: string;
  region_name?: string;
  credentials?: Partial<SiteCreate['credentials']>;
  array?: Partial<SiteCreate['array']>;
}

export type SiteCheckService = 'keystone' | 'nova' | 'cinder' | 'neutron' | 'glance' | 'array';

export interface SiteCheck {
  service: SiteCheckService;
  status: 'ok' | 'error';
  detail: string;
}

/** `POST …/sites/{id}/validate`: every service of the site checked with the stored credentials. */
export interface SiteValidation {
  site_id: string;
  ok: boolean;
  checks: SiteCheck[];
}

/** A volume type Protector can protect: replication on, of one replication type. */
export interface ReplicatedVolumeType {
  id: string;
  name: string;
  replication_type: 'async' | 'sync';
  extra_specs: Record<string, string>;
}

/** `/v1/admin/sites` (admin only). */
export class SitesApi {
  private readonly path = '/admin/sites';

  constructor(private readonly t: ProtectorTransport) {}

  /** Every site, following the next links. */
  list(opts: ListOptions = {}): Promise<Site[]> {
    return this.t.listAll<Site>(this.path, 'sites', { ...opts });
  }

  listPage(opts: ListOptions = {}): Promise<ListPage<Site>> {
    return this.t.listPage<Site>(this.path, 'sites', { ...opts });
  }

  async get(id: string, opts: { showSecrets?: boolean } = {}): Promise<Site> {
    return (await this.t.get<{ site: Site }>(`${this.path}/${seg(id)}`, opts.showSecrets ? { show_secrets: true } : undefined)).site;
  }

  async create(site: SiteCreate): Promise<Site> {
    return (await this.t.post<{ site: Site }>(this.path, { site: compact(site) })).site;
  }

  async update(id: string, change: SiteUpdate): Promise<Site> {
    return (await this.t.put<{ site: Site }>(`${this.path}/${seg(id)}`, { site: compact(change) })).site;
  }

  /** Stores the secret this site shares with its peer on the peer's registration `id` (DESIGN §5.6). */
  async pair(id: string, secret: string): Promise<SitePairing> {
    return (await this.t.put<{ pairing: SitePairing }>(`${this.path}/${seg(id)}/pairing`, { pairing: { secret } })).pairing;
  }

  async delete(id: string): Promise<void> {
    await this.t.delete(`${this.path}/${seg(id)}`);
  }

  async validate(id: string): Promise<SiteValidation> {
    return (await this.t.post<{ validation: SiteValidation }>(`${this.path}/${seg(id)}/validate`)).validation;
  }

  async volumeTypes(id: string): Promise<ReplicatedVolumeType[]> {
    return (await this.t.get<{ volume_types: ReplicatedVolumeType[] }>(`${this.path}/${seg(id)}/volume-types`)).volume_types;
  }
}
