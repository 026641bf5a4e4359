import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type MappingKind = 'network' | 'subnet' | 'security_group' | 'flavor' | 'image' | 'availability_zone' | 'volume_type' | 'keypair';
export const MAPPING_KINDS: readonly MappingKind[] = ['network', 'subnet', 'security_group', 'flavor', 'image', 'availability_zone', 'volume_type', 'keypair'];

/** How a resource on one site translates to the other (source on `source_site_id`). */
export interface ResourceMapping {
  kind: MappingKind;
  source_site_id: string;
  source_id: string;
  target_id: string;
}

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
