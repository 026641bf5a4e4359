import type { ResourceMapping } from '@protector/contract';
import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export { MAPPING_KINDS, formatReipRule, parseReipRule, type MappingKind, type ReipRule, type ResourceMapping } from '@protector/contract';

/** `…/protection-groups/{pg}/resource-mappings`. */
export class ResourceMappingsApi {
  constructor(private readonly t: ProtectorTransport) {}

  private path(pgId: string): Promise<string> {
    return this.t.projectPath(`/protection-groups/${seg(pgId)}/resource-mappings`);
  }

  async get(pgId: string): Promise<ResourceMapping[]> {
    return (await this.t.get<{ resource_mappings: ResourceMapping[] }>(await this.path(pgId))).resource_mappings;
  }

  /** Replaces the whole list (a metadata change: version + 1, out_of_sync). */
  async replace(pgId: string, mappings: readonly ResourceMapping[]): Promise<ResourceMapping[]> {
    return (await this.t.put<{ resource_mappings: ResourceMapping[] }>(await this.path(pgId), { resource_mappings: mappings })).resource_mappings;
  }
}
