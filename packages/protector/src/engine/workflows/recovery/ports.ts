import type { MemberPort } from '../../../db/protection-groups.js';
import { isOpenStackError, isNotFound, type Port, type SiteClients } from '@protector/openstack';
import { settleAll } from '../../limits.js';
import { resolveAll } from '../../prechecks/index.js';
import { AddressPlanner, type AddressNeed, type AddressOutcome } from '../../reip/addresses.js';
import { planNetworks, portNeeds, type PortNeeds } from '../../reip/inputs.js';
import { byServer, describePort } from '../../reip/report.js';
import { StepError } from '../../workflow.js';
import { drillPlacement, drillReserved, type DrillNetwork } from './drill-network.js';
import { planFor, shortId, type PlanOptions, type RecoveryPlan, type RecoveryState } from './plan.js';
import { recordOf, updateRecord, type RecordKey } from './record.js';

export { prepareDrillNetwork, type DrillNetwork, type DrillSubnet } from './drill-network.js';

export const portKey = (serverId: string, portId: string): string => `${serverId}|${portId}`;
const portName = (opId: string, sourcePortId: string): string => `protector-${shortId(opId)}-${sourcePortId.slice(0, 8)}`;

/** How often one port is planned again when Neutron refuses its addresses (taken meanwhile by someone else). */
const ADDRESS_ATTEMPTS = 5;

/** The sentence for an address the planner could not place (the pre-check reports the same, with more). */
function problemText(o: AddressOutcome & { ok: false }): string {
  const n = o.need;
  const rule = o.problem.rule === undefined ? undefined : n.rules[o.problem.rule];
  const which = rule ? `re-IP rule ${rule.source_cidr} -> ${rule.target_cidr}` : '';
  switch (o.problem.code) {
    case 'reip_no_rule':
      return `${n.ip_address} of server ${n.server} cannot be kept on network ${n.network_id} and no re-IP rule of its network mapping contains it`;
    case 'reip_no_target_subnet':
    case 'reip_ip_version_mismatch':
      return `${which} (for ${n.ip_address} of server ${n.server}): no subnet of network ${n.network_id} lies in its target CIDR`;
    case 'reip_exhausted':
      return `${which} (for ${n.ip_address} of server ${n.server}): no free address left in ${rule?.target_cidr} on network ${n.network_id}`;
    case 'reip_invalid_rule':
      return `${which || 're-IP rule'} of the network mapping for server ${n.server} cannot be read`;
    case 'no_subnet':
      return `network ${n.network_id} has no subnet for ${n.ip_address} of server ${n.server}`;
  }
}

/** Which of the port's requested addresses Neutron's refusal names (all of them when it names none). */
function refused(err: { detail: string }, outcomes: readonly AddressOutcome[]): AddressOutcome[] {
  const asked = outcomes.filter((o) => o.ok && o.choice.via !== 'allocated');
  const named = asked.filter((o) => o.ok && o.choice.via !== 'allocated' && err.detail.includes(o.choice.ip_address));
  return named.length > 0 ? named : asked;
}

/**
 * Creates one port with the planned addresses (and, failing over, the member's MAC). When Neutron
 * refuses an address (409 taken since the plan, 400 not usable on the subnet), that address is
 * excluded and the port planned again; a MAC in use is dropped rather than the port.
 */
async function createOne(tenant: SiteClients, x: PortNeeds, name: string, planner: AddressPlanner, first: AddressOutcome[], o: { keepMac: boolean; securityGroups: string[] }): Promise<Port> {
  const base = { network_id: x.network_id ?? '', name, security_groups: o.securityGroups, description: `Protector: recreated port ${x.p.id}` };
  const lookup = async () => (await tenant.neutron.listPorts({ name })).find((y) => y.name === name);
  let outcomes = first;
  let mac = o.keepMac;
  for (let attempt = 1; ; attempt++) {
    const bad = outcomes.find((y): y is AddressOutcome & { ok: false } => !y.ok);
    if (bad) throw new StepError(problemText(bad), { server_id: x.m.server_id, port_id: x.p.id, ...bad.problem });
    const fixed_ips = outcomes.map((y) => (y.ok && y.choice.via !== 'allocated' ? { subnet_id: y.choice.subnet_id, ip_address: y.choice.ip_address } : { subnet_id: y.ok ? y.choice.subnet_id : '' }));
    try {
      return await tenant.neutron.createPort({ ...base, fixed_ips, ...(mac ? { mac_address: x.p.mac_address } : {}) }, { lookup });
    } catch (err) {
      if (!isOpenStackError(err) || (err.status !== 409 && err.status !== 400) || attempt >= ADDRESS_ATTEMPTS) throw err;
      if (err.code === 'MacAddressInUse' && mac) {
        mac = false;
        continue;
      }
      const again = refused(err, outcomes);
      if (again.length === 0) throw err;
      for (const y of again) if (y.ok && y.choice.via !== 'allocated') planner.exclude(y.need.network_id, y.choice.ip_address);
      outcomes = outcomes.map((y) => (again.includes(y) ? planner.one(y.need) : y));
    }
  }
}

/**
 * One port per recorded port of every member, on the mapped network (drill: the drill network),
 * with the addresses the planner chose (reip/addresses.ts: kept where the target subnet allows,
 * else the network mapping's re-IP rules, else Neutron's pick) and, failing over, the same MAC.
 * Every address is reported per server, old and new. All at once within the engine's Neutron
 * limit for the site.
 */
export async function createPorts(s: RecoveryState, key: RecordKey, opts: PlanOptions & { drillNetwork?: DrillNetwork }) {
  const { ctx, opId } = s;
  const plan: RecoveryPlan = await planFor(s, opts);
  const tenant = await plan.tenant();
  const rec = recordOf(plan.pg.resources, key, opId);
  // What an earlier attempt created and did not record (a crash lost the answer): one list, by name, beside the mappings' resolution.
  const prefix = portName(opId, '');
  const unrecorded = plan.members.some((m) => m.details.ports.some((p) => !rec.ports[portKey(m.server_id, p.id)]));
  const [resolutions, earlier] = await Promise.all([
    resolveAll(ctx, plan.input),
    unrecorded ? tenant.neutron.listPorts().then((list) => new Map(list.filter((x) => x.name.startsWith(prefix)).map((x) => [x.name, x]))) : new Map<string, Port>(),
  ]);
  const all = portNeeds(plan.members, resolutions, opts.drillNetwork ? drillPlacement(opts.drillNetwork) : undefined);
  // Plan the ports still to make, on the networks as they are now (what this run made already is taken there).
  const toMake = all.filter((x) => !rec.ports[portKey(x.m.server_id, x.p.id)] && !earlier.has(portName(opId, x.p.id)));
  for (const x of toMake) if (x.mapped_network === null) await plan.target('network', x.p.network_id);
  const needs: AddressNeed[] = toMake.flatMap((x) => x.needs);
  const withRules = new Set(needs.filter((n) => n.rules.length > 0).map((n) => n.network_id));
  // Every port's network, in case a recorded port turns out gone and is made again.
  const networks = await planNetworks(tenant, all.flatMap((x) => x.needs.map((n) => n.network_id)), (id) => withRules.has(id));
  const reserved = drillReserved(opts.drillNetwork);
  const planner = new AddressPlanner(networks.map((n) => (n.id === opts.drillNetwork?.network_id ? { ...n, taken: [...n.taken, ...reserved] } : n)));
  const planned = new Map<AddressNeed, AddressOutcome>(planner.plan(needs).map((o) => [o.need, o]));
  const report = await settleAll(all, (x) =>
    ctx.limited(plan.targetSiteId, 'neutron', async () => {
      const { m, p } = x;
      const k = portKey(m.server_id, p.id);
      const name = portName(opId, p.id);
      let port: Port | undefined;
      const recorded = rec.ports[k];
      if (recorded) port = await tenant.neutron.getPort(recorded).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
      port ??= earlier.get(name);
      if (!port) {
        const securityGroups = await Promise.all(p.security_group_ids.map((sg) => plan.target('security_group', sg)));
        // A port recorded but gone since is planned now, with what is free now.
        const first = x.needs.map((n) => planned.get(n) ?? planner.one(n));
        port = await createOne(tenant, x, name, planner, first, { keepMac: !opts.drillNetwork, securityGroups });
      }
      const id = port.id;
      if (rec.ports[k] !== id) await updateRecord(ctx, plan.pg.id, key, (r) => void (r.ports[k] = id));
      return portReport(x, p, port);
    }),
  );
  return {
    ports: report.map(({ addresses: _a, ...r }) => r),
    new_addresses: report.filter((r) => !r.same_ip).length,
    vm_addresses: byServer(report.map((r) => ({ server_id: r.server_id, server: r.server, addresses: r.addresses }))),
  };
}

function portReport(x: PortNeeds, p: MemberPort, port: Port) {
  const ips = port.fixed_ips.map((f) => f.ip_address);
  const requested = p.fixed_ips.map((f) => f.ip_address);
  const addresses = describePort(p, port.id, port.fixed_ips, x.rules);
  return { server: x.m.name, server_id: x.m.server_id, source_port_id: p.id, port_id: port.id, ips, requested_ips: requested, same_ip: addresses.every((a) => a.via === 'kept'), mac_address: port.mac_address, addresses };
}
