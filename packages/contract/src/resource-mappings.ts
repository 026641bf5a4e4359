import { Type, type Static } from 'typebox';
import { Id, NoQuery, Obj, Ref, StringEnum } from './common.js';
import { answers } from './errors.js';
import { PgParams } from './tenant.js';

export const MAPPING_KINDS = ['network', 'subnet', 'security_group', 'flavor', 'image', 'availability_zone', 'volume_type', 'keypair'] as const;
export const MappingKind = StringEnum(MAPPING_KINDS);
export type MappingKind = Static<typeof MappingKind>;

// The shapes only: reip-rules.ts checks what a pattern cannot (families, host bits, order).
const CidrText = Type.String({ minLength: 3, maxLength: 64, pattern: '^[0-9A-Fa-f:.]+/[0-9]{1,3}$', description: 'An IPv4 or IPv6 network in CIDR notation, host bits zero (10.2.0.0/24)' });
const IpText = Type.String({ minLength: 2, maxLength: 45, pattern: '^[0-9A-Fa-f:.]+$', description: 'An IPv4 or IPv6 address' });

/**
 * A re-IP rule of a network mapping (VMware SRM's IP customisation rule): a port whose address
 * the target network cannot keep, and which lies in `source_cidr`, gets the address at the same
 * host offset in `target_cidr` (the next free one when that is taken). `gateway_ip` and
 * `dns_nameservers` state what the target subnet should hand out; a subnet that differs is a
 * pre-check warning, never changed (docs/re-ip.md).
 */
export const ReipRule = Obj({
  source_cidr: CidrText,
  target_cidr: CidrText,
  gateway_ip: Type.Optional(IpText),
  /** At most five, as Neutron's default `max_dns_nameservers`. */
  dns_nameservers: Type.Optional(Type.Array(IpText, { maxItems: 5 })),
});
export type ReipRule = Static<typeof ReipRule>;

/** Rules of one network mapping, the first whose source CIDR contains an address applies. */
export const ReipRules = Type.Array(ReipRule, { maxItems: 64, description: 'Network mappings only: ordered re-IP rules, the first whose source_cidr contains an address applies' });

/** How a resource on one site translates to the other (source on `source_site_id`). */
export const ResourceMapping = Obj({
  kind: MappingKind,
  source_site_id: Id,
  source_id: Ref,
  target_id: Ref,
  reip_rules: Type.Optional(ReipRules),
});
export type ResourceMapping = Static<typeof ResourceMapping>;

const MappingsBody = Obj({ resource_mappings: Type.Array(ResourceMapping, { maxItems: 1000 }) });
const MappingsAnswer = Type.Object({ resource_mappings: Type.Array(ResourceMapping) }, { description: 'The resource mappings' });

/** `…/{pg}/resource-mappings`: how networks, flavors, images… on one site translate to the other. */
export const ResourceMappingRoutes = {
  show: { params: PgParams, querystring: NoQuery, response: answers({ 200: MappingsAnswer }) },
  replace: { params: PgParams, querystring: NoQuery, body: MappingsBody, response: answers({ 200: MappingsAnswer }) },
};
