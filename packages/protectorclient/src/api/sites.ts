import type { BulkOperationAnswer, BulkPrecheckReport, ReplicatedVolumeType, Site, SiteCreate, SiteFailoverBody, SitePairing, SiteUpdate, SiteValidation } from '@protector/contract';
import type { ListOptions } from './common.js';
import { compact } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type { ReplicatedVolumeType, Site, SiteArray, SiteFailoverBody, SiteCheck, SiteCheckService, SiteCreate, SiteCredentials, SitePairing, SiteUpdate, SiteValidation } from '@protector/contract';

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

  /**
   * Fails over every protection group of the lost site, across projects, from this (the
   * surviving) site: one generated plan run (202), or with dry_run every PG's pre-check report.
   */
  async failover(body: SiteFailoverBody): Promise<BulkOperationAnswer | { precheck: BulkPrecheckReport }> {
    return this.t.post<BulkOperationAnswer | { precheck: BulkPrecheckReport }>('/admin/site-failover', body);
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
