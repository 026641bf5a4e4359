import type { ReipRule } from '@protector/contract';
import type { SiteClients } from '@protector/openstack';
import type { Member, MemberPort } from '../../db/protection-groups.js';
import type { Resolution } from '../prechecks/resolve.js';
import type { AddressNeed, PlanNetwork } from './addresses.js';

/** A member's port with the addresses it needs on the target (none when its network is unmapped). */
export interface PortNeeds {
  m: Member;
  p: MemberPort;
  /** The target network the mapping names (before a drill puts the port elsewhere); null: unmapped. */
  mapped_network: string | null;
  /** The network the port goes to (the mapped one, or the drill's); null: unmapped. */
  network_id: string | null;
  rules: ReipRule[];
  needs: AddressNeed[];
}

/** Where a drill puts a port instead of the mapped network and subnet (its isolated copy, or the tenant's test network). */
export type Placement = (mappedNetwork: string, mappedSubnet: string | null) => { network_id: string; mapped_subnet: string | null };

/**
 * Every port of every member (in boot order, then by name) with its addresses as planning needs them, resolved as the
 * pre-checks resolve mappings (resolveAll): the mapped network and its re-IP rules, the mapped
 * subnet of each address (null without a subnet mapping, which a network with rules does not need).
 */
export function portNeeds(members: readonly Member[], resolutions: readonly Resolution[], place?: Placement): PortNeeds[] {
  const target = (kind: 'network' | 'subnet', id: string) => resolutions.find((r) => r.kind === kind && r.sourceId === id)?.target ?? null;
  // Boot order, then name: the servers that boot first have first pick of a rule's addresses.
  const ordered = [...members].sort((x, y) => x.boot_order - y.boot_order || x.name.localeCompare(y.name));
  return ordered.flatMap((m) =>
    m.details.ports.map((p): PortNeeds => {
      const net = target('network', p.network_id);
      const rules = net?.reip_rules ?? [];
      if (!net) return { m, p, mapped_network: null, network_id: null, rules, needs: [] };
      const at = (mapped: string | null) => (place ? place(net.id, mapped) : { network_id: net.id, mapped_subnet: mapped });
      const needs = p.fixed_ips.map((f): AddressNeed => ({ server_id: m.server_id, server: m.name, port_id: p.id, ip_address: f.ip_address, rules, ...at(target('subnet', f.subnet_id)?.id ?? null) }));
      return { m, p, mapped_network: net.id, network_id: at(null).network_id, rules, needs };
    }),
  );
}

/**
 * The networks the ports go to, as Neutron shows them to the tenant: subnets, and for those
 * `occupied` says, the addresses their ports hold (where no rule hands out addresses, a taken
 * one is found by trying it, as before re-IP rules; an isolated drill network starts empty).
 * `ignore`: ports the run removes before it creates its own (failback's old copies).
 */
export async function planNetworks(tenant: SiteClients, ids: Iterable<string>, occupied: (networkId: string) => boolean, ignore: ReadonlySet<string> = new Set()): Promise<PlanNetwork[]> {
  return Promise.all(
    [...new Set(ids)].map(async (id): Promise<PlanNetwork> => {
      const [subnets, ports] = await Promise.all([tenant.neutron.listSubnets({ network_id: id }), occupied(id) ? tenant.neutron.listPorts({ network_id: id }) : Promise.resolve([])]);
      return {
        id,
        subnets: subnets.map((s) => ({ id: s.id, cidr: s.cidr, gateway_ip: s.gateway_ip, dns_nameservers: s.dns_nameservers ?? [] })),
        taken: ports.filter((p) => !ignore.has(p.id)).flatMap((p) => p.fixed_ips.map((f) => f.ip_address)),
      };
    }),
  );
}
