import type { TenantMapping, TenantMappingCreate } from '@protector/contract';
import type { ListOptions } from './common.js';
import { compact } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type { TenantMapping, TenantMappingCreate } from '@protector/contract';

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
