import { isoSeconds } from '../timestamps.js';
import type { SiteContext } from '../context.js';
import { ApiError, badRequest, conflict, notFound } from '../http/errors.js';
import { macAddress, uuid } from '../ids.js';
import { Collection, type Frozen } from '../store/collection.js';
import { checkPools, defaultPools, firstFree, formatIpv4, hostRange, inCidr, parseCidr, parseIpv4, storedIpv4 } from './ip-allocation.js';
import type { AllocationPool, FixedIp, HostRoute, NetworkRecord, PortRecord, SecurityGroupRecord, SubnetRecord } from './records.js';
import { SecurityGroups } from './security-groups.js';

export interface NetworkSpec {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  shared?: boolean;
  'router:external'?: boolean;
  mtu?: number;
  port_security_enabled?: boolean;
  availability_zone_hints?: string[];
}

export interface SubnetSpec {
  network_id: string;
  cidr: string;
  ip_version?: number;
  name?: string;
  description?: string;
  /** null: no gateway; absent: the first host address. */
  gateway_ip?: string | null;
  allocation_pools?: AllocationPool[];
  enable_dhcp?: boolean;
  dns_nameservers?: string[];
  host_routes?: HostRoute[];
}

export type SubnetPatch = Partial<Pick<SubnetSpec, 'name' | 'description' | 'gateway_ip' | 'allocation_pools' | 'enable_dhcp' | 'dns_nameservers' | 'host_routes'>>;

export interface PortSpec {
  network_id: string;
  fixed_ips?: { subnet_id?: string; ip_address?: string }[];
  /** Security group ids. */
  security_groups?: string[];
  name?: string;
  mac_address?: string;
  description?: string;
  admin_state_up?: boolean;
  device_id?: string;
  device_owner?: string;
  port_security_enabled?: boolean;
  'binding:host_id'?: string;
}

export type PortPatch = Partial<Omit<PortSpec, 'network_id' | 'mac_address'>>;

export interface Quota {
  network: number;
  subnet: number;
  port: number;
  security_group: number;
  security_group_rule: number;
  router: number;
  floatingip: number;
  rbac_policy: number;
  subnetpool: number;
}

export const DEFAULT_QUOTA: Quota = {
  network: 100,
  subnet: 100,
  port: 500,
  security_group: 10,
  security_group_rule: 100,
  router: 10,
  floatingip: 50,
  rbac_policy: 10,
  subnetpool: -1,
};

export const networkNotFound = (id: string) => notFound(`Network ${id} could not be found.`, 'NetworkNotFound');
export const subnetNotFound = (id: string) => notFound(`Subnet ${id} could not be found.`, 'SubnetNotFound');
export const portNotFound = (id: string) => notFound(`Port ${id} could not be found.`, 'PortNotFound');

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Neutron's state for one site: networks, subnets, ports, security groups, quotas. */
export class NeutronModel {
  readonly networks: Collection<NetworkRecord>;
  readonly subnets: Collection<SubnetRecord>;
  readonly ports: Collection<PortRecord>;
  readonly securityGroups: SecurityGroups;
  readonly quotas: Collection<Partial<Quota> & { id: string }>;

  constructor(readonly ctx: SiteContext) {
    this.networks = new Collection(ctx.db, 'neutron_networks', 'project_id');
    this.subnets = new Collection(ctx.db, 'neutron_subnets', 'network_id');
    this.ports = new Collection(ctx.db, 'neutron_ports', 'network_id', 'device_id');
    this.securityGroups = new SecurityGroups(ctx);
    this.quotas = new Collection(ctx.db, 'neutron_quotas');
  }

  private now(): string {
    return isoSeconds(this.ctx.clock.now());
  }

  private std(projectId: string, name = '', description = '') {
    const now = this.now();
    return { id: uuid(), name, description, project_id: projectId, tenant_id: projectId, tags: [], created_at: now, updated_at: now, revision_number: 1 };
  }

  // ---- quotas ----

  quotaOf(projectId: string): Quota {
    const stored = this.quotas.get(projectId);
    const { id: _id, ...limits } = stored ?? { id: projectId };
    return { ...DEFAULT_QUOTA, ...limits };
  }

  setQuota(projectId: string, change: Partial<Quota>): Quota {
    const stored = this.quotas.get(projectId) ?? { id: projectId };
    this.quotas.put({ ...stored, ...change, id: projectId });
    return this.quotaOf(projectId);
  }

  usage(projectId: string): Record<keyof Quota, number> {
    const groups = this.securityGroups.ofProject(projectId);
    const ofProject = (d: { project_id: string }) => d.project_id === projectId;
    return {
      network: this.networks.views(undefined, projectId).length,
      subnet: this.subnets.views(ofProject).length,
      port: this.ports.views(ofProject).length,
      security_group: groups.length,
      security_group_rule: groups.reduce((n, g) => n + this.securityGroups.rulesOf(g.id).length, 0),
      router: 0,
      floatingip: 0,
      rbac_policy: 0,
      subnetpool: 0,
    };
  }

  /** Throws OverQuota when one more `resource` would exceed the project's limit. */
  checkQuota(projectId: string, resource: keyof Quota, adding = 1): void {
    const limit = this.quotaOf(projectId)[resource];
    if (limit >= 0 && this.usage(projectId)[resource] + adding > limit) {
      throw conflict(`Quota exceeded for resources: ['${resource}'].`, 'OverQuota');
    }
  }

  // ---- networks ----

  /** The shared read-only network; `mustGetNetwork` gives a copy to change. */
  getNetwork(id: string): Frozen<NetworkRecord> | undefined {
    return this.networks.view(id);
  }

  /**
   * A network the project may attach to: its own, a shared one, or any for admins. External
   * networks are listed to everyone but (as Nova's ExternalNetworkAttachForbidden has it) not
   * attachable unless shared.
   */
  visibleNetwork(id: string, projectId: string, isAdmin: boolean): NetworkRecord | undefined {
    const net = this.networks.get(id);
    if (!net) return undefined;
    return isAdmin || net.project_id === projectId || net.shared ? net : undefined;
  }

  mustGetNetwork(id: string): NetworkRecord {
    const net = this.networks.get(id);
    if (!net) throw networkNotFound(id);
    return net;
  }

  createNetwork(projectId: string, spec: NetworkSpec): NetworkRecord {
    this.checkQuota(projectId, 'network');
    return this.networks.insert({
      ...this.std(projectId, spec.name, spec.description),
      admin_state_up: spec.admin_state_up ?? true,
      status: 'ACTIVE',
      subnets: [],
      shared: spec.shared ?? false,
      'router:external': spec['router:external'] ?? false,
      mtu: spec.mtu ?? 1500,
      port_security_enabled: spec.port_security_enabled ?? true,
      availability_zone_hints: spec.availability_zone_hints ?? [],
      availability_zones: ['nova'],
      ipv4_address_scope: null,
      ipv6_address_scope: null,
      is_default: false,
      'provider:network_type': 'vxlan',
      'provider:physical_network': null,
      'provider:segmentation_id': 1000 + this.networks.count(),
    });
  }

  updateNetwork(id: string, patch: NetworkSpec): NetworkRecord {
    this.mustGetNetwork(id);
    return this.networks.update(id, (n) => {
      Object.assign(n, patch);
      n.updated_at = this.now();
      n.revision_number += 1;
    })!;
  }

  deleteNetwork(id: string): void {
    this.mustGetNetwork(id);
    const ports = this.ports.list(undefined, id);
    // Neutron removes its own DHCP ports itself; anything else keeps the network busy.
    if (ports.some((p) => p.device_owner !== 'network:dhcp')) {
      throw conflict(`Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`, 'NetworkInUse');
    }
    for (const p of ports) this.ports.delete(p.id);
    for (const s of this.subnets.list(undefined, id)) this.subnets.delete(s.id);
    this.networks.delete(id);
  }

  // ---- subnets ----

  getSubnet(id: string): SubnetRecord | undefined {
    return this.subnets.get(id);
  }

  mustGetSubnet(id: string): SubnetRecord {
    const subnet = this.subnets.get(id);
    if (!subnet) throw subnetNotFound(id);
    return subnet;
  }

  createSubnet(projectId: string, spec: SubnetSpec): SubnetRecord {
    const net = this.mustGetNetwork(spec.network_id);
    if ((spec.ip_version ?? 4) !== 4) throw badRequest('Invalid input for ip_version. Reason: only IPv4 subnets are simulated.', 'InvalidInput');
    const cidr = parseCidr(spec.cidr);
    const cidrText = `${formatIpv4(cidr.base)}/${cidr.prefix}`;
    for (const other of this.subnets.list(undefined, net.id)) {
      const o = parseCidr(other.cidr);
      if (cidr.base <= o.last && cidr.last >= o.base) {
        throw badRequest(`Invalid input for operation: Requested subnet with cidr: ${cidrText} for network: ${net.id} overlaps with another subnet.`, 'InvalidInput');
      }
    }
    this.checkQuota(projectId, 'subnet');
    const gateway = this.gatewayFor(cidr, spec.gateway_ip === undefined ? formatIpv4(hostRange(cidr).first) : spec.gateway_ip);
    const pools = spec.allocation_pools ?? defaultPools(cidr, gateway);
    checkPools(cidr, pools, gateway);
    const subnet = this.subnets.insert({
      ...this.std(projectId, spec.name, spec.description),
      network_id: net.id,
      ip_version: 4,
      cidr: cidrText,
      gateway_ip: gateway === undefined ? null : formatIpv4(gateway),
      allocation_pools: pools,
      dns_nameservers: spec.dns_nameservers ?? [],
      host_routes: spec.host_routes ?? [],
      enable_dhcp: spec.enable_dhcp ?? true,
      ipv6_ra_mode: null,
      ipv6_address_mode: null,
      subnetpool_id: null,
      service_types: [],
    });
    this.networks.update(net.id, (n) => {
      n.subnets.push(subnet.id);
      n.revision_number += 1;
    });
    return subnet;
  }

  private gatewayFor(cidr: ReturnType<typeof parseCidr>, text: string | null): number | undefined {
    if (text === null) return undefined;
    const gw = parseIpv4(text);
    if (gw === undefined) throw badRequest(`Invalid input for gateway_ip. Reason: '${text}' is not a valid IP address.`, 'InvalidInput');
    if (!inCidr(cidr, gw) || (cidr.prefix < 31 && (gw === cidr.base || gw === cidr.last))) {
      throw badRequest(`Invalid input for operation: Gateway is not valid on subnet.`, 'InvalidInput');
    }
    return gw;
  }

  updateSubnet(id: string, patch: SubnetPatch): SubnetRecord {
    const subnet = this.mustGetSubnet(id);
    const cidr = parseCidr(subnet.cidr);
    const gwText = patch.gateway_ip === undefined ? subnet.gateway_ip : patch.gateway_ip;
    const gateway = this.gatewayFor(cidr, gwText);
    const pools = patch.allocation_pools ?? subnet.allocation_pools;
    if (patch.gateway_ip !== undefined || patch.allocation_pools !== undefined) checkPools(cidr, pools, gateway);
    return this.subnets.update(id, (s) => {
      Object.assign(s, patch);
      s.gateway_ip = gateway === undefined ? null : formatIpv4(gateway);
      s.updated_at = this.now();
      s.revision_number += 1;
    })!;
  }

  deleteSubnet(id: string): void {
    const subnet = this.mustGetSubnet(id);
    const users = this.ports.list((p) => p.fixed_ips.some((f) => f.subnet_id === id), subnet.network_id);
    if (users.some((p) => p.device_owner !== 'network:dhcp')) {
      throw conflict(`Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`, 'SubnetInUse');
    }
    for (const p of users) this.ports.delete(p.id);
    this.subnets.delete(id);
    this.networks.update(subnet.network_id, (n) => {
      n.subnets = n.subnets.filter((s) => s !== id);
      n.revision_number += 1;
    });
  }

  // ---- ports ----

  /** The shared read-only port; `mustGetPort` gives a copy to change. */
  getPort(id: string): Frozen<PortRecord> | undefined {
    return this.ports.view(id);
  }

  mustGetPort(id: string): PortRecord {
    const port = this.ports.get(id);
    if (!port) throw portNotFound(id);
    return port;
  }

  portsOfDevice(deviceId: string): PortRecord[] {
    // Indexed: Nova renders every server's addresses from this, so a scan would make lists O(n²).
    return deviceId === '' ? this.ports.list((p) => p.device_id === '') : this.ports.listByRef(deviceId);
  }

  findSecurityGroup(projectId: string, nameOrId: string): SecurityGroupRecord | undefined {
    return this.securityGroups.find(projectId, nameOrId);
  }

  createPort(projectId: string, spec: PortSpec): PortRecord {
    const net = this.mustGetNetwork(spec.network_id);
    this.checkQuota(projectId, 'port');
    let mac = spec.mac_address?.toLowerCase();
    if (mac !== undefined) {
      if (!MAC.test(mac)) throw badRequest(`Invalid input for mac_address. Reason: '${spec.mac_address}' is not a valid MAC address.`, 'InvalidInput');
      if (this.ports.views((p) => p.mac_address === mac, net.id).length > 0) {
        throw conflict(`Unable to complete operation for network ${net.id}. The mac address ${mac} is in use.`, 'MacAddressInUse');
      }
    }
    const siblings = this.ports.views(undefined, net.id);
    while (mac === undefined || siblings.some((p) => p.mac_address === mac)) mac = macAddress();
    const fixedIps = this.allocate(net, spec.fixed_ips, undefined);
    const deviceOwner = spec.device_owner ?? '';
    const portSecurity = spec.port_security_enabled ?? net.port_security_enabled;
    const groups = portSecurity && !deviceOwner.startsWith('network:') ? this.groupsFor(projectId, spec.security_groups) : [];
    if (!portSecurity && spec.security_groups?.length) {
      throw conflict('Port has security group associated. Cannot disable port security or ip address until security group is removed', 'PortSecurityAndIPRequiredForSecurityGroups');
    }
    const host = spec['binding:host_id'] ?? '';
    return this.ports.insert({
      ...this.std(projectId, spec.name, spec.description),
      network_id: net.id,
      mac_address: mac,
      admin_state_up: spec.admin_state_up ?? true,
      status: host ? 'ACTIVE' : 'DOWN',
      fixed_ips: fixedIps,
      security_groups: groups,
      device_id: spec.device_id ?? '',
      device_owner: deviceOwner,
      allowed_address_pairs: [],
      extra_dhcp_opts: [],
      port_security_enabled: portSecurity,
      'binding:host_id': host,
      'binding:vif_type': host ? 'ovs' : 'unbound',
      'binding:vnic_type': 'normal',
      'binding:vif_details': host ? { port_filter: true, connectivity: 'l2' } : {},
      'binding:profile': {},
    });
  }

  /** Ids of the given groups (which must be the project's), or the project's default group. */
  private groupsFor(projectId: string, ids: string[] | undefined): string[] {
    if (ids === undefined) return [this.securityGroups.ensureDefault(projectId).id];
    return [...new Set(ids)].map((id) => {
      const g = this.securityGroups.get(id);
      if (!g || (g.project_id !== projectId && !g.shared)) throw notFound(`Security group ${id} does not exist`, 'SecurityGroupNotFound');
      return g.id;
    });
  }

  /**
   * Resolves requested fixed IPs on a network (or one IP from the first subnet with room when
   * none are requested). `keep` is the port being updated, whose own addresses stay usable.
   */
  private allocate(net: NetworkRecord, requested: PortSpec['fixed_ips'], keep: PortRecord | undefined): FixedIp[] {
    const subnets = this.subnets.views(undefined, net.id);
    const taken = new Map<string, Set<number>>();
    const takenOf = (s: Frozen<SubnetRecord>): Set<number> => {
      let set = taken.get(s.id);
      if (!set) {
        set = new Set<number>();
        for (const p of this.ports.views(undefined, net.id)) {
          if (p.id === keep?.id) continue;
          for (const f of p.fixed_ips) if (f.subnet_id === s.id) set.add(storedIpv4(f.ip_address));
        }
        if (s.gateway_ip) set.add(storedIpv4(s.gateway_ip));
        taken.set(s.id, set);
      }
      return set;
    };
    const exhausted = () => conflict(`No more IP addresses available on network ${net.id}.`, 'IpAddressGenerationFailure');
    if (requested === undefined) {
      if (subnets.length === 0) return [];
      for (const s of subnets) {
        const ip = firstFree(s.allocation_pools, takenOf(s));
        if (ip !== undefined) return [{ subnet_id: s.id, ip_address: formatIpv4(ip) }];
      }
      throw exhausted();
    }
    const result: FixedIp[] = [];
    for (const req of requested) {
      let subnet: Frozen<SubnetRecord> | undefined;
      if (req.subnet_id !== undefined) {
        subnet = subnets.find((s) => s.id === req.subnet_id);
        if (!subnet) {
          throw badRequest(`Invalid input for operation: Failed to create port on network ${net.id}, because fixed_ips included invalid subnet ${req.subnet_id}.`, 'InvalidInput');
        }
      }
      if (req.ip_address !== undefined) {
        const ip = parseIpv4(req.ip_address);
        if (ip === undefined) throw badRequest(`Invalid input for fixed_ips. Reason: '${req.ip_address}' is not a valid IP address.`, 'InvalidInput');
        if (subnet) {
          const cidr = parseCidr(subnet.cidr);
          const range = hostRange(cidr);
          if (ip < range.first || ip > range.last) {
            throw badRequest(`IP address ${req.ip_address} is not a valid IP for the specified subnet.`, 'InvalidIpForSubnet');
          }
        } else {
          subnet = subnets.find((s) => {
            const r = hostRange(parseCidr(s.cidr));
            return ip >= r.first && ip <= r.last;
          });
          if (!subnet) throw badRequest(`IP address ${req.ip_address} is not a valid IP for any of the subnets on the specified network.`, 'InvalidIpForNetwork');
        }
        const set = takenOf(subnet);
        if (set.has(ip)) throw conflict(`IP address ${req.ip_address} already allocated in subnet ${subnet.id}`, 'IpAddressAlreadyAllocated');
        set.add(ip);
        result.push({ subnet_id: subnet.id, ip_address: formatIpv4(ip) });
      } else if (subnet) {
        const ip = firstFree(subnet.allocation_pools, takenOf(subnet));
        if (ip === undefined) throw exhausted();
        takenOf(subnet).add(ip);
        result.push({ subnet_id: subnet.id, ip_address: formatIpv4(ip) });
      } else {
        throw badRequest('Invalid input for fixed_ips. Reason: each entry needs subnet_id or ip_address.', 'InvalidInput');
      }
    }
    return result;
  }

  updatePort(id: string, patch: PortPatch): PortRecord {
    const port = this.mustGetPort(id);
    const fixedIps = patch.fixed_ips !== undefined ? this.allocate(this.mustGetNetwork(port.network_id), patch.fixed_ips, port) : port.fixed_ips;
    const portSecurity = patch.port_security_enabled ?? port.port_security_enabled;
    let groups = patch.security_groups !== undefined ? this.groupsFor(port.project_id, patch.security_groups) : port.security_groups;
    if (!portSecurity) {
      if (patch.security_groups?.length) {
        throw conflict('Port has security group associated. Cannot disable port security or ip address until security group is removed', 'PortSecurityAndIPRequiredForSecurityGroups');
      }
      if (patch.port_security_enabled === false && patch.security_groups === undefined && groups.length > 0) {
        throw conflict('Port has security group associated. Cannot disable port security or ip address until security group is removed', 'PortSecurityAndIPRequiredForSecurityGroups');
      }
      groups = [];
    }
    return this.ports.update(id, (p) => {
      const { fixed_ips: _f, security_groups: _s, 'binding:host_id': host, ...rest } = patch;
      Object.assign(p, rest);
      p.fixed_ips = fixedIps;
      p.security_groups = groups;
      p.port_security_enabled = portSecurity;
      if (host !== undefined) this.applyBinding(p, host);
      p.updated_at = this.now();
      p.revision_number += 1;
    })!;
  }

  private applyBinding(p: PortRecord, host: string): void {
    p['binding:host_id'] = host;
    p['binding:vif_type'] = host ? 'ovs' : 'unbound';
    p['binding:vif_details'] = host ? { port_filter: true, connectivity: 'l2' } : {};
    p.status = host ? 'ACTIVE' : 'DOWN';
  }

  deletePort(portId: string): void {
    this.mustGetPort(portId);
    this.ports.delete(portId);
  }

  /** Attaches a port to a device on a host, as Nova does when plugging an instance's VIF. */
  bindPort(portId: string, device: { device_id: string; device_owner: string; host_id: string }): PortRecord {
    const port = this.mustGetPort(portId);
    if (port.device_id && port.device_id !== device.device_id) {
      throw new ApiError(409, `Unable to complete operation on port ${portId} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`, 'PortInUse');
    }
    return this.ports.update(portId, (p) => {
      p.device_id = device.device_id;
      p.device_owner = device.device_owner;
      this.applyBinding(p, device.host_id);
      p.status = 'ACTIVE';
      p.updated_at = this.now();
      p.revision_number += 1;
    })!;
  }

  unbindPort(portId: string): void {
    this.mustGetPort(portId);
    this.ports.update(portId, (p) => {
      p.device_id = '';
      p.device_owner = '';
      this.applyBinding(p, '');
      p.updated_at = this.now();
      p.revision_number += 1;
    });
  }

  /** Whether any port still refers to a security group. */
  groupInUse(groupId: string): boolean {
    return this.ports.views((p) => p.security_groups.includes(groupId)).length > 0;
  }
}
