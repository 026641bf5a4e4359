import { replicationTypeOf, type Volume, type VolumeType } from '@protector/openstack';
import type { Coordinator, ReplicationType, SiteHandle } from '@protector/protectorclient';
import type { ChoiceServer, PgChoices } from '../shared/pg-lifecycle.js';
import { why } from './site-errors.js';
import { LISTED_KINDS, openstackOf, siteResources } from './site-resources.js';

const TYPES: ReplicationType[] = ['async', 'sync'];
const ENABLED = /^<is>\s*true$/i;

/** Which PG each protected server is in, on `site` (one members list per PG). */
async function protectedServers(site: SiteHandle): Promise<Map<string, string>> {
  const pgs = await site.client.protectionGroups.list();
  const out = new Map<string, string>();
  await Promise.all(pgs.map(async (p) => (await site.client.members.list(p.id)).forEach((m) => out.set(m.server_id, p.name))));
  return out;
}

const volName = (v: Volume): string => (v.name ? `${v.name} (${v.id})` : v.id);

/**
 * Whether each of the project's servers on `site` can join a new PG of each replication type,
 * by the rules member add applies (DESIGN §1, the API and the engine's inspect step): on Cinder
 * volumes only, every type replication-enabled and of the PG's replication type, no volume in
 * another volume group, not a member already. A tenant sees a volume type's replication_enabled
 * but not its replication_type (Cinder's user-visible specs): then the site checks that when the
 * server is added, and the note says so. `ownGroupId`: the volume group of the PG being added to
 * (its volumes are not "in another group").
 */
export async function serverChoices(site: SiteHandle, ownGroupId?: string): Promise<ChoiceServer[]> {
  const o = openstackOf(site);
  const [servers, volumes, types, ports, members] = await Promise.all([o.nova.listServers(), o.cinder.listVolumes(), o.cinder.listVolumeTypes(), o.neutron.listPorts(), protectedServers(site)]);
  const vols = new Map(volumes.map((v) => [v.id, v]));
  const typeOf = (v: Volume): VolumeType | undefined => types.find((t) => t.id === v.volume_type_id || t.name === v.volume_type || t.id === v.volume_type);
  return servers
    .map((s): ChoiceServer => {
      const attached = s['os-extended-volumes:volumes_attached'].map((a) => vols.get(a.id) ?? ({ id: a.id, name: null, volume_type: 'unknown' } as Volume));
      const networks = [...new Set(ports.filter((p) => p.device_id === s.id).map((p) => p.network_id))];
      const reason: ChoiceServer['reason'] = {};
      let hidden = false;
      const problems = (rt: ReplicationType): string[] => {
        const out: string[] = [];
        const pg = members.get(s.id);
        if (pg) out.push(`already a member of protection group ${pg}`);
        if (attached.length === 0) out.push('it has no volumes: only servers on replicated Cinder volumes can be protected');
        for (const v of attached) {
          const t = typeOf(v);
          if (!t) {
            out.push(`volume ${volName(v)} has type '${v.volume_type}', which this project cannot see`);
            continue;
          }
          if (!ENABLED.test(t.extra_specs.replication_enabled ?? '')) out.push(`volume ${volName(v)} has type '${t.name}', which is not replicated`);
          else if (t.extra_specs.replication_type === undefined) hidden = true;
          else if (replicationTypeOf(t.extra_specs) !== rt) out.push(`volume ${volName(v)} has type '${t.name}', which does not replicate ${rt}`);
          if (v.group_id && v.group_id !== ownGroupId) out.push(`volume ${volName(v)} is already in another volume group (${v.group_id})`);
        }
        return out;
      };
      const eligible = Object.fromEntries(
        TYPES.map((rt) => {
          const p = problems(rt);
          if (p.length) reason[rt] = p.join('; ');
          return [rt, p.length === 0];
        }),
      ) as Record<ReplicationType, boolean>;
      return {
        id: s.id,
        name: s.name,
        status: s.status,
        volume_types: attached.map((v) => typeOf(v)?.name ?? v.volume_type),
        network_ids: networks,
        eligible,
        reason,
        note: hidden ? "this project cannot see whether its volume types replicate async or sync: the site checks that when the server is added" : null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Everything the create wizard offers: replication types, servers with eligibility, resources to map. */
export async function pgChoices(c: Coordinator): Promise<PgChoices> {
  const owner = c.primary;
  const peer = c.secondary;
  const blocked = await c.reachablePeer().then(
    () => null,
    (err: unknown) => why(err),
  );
  const [servers, source, target, namesHere, namesThere] = await Promise.all([
    serverChoices(owner),
    siteResources(owner),
    peer && !blocked ? siteResources(peer) : Promise.resolve(null),
    owner.client.protectionGroups.list(),
    peer && !blocked ? peer.client.protectionGroups.list().catch(() => []) : Promise.resolve([]),
  ]);
  const resources: PgChoices['resources'] = {};
  const errors: PgChoices['resource_errors'] = { ...source.errors, ...(target?.errors ?? {}) };
  for (const k of LISTED_KINDS) resources[k] = { source: source.lists[k] ?? [], target: target?.lists[k] ?? [] };
  return {
    site: owner.name,
    peer: peer?.name ?? null,
    blocked,
    replication_types: TYPES,
    servers,
    resources,
    mapping_kinds: [...LISTED_KINDS],
    resource_errors: errors,
    taken_names: [...new Set([...namesHere, ...namesThere].map((p) => p.name))].sort(),
  };
}
