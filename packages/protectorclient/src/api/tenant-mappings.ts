import type { ListOptions, Timestamp } from './common.js';
import { compact } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

/** Which project on the peer site stands for a local project. */
export interface TenantMapping {
  id: string;
  local_project_id: string;
  remote_site_id: string;
  remote_project_id: string;
  description: string;
  created_at: Timestamp;
}

export interface TenantMappingCreate {
  local_project_id: string;
  remote_site_id: string;
  remote_project_id: string;
  description?: string;
}

export type TenantMappingListOptions = ListOptions & { local_project_id?: string };

/** `/v1/admin/tenant-mappings` (admin only). */
export class TenantMappingsApi {
  private readonly path = '/admin/tenant-mappings';

  constructor(private readonly t: ProtectorTransport) {}

  list(opts: TenantMappingListOptions = {}): Promise<TenantMapping[]> {
    return this.t.listAll<TenantMapping>(this.path, 'tenant_mappings', { ...opts });
  }

  listPage(opts: TenantMappingListOptions = {}): Promise<ListPage<TenantMapping>> {
    return this.t.listPage<TenantMapping>(this.path, 'tenant_mappings', { ...opts });
  }

  async get(id: string): Promise<TenantMapping> {
    return (await this.t.get<{ tenant_mapping: TenantMapping }>(`${this.path}/${seg(id)}`)).tenant_mapping;
  }

  async create(mapping: TenantMappingCreate): Promise<TenantMapping> {
    return (await this.t.post<{ tenant_mapping: TenantMapping }>(this.path, { tenant_mapping: compact(mapping) })).tenant_mapping;
  }

  async delete(id: string): Promise<void> {
    await this.t.delete(`${this.path}/${seg(id)}`);
  }
}
