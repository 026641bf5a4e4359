import type { MemberPort } from '../../../db/protection-groups.js';
import { isNotFound, isOpenStackError, type Port, type SiteClients } from '@protector/openstack';
import { settleAll } from '../../limits.js';
import { StepError } from '../../workflow.js';
import { planFor, shortId, type PlanOptions, type RecoveryPlan, type RecoveryState } from './plan.js';
import { recordOf, updateRecord, type RecordKey } from './record.js';

export const portKey = (serverId: string, portId: string): string => `${serverId}|${portId}`;
const portName = (opId: string, sourcePortId: string): string => `protector-${shortId(opId)}-${sourcePortId.slice(0, 8)}`;
const drillNetworkName = (opId: string): string => `protector-drill-${shortId(opId)}`;

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** Whether an IPv4 address lies in a CIDR (IPv6: unknown, so the port create is simply tried). */
export function inCidr(ip: string, cidr: string): boolean | null {
  const [net, bitsText] = cidr.split('/');
  const a = ipv4ToInt(ip);
  const b = net === undefined ? null : ipv4ToInt(net);
  const bits = Number(bitsText);
  if (a === null || b === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

/** A subnet of the drill's isolated network, made for a source subnet (same CIDR). */
export type DrillSubnet = { source_subnet_id: string; subnet_id: string; cidr: string };
/** What prepare_network records: the tenant's test network, or the isolated one it made. */
export type DrillNetwork = { network_id: string; created: boolean; subnets?: DrillSubnet[] };

/**
 * Drill only: the network the drill servers attach to. The action's `network_id` (a test
 * network the tenant keeps) is used as it is; otherwise an isolated network is created with one
 * subnet per mapped target subnet, same CIDR (so the drill servers get the addresses a
 * failover would give them, on a network nothing else is on).
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
  const sourceSubnets = [...new Set(plan.members.flatMap((m) => m.details.ports.flatMap((p) => p.fixed_ips.map((f) => f.subnet_id))))];
  const existing = await tenant.neutron.listSubnets({ network_id: net });
  const subnets: DrillSubnet[] = [];
  for (const [i, src] of sourceSubnets.entries()) {
    const mapped = await tenant.neutron.getSubnet(await plan.target('subnet', src));
    const subName = `${name}-${i}`;
    let sub = existing.find((s) => s.name === subName);
    const findSubnet = async () => (await tenant.neutron.listSubnets({ network_id: net })).find((s) => s.name === subName);
    if (!sub) sub = await tenant.neutron.createSubnet({ network_id: net, name: subName, cidr: mapped.cidr, ip_version: mapped.ip_version, enable_dhcp: mapped.enable_dhcp, gateway_ip: null }, { lookup: findSubnet });
    const subId = sub.id;
    if (!rec.subnets.includes(subId)) rec = await updateRecord(ctx, plan.pg.id, 'drill', (r) => void r.subnets.push(subId));
    subnets.push({ source_subnet_id: src, subnet_id: subId, cidr: sub.cidr });
  }
  return { network_id: net, created: true, subnets };
}

interface PortTarget {
  networkId: string;
  /** Source subnet id → target subnet (id and CIDR). */
  subnet(sourceSubnetId: string): Promise<{ id: string; cidr: string }>;
  keepMac: boolean;
}

async function createOne(tenant: SiteClients, p: MemberPort, name: string, target: PortTarget, securityGroups: string[]): Promise<{ port: Port; same_ip: boolean; requested: string[] }> {
  const wanted = await Promise.all(p.fixed_ips.map(async (f) => ({ ...f, target: await target.subnet(f.subnet_id) })));
  const sameIps = wanted.filter((f) => inCidr(f.ip_address, f.target.cidr) !== false).map((f) => ({ subnet_id: f.target.id, ip_address: f.ip_address }));
  const base = { network_id: target.networkId, name, security_groups: securityGroups, description: `Protector: recreated port ${p.id}` };
  const lookup = async () => (await tenant.neutron.listPorts({ name })).find((x) => x.name === name);
  if (sameIps.length === wanted.length && wanted.length > 0) {
    try {
      const port = await tenant.neutron.createPort({ ...base, fixed_ips: sameIps, ...(target.keepMac ? { mac_address: p.mac_address } : {}) }, { lookup });
      return { port, same_ip: true, requested: p.fixed_ips.map((f) => f.ip_address) };
    } catch (err) {
      // Taken, or refused on this subnet: a new address, reported, rather than no server at all.
      if (!isOpenStackError(err) || (err.status !== 409 && err.status !== 400)) throw err;
    }
  }
  const port = await tenant.neutron.createPort({ ...base, fixed_ips: wanted.map((f) => ({ subnet_id: f.target.id })) }, { lookup });
  return { port, same_ip: false, requested: p.fixed_ips.map((f) => f.ip_address) };
}

/**
 * One port per recorded port of every member, on the mapped network and subnet (drill: the
 * drill network), with the same IP addresses (and, failing over, the same MAC) where the
 * target subnet allows; otherwise with new addresses, which the step detail reports. All at
 * once within the engine's Neutron limit for the site.
 */
export async function createPorts(s: RecoveryState, key: RecordKey, opts: PlanOptions & { drillNetwork?: DrillNetwork }) {
  const { ctx, opId } = s;
  const plan: RecoveryPlan = await planFor(s, opts);
  const tenant = await plan.tenant();
  const rec = recordOf(plan.pg.resources, key, opId);
  const drillSubnets = new Map((opts.drillNetwork?.subnets ?? []).map((d) => [d.source_subnet_id, d]));
  const cidrs = new Map<string, Promise<string>>();
  const subnetOf = async (id: string): Promise<{ id: string; cidr: string }> => {
    let cidr = cidrs.get(id);
    if (cidr === undefined) cidrs.set(id, (cidr = tenant.neutron.getSubnet(id).then((x) => x.cidr)));
    return { id, cidr: await cidr };
  };
  const all = plan.members.flatMap((m) => m.details.ports.map((p) => ({ m, p })));
  plan.resolveEarly();
  // What an earlier attempt created and did not record (a crash lost the answer): one list, by name.
  const prefix = portName(opId, '');
  const earlier = all.some(({ m, p }) => !rec.ports[portKey(m.server_id, p.id)])
    ? new Map((await tenant.neutron.listPorts()).filter((x) => x.name.startsWith(prefix)).map((x) => [x.name, x]))
    : new Map<string, Port>();
  const report = await settleAll(all, ({ m, p }) =>
    ctx.limited(plan.targetSiteId, 'neutron', async () => {
      const k = portKey(m.server_id, p.id);
      const name = portName(opId, p.id);
      let port: Port | undefined;
      let sameIp: boolean | null = null;
      const recorded = rec.ports[k];
      if (recorded) port = await tenant.neutron.getPort(recorded).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
      port ??= earlier.get(name);
      if (!port) {
        const securityGroups = await Promise.all(p.security_group_ids.map((sg) => plan.target('security_group', sg)));
        const drillNet = opts.drillNetwork?.network_id;
        const target: PortTarget = drillNet
          ? {
              networkId: drillNet,
              keepMac: false,
              subnet: async (src) => {
                const d = drillSubnets.get(src);
                if (d) return { id: d.subnet_id, cidr: d.cidr };
                // A tenant test network: any of its subnets.
                const s = (await tenant.neutron.listSubnets({ network_id: drillNet }))[0];
                if (!s) throw new StepError(`test network ${drillNet} has no subnet`);
                return { id: s.id, cidr: s.cidr };
              },
            }
          : { networkId: await plan.target('network', p.network_id), keepMac: true, subnet: async (src) => subnetOf(await plan.target('subnet', src)) };
        const made = await createOne(tenant, p, name, target, securityGroups);
        port = made.port;
        sameIp = made.same_ip;
      }
      const id = port.id;
      if (rec.ports[k] !== id) await updateRecord(ctx, plan.pg.id, key, (r) => void (r.ports[k] = id));
      const ips = port.fixed_ips.map((f) => f.ip_address);
      const requested = p.fixed_ips.map((f) => f.ip_address);
      return { server: m.name, source_port_id: p.id, port_id: id, ips, requested_ips: requested, same_ip: sameIp ?? requested.every((ip) => ips.includes(ip)), mac_address: port.mac_address };
    }),
  );
  return { ports: report, new_addresses: report.filter((r) => r.same_ip === false).length };
}
