import type { MappingKind, Member } from '../../db/protection-groups.js';
import { reversedReipRules, type ReipRule } from '@protector/contract';
import { isNotFound, type Flavor, type SiteClients } from '@protector/openstack';
import type { WorkflowContext } from '../context.js';
import type { CheckInput } from './check.js';

/**
 * The mapping rule. For every resource a member uses, the target site's counterpart is:
 * 1. the PG's resource mapping of that kind from the source site, matched on the recorded id
 *    (or, for the kinds recorded by name, the name), or one from the target site whose target
 *    is the recorded id (a mapping pairs two resources, both ways); else
 * 2. for flavor, volume type, availability zone and keypair, the resource of the same name on
 *    the target: these names are what operators keep alike across a pair; else
 * 3. for an image, the same image id on the target (images imported with their id); else
 * 4. missing: a `mapping_missing` blocker.
 * Networks, subnets and security groups always need a mapping: their ids are site-local, the
 * member records no names, and looking names up on the source would make the answer depend on
 * the source answering, which it does not in an unplanned failover. (A network mapping with
 * re-IP rules places its ports' addresses itself, so its subnets need none: docs/re-ip.md.)
 */
export interface Requirement {
  kind: MappingKind;
  /** As recorded on the member: an id, or a name for volume type, AZ and keypair. */
  sourceId: string;
  /** A name to show and to match by (flavor name); may equal sourceId. */
  label: string;
  /** The servers that need it. */
  servers: { id: string; name: string }[];
}

export interface Resolution extends Requirement {
  /** `reip_rules`: a network mapping's re-IP rules as they apply in this direction (reversed for a mapping stored the other way). */
  target: { id: string; via: 'mapping' | 'same_name' | 'same_id'; reip_rules?: ReipRule[] } | null;
}

const NAME_FALLBACK: ReadonlySet<MappingKind> = new Set(['flavor', 'volume_type', 'availability_zone', 'keypair']);

/** Every distinct resource the members use, with the servers that use each. */
export function requirements(members: readonly Member[]): Requirement[] {
  const out = new Map<string, Requirement>();
  const need = (m: Member, kind: MappingKind, sourceId: string, label = sourceId): void => {
    if (!sourceId) return;
    const key = `${kind}|${sourceId}`;
    const r = out.get(key) ?? { kind, sourceId, label, servers: [] };
    if (!r.servers.some((s) => s.id === m.server_id)) r.servers.push({ id: m.server_id, name: m.name });
    out.set(key, r);
  };
  for (const m of members) {
    const d = m.details;
    for (const p of d.ports) {
      need(m, 'network', p.network_id);
      for (const ip of p.fixed_ips) need(m, 'subnet', ip.subnet_id);
      for (const sg of p.security_group_ids) need(m, 'security_group', sg);
    }
    need(m, 'flavor', d.flavor_id || d.flavor_name, d.flavor_name || d.flavor_id);
    // A server booted from a volume boots from it on the target too: its image is only a record.
    if (d.image_id && !d.volumes.some((v) => v.boot_index === 0)) need(m, 'image', d.image_id);
    for (const v of d.volumes) need(m, 'volume_type', v.volume_type);
    if (d.availability_zone) need(m, 'availability_zone', d.availability_zone);
    if (d.key_name) need(m, 'keypair', d.key_name);
  }
  return [...out.values()];
}

export const targetTenant = (ctx: WorkflowContext, input: CheckInput): Promise<SiteClients> =>
  input.memo('tenant', () => ctx.clientsFor(input.targetSiteId, { asTenantOf: input.pg }));
// Admin-level listing sees private flavors and every volume type, as Nova and Cinder would need.
export const targetAdmin = (ctx: WorkflowContext, input: CheckInput): Promise<SiteClients> => input.memo('admin', () => ctx.clientsFor(input.targetSiteId));

export const targetFlavors = (ctx: WorkflowContext, input: CheckInput): Promise<Flavor[]> =>
  input.memo('flavors', async () => (await targetAdmin(ctx, input)).nova.listFlavors({ isPublic: 'None' }));

/** A target flavor by id or name, or undefined. */
export async function targetFlavor(ctx: WorkflowContext, input: CheckInput, idOrName: string): Promise<Flavor | undefined> {
  return (await targetFlavors(ctx, input)).find((f) => f.id === idOrName || f.name === idOrName);
}

const found = async (p: Promise<unknown>): Promise<boolean> => {
  try {
    await p;
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
};

/** Whether `id` (an id, or a name where the kind is named) exists on the target, usable by the tenant. */
export async function existsOnTarget(ctx: WorkflowContext, input: CheckInput, kind: MappingKind, id: string): Promise<boolean> {
  return input.memo(`exists|${kind}|${id}`, async () => {
    const tenant = await targetTenant(ctx, input);
    switch (kind) {
      case 'flavor':
        return (await targetFlavor(ctx, input, id)) !== undefined;
      case 'volume_type': {
        const types = await input.memo('volume_types', async () => (await targetAdmin(ctx, input)).cinder.listVolumeTypes());
        return types.some((t) => t.id === id || t.name === id);
      }
      case 'availability_zone': {
        const zones = await input.memo('zones', () => tenant.nova.listAvailabilityZones());
        return zones.some((z) => z.zoneName === id);
      }
      case 'keypair':
        return found(tenant.nova.getKeypair(id));
      case 'image':
        return found(tenant.glance.getImage(id));
      case 'network':
        return found(tenant.neutron.getNetwork(id));
      case 'subnet':
        return found(tenant.neutron.getSubnet(id));
      case 'security_group':
        return found(tenant.neutron.getSecurityGroup(id));
    }
  });
}

/** Applies the mapping rule to every requirement (memoized: several checks need it). */
export function resolveAll(ctx: WorkflowContext, input: CheckInput): Promise<Resolution[]> {
  return input.memo('resolutions', async () =>
    Promise.all(
      requirements(input.members).map(async (r): Promise<Resolution> => {
        const m = input.mappings.find((x) => x.kind === r.kind && x.source_site_id === input.sourceSiteId && (x.source_id === r.sourceId || x.source_id === r.label));
        if (m) return { ...r, target: { id: m.target_id, via: 'mapping', ...(m.reip_rules?.length ? { reip_rules: m.reip_rules } : {}) } };
        // A mapping is a pairing: the one stored for the other direction serves this one (failback), its rules reversed.
        const back = input.mappings.find((x) => x.kind === r.kind && x.source_site_id === input.targetSiteId && x.target_id === r.sourceId);
        if (back) return { ...r, target: { id: back.source_id, via: 'mapping', ...(back.reip_rules?.length ? { reip_rules: reversedReipRules(back.reip_rules) } : {}) } };
        if (NAME_FALLBACK.has(r.kind) && (await existsOnTarget(ctx, input, r.kind, r.label))) return { ...r, target: { id: r.label, via: 'same_name' } };
        if (r.kind === 'image' && (await existsOnTarget(ctx, input, 'image', r.sourceId))) return { ...r, target: { id: r.sourceId, via: 'same_id' } };
        return { ...r, target: null };
      }),
    ),
  );
}

export const KIND_LABEL: Record<MappingKind, string> = {
  network: 'network',
  subnet: 'subnet',
  security_group: 'security group',
  flavor: 'flavor',
  image: 'image',
  availability_zone: 'availability zone',
  volume_type: 'volume type',
  keypair: 'keypair',
};

export const serverList = (r: Requirement): string => r.servers.map((s) => `${s.name} (${s.id})`).join(', ');
