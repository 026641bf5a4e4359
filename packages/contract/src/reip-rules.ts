import { canonicalIp, cidrText, parseCidr, parseIp, within, type Cidr } from './cidr.js';
import type { MappingKind, ReipRule } from './resource-mappings.js';

/** What is wrong with one field of a rule list: the field's dotted path and a sentence. */
export interface RuleProblem {
  field: string;
  reason: string;
}

/**
 * The first problem with a mapping's re-IP rules that the schema cannot see, or null: CIDRs that
 * do not parse or have host bits set, an IPv4 rule mapped to IPv6 (or back), a gateway or DNS
 * server of the other IP version, a DNS server named twice, a rule that can
 * never apply because an earlier rule's source contains its own, rules on a mapping that is no
 * network's. `field` is the list's path (`resource_mappings.2.reip_rules`).
 */
export function reipRulesProblem(kind: MappingKind, rules: readonly ReipRule[] | undefined, field: string): RuleProblem | null {
  if (rules === undefined || rules.length === 0) return null;
  if (kind !== 'network') return { field, reason: `Only network mappings carry re-IP rules; this one maps a ${kind.replace('_', ' ')}.` };
  const sources: Cidr[] = [];
  for (const [i, r] of rules.entries()) {
    const at = (k: string) => `${field}.${i}.${k}`;
    const src = parseCidr(r.source_cidr);
    if (!src.ok) return { field: at('source_cidr'), reason: src.reason };
    const tgt = parseCidr(r.target_cidr);
    if (!tgt.ok) return { field: at('target_cidr'), reason: tgt.reason };
    if (src.cidr.version !== tgt.cidr.version) {
      return { field: at('target_cidr'), reason: `The rule maps IPv${src.cidr.version} ${cidrText(src.cidr)} to IPv${tgt.cidr.version} ${cidrText(tgt.cidr)}: both must be of one IP version.` };
    }
    const earlier = sources.findIndex((s) => within(src.cidr, s));
    if (earlier >= 0) return { field: at('source_cidr'), reason: `The rule never applies: the earlier rule ${field}.${earlier} (source ${cidrText(sources[earlier]!)}) contains ${cidrText(src.cidr)}.` };
    sources.push(src.cidr);
    if (r.gateway_ip !== undefined) {
      const gw = parseIp(r.gateway_ip);
      if (!gw) return { field: at('gateway_ip'), reason: `'${r.gateway_ip}' is not an IPv4 or IPv6 address.` };
      // The subnet's gateway, which may lie outside a target CIDR narrower than the subnet.
      if (gw.version !== tgt.cidr.version) return { field: at('gateway_ip'), reason: `${r.gateway_ip} is an IPv${gw.version} address; the rule's networks are IPv${tgt.cidr.version}.` };
    }
    const seen = new Set<string>();
    for (const [j, dns] of (r.dns_nameservers ?? []).entries()) {
      const ip = parseIp(dns);
      if (!ip) return { field: at(`dns_nameservers.${j}`), reason: `'${dns}' is not an IPv4 or IPv6 address.` };
      // As Neutron refuses a subnet's DNS server of the other IP version.
      if (ip.version !== tgt.cidr.version) return { field: at(`dns_nameservers.${j}`), reason: `${dns} is an IPv${ip.version} address; the rule's networks are IPv${tgt.cidr.version}.` };
      const canonical = canonicalIp(dns);
      if (seen.has(canonical)) return { field: at(`dns_nameservers.${j}`), reason: `${dns} is named twice.` };
      seen.add(canonical);
    }
  }
  return null;
}

/** A valid rule list in canonical text (so equal rules compare equal); empty lists become absent. */
export function normalizeReipRules(rules: readonly ReipRule[] | undefined): ReipRule[] | undefined {
  if (rules === undefined || rules.length === 0) return undefined;
  const net = (text: string) => {
    const c = parseCidr(text);
    return c.ok ? cidrText(c.cidr) : text;
  };
  return rules.map((r) => ({
    source_cidr: net(r.source_cidr),
    target_cidr: net(r.target_cidr),
    ...(r.gateway_ip === undefined ? {} : { gateway_ip: canonicalIp(r.gateway_ip) }),
    ...(r.dns_nameservers === undefined ? {} : { dns_nameservers: r.dns_nameservers.map(canonicalIp) }),
  }));
}

/**
 * The rules as they apply the other way (a mapping stored from the other site serving a
 * failback): target CIDR back to source CIDR at the same host offset, so the addresses a
 * failover gave come back as they were. Gateway and DNS describe the other side's subnet, so
 * they do not come along.
 */
export const reversedReipRules = (rules: readonly ReipRule[]): ReipRule[] => rules.map((r) => ({ source_cidr: r.target_cidr, target_cidr: r.source_cidr }));

/** `10.1.0.0/24=10.2.0.0/24,gateway=10.2.0.1,dns=10.2.0.2;10.2.0.3`: a rule as the CLI takes and shows it. */
export function formatReipRule(r: ReipRule): string {
  return [`${r.source_cidr}=${r.target_cidr}`, ...(r.gateway_ip ? [`gateway=${r.gateway_ip}`] : []), ...(r.dns_nameservers?.length ? [`dns=${r.dns_nameservers.join(';')}`] : [])].join(',');
}

/** The CLI's notation back to a rule (the inverse of formatReipRule); the API checks the addresses. */
export function parseReipRule(text: string): { ok: true; rule: ReipRule } | { ok: false; reason: string } {
  const [head = '', ...opts] = text.split(',');
  const [source_cidr, target_cidr, ...extra] = head.split('=');
  if (!source_cidr || !target_cidr || extra.length > 0) return { ok: false, reason: `'${text}': expected SOURCE_CIDR=TARGET_CIDR[,gateway=IP][,dns=IP;IP]` };
  const rule: ReipRule = { source_cidr: source_cidr.trim(), target_cidr: target_cidr.trim() };
  for (const o of opts) {
    const [k, v, ...more] = o.split('=');
    if (v === undefined || v.trim() === '' || more.length > 0) return { ok: false, reason: `'${o}' in '${text}': expected gateway=IP or dns=IP;IP` };
    if (k?.trim() === 'gateway') rule.gateway_ip = v.trim();
    else if (k?.trim() === 'dns') rule.dns_nameservers = v.split(';').map((x) => x.trim()).filter(Boolean);
    else return { ok: false, reason: `'${k}' in '${text}': the options are gateway= and dns=` };
  }
  return { ok: true, rule };
}
