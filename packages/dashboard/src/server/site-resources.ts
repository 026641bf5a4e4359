import { CinderClient, GlanceClient, NeutronClient, NovaClient } from '@protector/openstack';
import type { MappingKind, SiteHandle } from '@protector/protectorclient';
import type { ChoiceResource } from '../shared/pg-lifecycle.js';
import { why } from './site-errors.js';

/** The mapping kinds a site can list for the user (key pairs are per user and have no list here). */
export const LISTED_KINDS = ['network', 'subnet', 'security_group', 'flavor', 'image', 'availability_zone', 'volume_type'] as const satisfies readonly MappingKind[];
export type ListedKind = (typeof LISTED_KINDS)[number];

/** One site's OpenStack services as the logged-in user (the same token as its Protector calls). */
export function openstackOf(h: SiteHandle) {
  const s = h.client.session;
  return { nova: new NovaClient(s), cinder: new CinderClient(s), neutron: new NeutronClient(s), glance: new GlanceClient(s) };
}

const listers: Record<ListedKind, (o: ReturnType<typeof openstackOf>) => Promise<ChoiceResource[]>> = {
  network: async (o) => (await o.neutron.listNetworks()).map((n) => ({ id: n.id, name: n.name })),
  subnet: async (o) => (await o.neutron.listSubnets()).map((n) => ({ id: n.id, name: n.name, detail: n.cidr })),
  security_group: async (o) => (await o.neutron.listSecurityGroups()).map((g) => ({ id: g.id, name: g.name })),
  flavor: async (o) => (await o.nova.listFlavors()).map((f) => ({ id: f.id, name: f.name, detail: `${f.vcpus} vCPU, ${f.ram} MB, ${f.disk} GB` })),
  image: async (o) => (await o.glance.listImages()).map((i) => ({ id: i.id, name: i.name ?? i.id })),
  availability_zone: async (o) => (await o.nova.listAvailabilityZones()).filter((z) => z.zoneState.available).map((z) => ({ id: z.zoneName, name: z.zoneName })),
  volume_type: async (o) => (await o.cinder.listVolumeTypes()).map((t) => ({ id: t.id, name: t.name })),
};

export interface SiteResources {
  lists: Partial<Record<ListedKind, ChoiceResource[]>>;
  /** Kinds that could not be listed, and why (the rest are still offered). */
  errors: Partial<Record<ListedKind, string>>;
}

/** The resources of each kind on a site, as the user sees them; a kind that fails is named, not hidden. */
export async function siteResources(h: SiteHandle, kinds: readonly ListedKind[] = LISTED_KINDS): Promise<SiteResources> {
  const o = openstackOf(h);
  const out: SiteResources = { lists: {}, errors: {} };
  await Promise.all(
    kinds.map(async (k) => {
      try {
        out.lists[k] = await listers[k](o);
      } catch (err) {
        out.errors[k] = `${h.name}: ${why(err)}`;
      }
    }),
  );
  return out;
}

/** id → name over one site's lists (for showing mappings by name). */
export function namesOf(r: SiteResources | null): Map<string, string> {
  const m = new Map<string, string>();
  for (const list of Object.values(r?.lists ?? {})) for (const x of list ?? []) m.set(x.id, x.name);
  return m;
}
