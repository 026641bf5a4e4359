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
  created_at: Timestamp;
  updated_at: Timestamp;
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
