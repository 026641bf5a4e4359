import { Type, type Static } from 'typebox';
import { Id, NoQuery, Obj, Ref, StringEnum } from './common.js';
import { answers } from './errors.js';
import { PgParams } from './tenant.js';

export const MAPPING_KINDS = ['network', 'subnet', 'security_group', 'flavor', 'image', 'availability_zone', 'volume_type', 'keypair'] as const;
export const MappingKind = StringEnum(MAPPING_KINDS);
export type MappingKind = Static<typeof MappingKind>;

/** How a resource on one site translates to the other (source on `source_site_id`). */
export const ResourceMapping = Obj({
  kind: MappingKind,
  source_site_id: Id,
  source_id: Ref,
  target_id: Ref,
});
export type ResourceMapping = Static<typeof ResourceMapping>;

const MappingsBody = Obj({ resource_mappings: Type.Array(ResourceMapping, { maxItems: 1000 }) });
const MappingsAnswer = Type.Object({ resource_mappings: Type.Array(ResourceMapping) }, { description: 'The resource mappings' });

/** `…/{pg}/resource-mappings`: how networks, flavors, images… on one site translate to the other. */
export const ResourceMappingRoutes = {
  show: { params: PgParams, querystring: NoQuery, response: answers({ 200: MappingsAnswer }) },
  replace: { params: PgParams, querystring: NoQuery, body: MappingsBody, response: answers({ 200: MappingsAnswer }) },
};
