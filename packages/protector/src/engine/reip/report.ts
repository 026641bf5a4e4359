import { canonicalIp, contains, parseCidr, parseIp, type AddressReport, type Cidr, type ReipRule, type ServerAddresses } from '@protector/contract';
import type { FixedIp } from '@protector/openstack';
import type { MemberPort } from '../../db/protection-groups.js';

export type { AddressReport, ServerAddresses } from '@protector/contract';

const cidr = (text: string): Cidr | null => {
  const c = parseCidr(text);
  return c.ok ? c.cidr : null;
};

/**
 * Pairs a member port's addresses with those of the port made for it on the target. Told from
 * the addresses alone (not from the plan), so a resumed step that finds the port already made
 * reports it the same way: an address the port still has was kept; otherwise the first rule
 * whose source CIDR contains it (the rule that chose it) and an address of the port in its
 * target CIDR; otherwise whichever address Neutron gave.
 */
export function describePort(p: MemberPort, portId: string, actual: readonly FixedIp[], rules: readonly ReipRule[]): AddressReport[] {
  const used = new Set<number>();
  const take = (match: (f: FixedIp) => boolean): FixedIp | undefined => {
    const i = actual.findIndex((f, j) => !used.has(j) && match(f));
    if (i < 0) return undefined;
    used.add(i);
    return actual[i];
  };
  const kept = p.fixed_ips.map((f) => take((a) => canonicalIp(a.ip_address) === canonicalIp(f.ip_address)));
  return p.fixed_ips.map((f, i): AddressReport => {
    const base = { source_port_id: p.id, port_id: portId, from: f.ip_address };
    const same = kept[i];
    if (same) return { ...base, to: same.ip_address, subnet_id: same.subnet_id, via: 'kept' };
    const ip = parseIp(f.ip_address);
    const index = ip ? rules.findIndex((r) => {
      const c = cidr(r.source_cidr);
      return c !== null && contains(c, ip);
    }) : -1;
    const rule = rules[index];
    const target = rule ? cidr(rule.target_cidr) : null;
    const given = target ? take((a) => {
      const x = parseIp(a.ip_address);
      return x !== null && contains(target, x);
    }) : undefined;
    if (rule && given) return { ...base, to: given.ip_address, subnet_id: given.subnet_id, via: 're_ip', rule: { index, ...rule } };
    const other = take(() => true);
    return { ...base, to: other?.ip_address ?? null, subnet_id: other?.subnet_id ?? null, via: 'allocated' };
  });
}

/** The per-port reports grouped per server, in the members' order. */
export function byServer(rows: readonly { server_id: string; server: string; addresses: AddressReport[] }[]): ServerAddresses[] {
  const out = new Map<string, ServerAddresses>();
  for (const r of rows) {
    const s = out.get(r.server_id) ?? { server_id: r.server_id, server: r.server, addresses: [] };
    s.addresses.push(...r.addresses);
    out.set(r.server_id, s);
  }
  return [...out.values()];
}
