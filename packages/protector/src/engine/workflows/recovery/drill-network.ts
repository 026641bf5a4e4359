import { isNotFound } from '@protector/openstack';
import type { WorkflowContext } from '../../context.js';
import { AddressPlanner } from '../../reip/addresses.js';
import { planNetworks, portNeeds, type Placement } from '../../reip/inputs.js';
import { resolveAll } from '../../prechecks/index.js';
import { StepError } from '../../workflow.js';
import { planFor, shortId, type PlanOptions, type RecoveryPlan, type RecoveryState } from './plan.js';
import { recordOf, updateRecord } from './record.js';

const drillNetworkName = (opId: string): string => `protector-drill-${shortId(opId)}`;

/**
 * A subnet of the drill's isolated network: a copy (same CIDR) of a target subnet the run's
 * addresses use. (`source_subnet_id`: what drills recorded before re-IP rules, without the target.)
 */
export type DrillSubnet = { target_subnet_id?: string; source_subnet_id?: string; subnet_id: string; cidr: string; target_gateway_ip?: string | null };
/** What prepare_network records: the tenant's test network, or the isolated one it made. */
export type DrillNetwork = { network_id: string; created: boolean; subnets?: DrillSubnet[] };

/** A member's port with no network mapping: the same words the mapping lookup uses. */
async function requireNetworks(plan: RecoveryPlan, unmapped: readonly string[]): Promise<void> {
  for (const id of unmapped) await plan.target('network', id);
}

/**
 * The target subnets the run's addresses use, in a stable order: planned as create_ports plans
 * them (re-IP rules included), on the mapped networks with nothing taken, as the isolated copy
 * starts empty. Problems are create_ports' (and the pre-check's) to report.
 */
async function usedTargetSubnets(ctx: WorkflowContext, plan: RecoveryPlan): Promise<string[]> {
  const ports = portNeeds(plan.members, await resolveAll(ctx, plan.input));
  await requireNetworks(plan, ports.filter((x) => x.mapped_network === null).map((x) => x.p.network_id));
  const needs = ports.flatMap((x) => x.needs);
  const networks = await planNetworks(await plan.tenant(), needs.map((n) => n.network_id), () => false);
  const used = new AddressPlanner(networks).plan(needs).flatMap((o) => (o.ok ? [o.choice.subnet_id] : []));
  return [...new Set(used)];
}

/**
 * Drill only: the network the drill servers attach to. The action's `network_id` (a test
 * network the tenant keeps) is used as it is; otherwise an isolated network is created with a
 * copy (same CIDR) of each target subnet the drill's addresses use, so the drill servers get the
 * addresses a failover would give them (re-IP rules included), on a network nothing else is on.
 */
export async function prepareDrillNetwork(s: RecoveryState, opts: PlanOptions & { networkId?: string }): Promise<DrillNetwork> {
  const { ctx, opId } = s;
  const plan = await planFor(s, opts);
  const tenant = await plan.tenant();
  if (opts.networkId) {
    try {
      await tenant.neutron.getNetwork(opts.networkId);
    } catch (err) {
      if (isNotFound(err)) throw new StepError(`test network ${opts.networkId} does not exist on the target site or is not visible to the project`, { network_id: opts.networkId });
      throw err;
    }
    return { network_id: opts.networkId, created: false };
  }
  let rec = recordOf(plan.pg.resources, 'drill', opId);
  const name = drillNetworkName(opId);
  let networkId = rec.networks[0] ?? (await tenant.neutron.listNetworks({ name }))[0]?.id;
  // Each create carries its deterministic name, so a retried one is looked up before it is sent again.
  const findNetwork = async () => (await tenant.neutron.listNetworks({ name }))[0];
  if (!networkId) networkId = (await tenant.neutron.createNetwork({ name, description: `Isolated network of Protector drill ${opId}` }, { lookup: findNetwork })).id;
  const net = networkId;
  if (!rec.networks.includes(net)) rec = await updateRecord(ctx, plan.pg.id, 'drill', (r) => void r.networks.push(net));
  const existing = await tenant.neutron.listSubnets({ network_id: net });
  const subnets: DrillSubnet[] = [];
  for (const [i, target] of (await usedTargetSubnets(ctx, plan)).entries()) {
    const mapped = await tenant.neutron.getSubnet(target);
    // Two target networks may use one CIDR; the isolated network holds it once.
    const twin = subnets.find((d) => d.cidr === mapped.cidr);
    if (twin) {
      subnets.push({ ...twin, target_subnet_id: target });
      continue;
    }
    const subName = `${name}-${i}`;
    let sub = existing.find((x) => x.name === subName);
    const findSubnet = async () => (await tenant.neutron.listSubnets({ network_id: net })).find((x) => x.name === subName);
    if (!sub) sub = await tenant.neutron.createSubnet({ network_id: net, name: subName, cidr: mapped.cidr, ip_version: mapped.ip_version, enable_dhcp: mapped.enable_dhcp, gateway_ip: null }, { lookup: findSubnet });
    const subId = sub.id;
    if (!rec.subnets.includes(subId)) rec = await updateRecord(ctx, plan.pg.id, 'drill', (r) => void r.subnets.push(subId));
    subnets.push({ target_subnet_id: target, subnet_id: subId, cidr: sub.cidr, target_gateway_ip: mapped.gateway_ip });
  }
  return { network_id: net, created: true, subnets };
}

/**
 * The addresses a drill's isolated network must not hand out although nothing holds them there:
 * the target subnets' gateways, which a failover would not give either (the copies have none).
 */
export const drillReserved = (d: DrillNetwork | undefined): string[] => (d?.created ? (d.subnets ?? []).flatMap((x) => (x.target_gateway_ip ? [x.target_gateway_ip] : [])) : []);

/** Where a drill's ports go: the tenant's test network, or the isolated copy of the target subnets. */
export function drillPlacement(d: DrillNetwork): Placement {
  const copies = new Map((d.subnets ?? []).flatMap((x) => (x.target_subnet_id ? [[x.target_subnet_id, x.subnet_id] as const] : [])));
  return (_net, sub) => ({ network_id: d.network_id, mapped_subnet: sub === null ? null : (copies.get(sub) ?? null) });
}
