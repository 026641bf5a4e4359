import { contains, parseCidr, parseIp, type ReipRule } from '@protector/contract';
import { AddressPlanner, subnetDiffers, subnetOf, type AddressNeed, type AddressOutcome, type PlanNetwork } from '../../reip/addresses.js';
import { planNetworks, portNeeds, type Placement } from '../../reip/inputs.js';
import { finder, type Check, type CheckInput, type Finding } from '../check.js';
import { resolveAll, targetTenant } from '../resolve.js';

const find = finder('reip');

const ruleText = (r: ReipRule | undefined): string => (r ? `${r.source_cidr} -> ${r.target_cidr}` : 'unknown rule');
const portText = (n: AddressNeed): string => `server ${n.server} (${n.server_id}) port ${n.port_id} (${n.ip_address})`;
const portDetail = (n: AddressNeed) => ({ server_id: n.server_id, server: n.server, port_id: n.port_id, ip_address: n.ip_address });

/** Why an address cannot be kept on its network: taken, or in none of its subnets. */
function whyNotKept(n: AddressNeed, net: PlanNetwork | undefined): string {
  const ip = parseIp(n.ip_address);
  const holds = ip && net?.subnets.some((s) => {
    const c = parseCidr(s.cidr);
    return c.ok && contains(c.cidr, ip) && (n.mapped_subnet === null || n.mapped_subnet === s.id);
  });
  return holds ? 'it is taken there' : n.mapped_subnet ? `the mapped subnet ${n.mapped_subnet} does not contain it` : 'none of its subnets contains it';
}

/**
 * Re-IP rules that cannot be satisfied (docs/re-ip.md): the addresses of every port whose
 * network mapping has rules are planned as create_ports will plan them, on the target network as
 * it is now (a drill: its test network, or the mapped subnets with nothing taken, as its isolated
 * copy starts). Blockers: an address neither kept nor matched by a rule, a rule whose target
 * CIDR meets no subnet of the network (or only subnets of the other IP version), a rule with no
 * free address left. Warnings: a subnet handing out another gateway or other DNS servers than
 * the rule says, which Protector does not change (the subnet is shared by whatever else is on it).
 */
export const reipCheck: Check = {
  name: 'reip',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback'],
  async run(ctx, input) {
    const resolutions = await resolveAll(ctx, input);
    if (!portNeeds(input.members, resolutions).some((p) => p.rules.length > 0)) return [];
    const testNet = input.action === 'test_failover' ? input.testNetworkId : undefined;
    const place: Placement | undefined = testNet ? () => ({ network_id: testNet, mapped_subnet: null }) : undefined;
    const needs = portNeeds(input.members, resolutions, place).flatMap((p) => p.needs);
    // Failback removes the old copies on its target (remove_old_copies) before it makes ports: their addresses are free by then.
    const left = input.pg.resources.leftovers;
    const goingAway = new Set(input.action === 'failback' && left?.site_id === input.targetSiteId ? left.ports : []);
    const networks = await planNetworks(await targetTenant(ctx, input), needs.map((n) => n.network_id), () => input.action !== 'test_failover' || testNet !== undefined, goingAway);
    const outcomes = new AddressPlanner(networks).plan(needs);
    return findings(input, (await ctx.site(input.targetSiteId)).name, networks, outcomes);
  },
};

function findings(input: CheckInput, site: string, networks: PlanNetwork[], outcomes: AddressOutcome[]): Finding[] {
  const pg = `protection group ${input.pg.name}`;
  const out: Finding[] = [];
  // Rule-level problems once per network and rule, naming every port they stop.
  const grouped = new Map<string, { code: string; rule: number | undefined; network: string; needs: AddressNeed[] }>();
  const warned = new Set<string>();
  for (const o of outcomes) {
    const n = o.need;
    if (n.rules.length === 0) continue;
    if (!o.ok) {
      if (o.problem.code === 'reip_no_rule') {
        out.push(
          find('blocker', 'reip_no_rule', `${portText(n)} of ${pg}: the address cannot be kept on network ${n.network_id} of site ${site} (${whyNotKept(n, networks.find((x) => x.id === n.network_id))}) and no re-IP rule of the network mapping contains it`, {
            ...portDetail(n),
            network_id: n.network_id,
          }),
        );
        continue;
      }
      const k = `${o.problem.code}|${n.network_id}|${o.problem.rule ?? ''}`;
      const g = grouped.get(k) ?? { code: o.problem.code, rule: o.problem.rule, network: n.network_id, needs: [] };
      g.needs.push(n);
      grouped.set(k, g);
      continue;
    }
    const c = o.choice;
    if (c.via !== 're_ip') continue;
    const rule = n.rules[c.rule];
    const subnet = subnetOf(networks, n.network_id, c.subnet_id);
    if (!rule || !subnet || warned.has(`${c.rule}|${n.network_id}|${subnet.id}`)) continue;
    warned.add(`${c.rule}|${n.network_id}|${subnet.id}`);
    const differs = subnetDiffers(rule, subnet);
    const detail = { network_id: n.network_id, subnet_id: subnet.id, rule_index: c.rule, rule };
    if (differs.gateway) {
      out.push(find('warning', 'reip_gateway_differs', `re-IP rule ${ruleText(rule)} of ${pg} names gateway ${rule.gateway_ip}, but subnet ${subnet.id} (${subnet.cidr}) of network ${n.network_id} on site ${site} hands out ${subnet.gateway_ip ?? 'no gateway'}; Protector does not change the subnet`, { ...detail, subnet_gateway_ip: subnet.gateway_ip }));
    }
    if (differs.dns) {
      const have = subnet.dns_nameservers.length ? subnet.dns_nameservers.join(', ') : 'no DNS servers';
      out.push(find('warning', 'reip_dns_differs', `re-IP rule ${ruleText(rule)} of ${pg} names DNS servers ${(rule.dns_nameservers ?? []).join(', ') || 'none'}, but subnet ${subnet.id} (${subnet.cidr}) of network ${n.network_id} on site ${site} hands out ${have}; Protector does not change the subnet`, { ...detail, subnet_dns_nameservers: subnet.dns_nameservers }));
    }
  }
  for (const g of grouped.values()) {
    const first = g.needs[0]!;
    const rule = g.rule === undefined ? undefined : first.rules[g.rule];
    const who = g.needs.map(portText).join(', ');
    const detail = { network_id: g.network, rule_index: g.rule ?? null, rule: rule ?? null, ports: g.needs.map(portDetail) };
    const subnets = networks.find((x) => x.id === g.network)?.subnets.map((s) => s.cidr).join(', ') || 'none';
    out.push(find('blocker', g.code, groupMessage(g.code, { rule, pg, site, network: g.network, who, count: g.needs.length, subnets }), detail));
  }
  return out;
}

function groupMessage(code: string, o: { rule: ReipRule | undefined; pg: string; site: string; network: string; who: string; count: number; subnets: string }): string {
  const r = `re-IP rule ${ruleText(o.rule)} of ${o.pg}`;
  switch (code) {
    case 'reip_no_target_subnet':
      return `${r}: no subnet of network ${o.network} on site ${o.site} lies in or around ${o.rule?.target_cidr} (its subnets: ${o.subnets}); needed by ${o.who}`;
    case 'reip_ip_version_mismatch': {
      const c = parseCidr(o.rule?.target_cidr ?? '');
      return `${r} gives IPv${c.ok ? c.cidr.version : '?'} addresses, but network ${o.network} on site ${o.site} has no subnet of that IP version (its subnets: ${o.subnets}); needed by ${o.who}`;
    }
    case 'reip_exhausted':
      return `${r}: no free address left in ${o.rule?.target_cidr} on network ${o.network} of site ${o.site} for ${o.count} port(s): ${o.who}`;
    case 'reip_invalid_rule':
      return `${r} cannot be read; needed by ${o.who}`;
    default:
      return `network ${o.network} on site ${o.site} has no subnet for ${o.who} of ${o.pg}`;
  }
}
