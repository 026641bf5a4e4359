import { canonicalIp, cidrSize, contains, formatIp, hostRange, overlaps, parseCidr, parseIp, type Cidr, type Ip, type ReipRule } from '@protector/contract';

/*
 * Which address each recreated port gets on the target network (docs/re-ip.md), decided before
 * any port is created, from what the target network holds:
 * 1. its own address, when the target subnet (the subnet mapping's, else the network's subnet
 *    that contains it) holds it as a host address that is free;
 * 2. else, when the network mapping has re-IP rules, the first rule whose source CIDR contains
 *    the address gives one in its target CIDR: the same host offset when that is free (so a
 *    failback with the rule reversed gives the original address back), else the next free one
 *    above it, wrapping round the target CIDR; no matching rule, no subnet of the network in the
 *    target CIDR, or no free address left are problems the pre-check reports;
 * 3. else (no rules: as before re-IP rules existed) Neutron picks one on the mapped subnet.
 * Every port's kept address is reserved before any rule hands one out, so a rule never takes an
 * address another port of the run keeps.
 */

/** A subnet of the network the ports go to. */
export interface PlanSubnet {
  id: string;
  cidr: string;
  gateway_ip: string | null;
  dns_nameservers: string[];
}

/** The network the ports go to: its subnets, and the addresses its ports already hold. */
export interface PlanNetwork {
  id: string;
  subnets: PlanSubnet[];
  taken: Iterable<string>;
}

/** One fixed IP of a member's port, and how the port's network and subnet map. */
export interface AddressNeed {
  server_id: string;
  server: string;
  /** The member's (source) port. */
  port_id: string;
  ip_address: string;
  /** The network the port goes to (a key of the planner's networks). */
  network_id: string;
  /** The target subnet a subnet mapping names for the address's subnet; null: none. */
  mapped_subnet: string | null;
  /** The network mapping's rules as they apply in this direction (empty: none). */
  rules: readonly ReipRule[];
}

export type AddressChoice =
  | { via: 'kept'; subnet_id: string; ip_address: string }
  | { via: 're_ip'; subnet_id: string; ip_address: string; rule: number; same_offset: boolean }
  /** No rules, the address not kept: Neutron picks one on this subnet. */
  | { via: 'allocated'; subnet_id: string };

export type AddressProblemCode = 'reip_no_rule' | 'reip_no_target_subnet' | 'reip_ip_version_mismatch' | 'reip_exhausted' | 'reip_invalid_rule' | 'no_subnet';

export interface AddressProblem {
  code: AddressProblemCode;
  /** The rule concerned (its index in the mapping's list), if one is. */
  rule?: number;
}

export type AddressOutcome = { need: AddressNeed } & ({ ok: true; choice: AddressChoice } | { ok: false; problem: AddressProblem });

interface Net {
  id: string;
  subnets: { s: PlanSubnet; cidr: Cidr; gateway: bigint | null }[];
  taken: Set<string>;
}

const key = (ip: Ip): string => `${ip.version}|${ip.value}`;

/**
 * Chooses addresses over a set of target networks. Stateful: what it hands out stays reserved,
 * so a port whose create met an address taken meanwhile is planned again with `exclude` + `one`.
 */
export class AddressPlanner {
  private readonly nets = new Map<string, Net>();

  constructor(networks: readonly PlanNetwork[]) {
    for (const n of networks) {
      const subnets = n.subnets.flatMap((s) => {
        const c = parseCidr(s.cidr);
        const gw = s.gateway_ip ? parseIp(s.gateway_ip) : null;
        return c.ok ? [{ s, cidr: c.cidr, gateway: gw && gw.version === c.cidr.version ? gw.value : null }] : [];
      });
      const taken = new Set<string>();
      for (const t of n.taken) {
        const ip = parseIp(t);
        if (ip) taken.add(key(ip));
      }
      this.nets.set(n.id, { id: n.id, subnets, taken });
    }
  }

  /** Every need, kept addresses first (reserved), then the rules'. Outcomes in the needs' order. */
  plan(needs: readonly AddressNeed[]): AddressOutcome[] {
    const kept = needs.map((n) => this.keep(n));
    return needs.map((n, i) => kept[i] ?? this.readdress(n));
  }

  /** One need again (after `exclude`): kept if it still can be, else as the rules say. */
  one(need: AddressNeed): AddressOutcome {
    return this.keep(need) ?? this.readdress(need);
  }

  /** An address found taken when the port was created (another user was quicker). */
  exclude(networkId: string, address: string): void {
    const ip = parseIp(address);
    if (ip) this.nets.get(networkId)?.taken.add(key(ip));
  }

  private keep(need: AddressNeed): AddressOutcome | undefined {
    const net = this.nets.get(need.network_id);
    const ip = parseIp(need.ip_address);
    if (!net || !ip) return undefined;
    const sub = need.mapped_subnet ? net.subnets.find((x) => x.s.id === need.mapped_subnet) : net.subnets.find((x) => contains(x.cidr, ip));
    if (!sub || !contains(sub.cidr, ip)) return undefined;
    const hosts = hostRange(sub.cidr);
    if (ip.value < hosts.first || ip.value > hosts.last || ip.value === sub.gateway || net.taken.has(key(ip))) return undefined;
    net.taken.add(key(ip));
    return { need, ok: true, choice: { via: 'kept', subnet_id: sub.s.id, ip_address: formatIp(ip.version, ip.value) } };
  }

  private readdress(need: AddressNeed): AddressOutcome {
    const fail = (problem: AddressProblem): AddressOutcome => ({ need, ok: false, problem });
    const net = this.nets.get(need.network_id);
    const ip = parseIp(need.ip_address);
    if (!net || !ip) return fail({ code: 'no_subnet' });
    if (need.rules.length === 0) {
      // As before re-IP rules: Neutron judges the mapped subnet.
      if (need.mapped_subnet) return { need, ok: true, choice: { via: 'allocated', subnet_id: need.mapped_subnet } };
      const sub = net.subnets.find((x) => x.cidr.version === ip.version) ?? net.subnets[0];
      return sub ? { need, ok: true, choice: { via: 'allocated', subnet_id: sub.s.id } } : fail({ code: 'no_subnet' });
    }
    let index = -1;
    let src: Cidr | undefined;
    let tgt: Cidr | undefined;
    for (const [i, r] of need.rules.entries()) {
      const s = parseCidr(r.source_cidr);
      const t = parseCidr(r.target_cidr);
      if (!s.ok || !t.ok || s.cidr.version !== t.cidr.version) return fail({ code: 'reip_invalid_rule', rule: i });
      if (contains(s.cidr, ip)) {
        [index, src, tgt] = [i, s.cidr, t.cidr];
        break;
      }
    }
    if (index < 0 || !src || !tgt) return fail({ code: 'reip_no_rule' });
    const target = tgt;
    const ranges = net.subnets
      .filter((x) => overlaps(x.cidr, target))
      .map((x) => {
        const h = hostRange(x.cidr);
        return { sub: x, lo: h.first > target.base ? h.first : target.base, hi: h.last < target.last ? h.last : target.last };
      })
      .filter((r) => r.lo <= r.hi)
      .sort((a, b) => (a.lo < b.lo ? -1 : 1));
    if (ranges.length === 0) return fail({ code: net.subnets.some((x) => x.cidr.version === target.version) ? 'reip_no_target_subnet' : 'reip_ip_version_mismatch', rule: index });
    const offset = ip.value - src.base;
    const wanted = offset < cidrSize(target) ? target.base + offset : target.base;
    const free = (r: (typeof ranges)[number], from: bigint, to: bigint): bigint | undefined => {
      for (let x = from; x <= to; x++) if (x !== r.sub.gateway && !net.taken.has(key({ version: target.version, value: x }))) return x;
      return undefined;
    };
    // From the same offset up, then round from the start of the target CIDR to just below it.
    let found: { r: (typeof ranges)[number]; x: bigint } | undefined;
    for (const r of ranges) {
      const x = r.hi >= wanted ? free(r, r.lo > wanted ? r.lo : wanted, r.hi) : undefined;
      if (x !== undefined) {
        found = { r, x };
        break;
      }
    }
    for (const r of found ? [] : ranges) {
      if (r.lo >= wanted) break;
      const x = free(r, r.lo, r.hi < wanted ? r.hi : wanted - 1n);
      if (x !== undefined) {
        found = { r, x };
        break;
      }
    }
    if (!found) return fail({ code: 'reip_exhausted', rule: index });
    const chosen = { version: target.version, value: found.x };
    net.taken.add(key(chosen));
    return { need, ok: true, choice: { via: 're_ip', subnet_id: found.r.sub.s.id, ip_address: formatIp(chosen.version, chosen.value), rule: index, same_offset: found.x === target.base + offset } };
  }
}

/** The subnet of a plan's network by id (gateway and DNS for the report). */
export const subnetOf = (networks: readonly PlanNetwork[], networkId: string, subnetId: string): PlanSubnet | undefined => networks.find((n) => n.id === networkId)?.subnets.find((s) => s.id === subnetId);

/** Whether a subnet hands out what a rule says: the gateway and the DNS servers (as sets), where the rule says. */
export function subnetDiffers(rule: ReipRule, s: PlanSubnet): { gateway: boolean; dns: boolean } {
  const gateway = rule.gateway_ip !== undefined && canonicalIp(rule.gateway_ip) !== (s.gateway_ip === null ? null : canonicalIp(s.gateway_ip));
  const want = new Set((rule.dns_nameservers ?? []).map(canonicalIp));
  const have = new Set(s.dns_nameservers.map(canonicalIp));
  const dns = rule.dns_nameservers !== undefined && (want.size !== have.size || [...want].some((d) => !have.has(d)));
  return { gateway, dns };
}
