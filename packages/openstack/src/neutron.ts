import type { CreateNetworkRequest, CreatePortRequest, CreateSubnetRequest, Network, NetworkQuota, NeutronFilter, Port, SecurityGroup, Subnet } from './neutron-types.js';
import { ServiceApi, ServiceClient, seg, type CreateOptions } from './service-api.js';
import type { KeystoneSession } from './session.js';

/** Neutron v2.0; the catalog URL is the service root, so paths carry /v2.0. */
export class NeutronClient extends ServiceClient {
  constructor(session: KeystoneSession) {
    super(new ServiceApi(session, { service: 'neutron', catalogTypes: ['network'] }));
  }

  async listNetworks(filter: NeutronFilter = {}): Promise<Network[]> {
    return this.api.listAll<Network>('/v2.0/networks', 'networks', filter);
  }

  async getNetwork(id: string): Promise<Network> {
    return (await this.api.get<{ network: Network }>(`/v2.0/networks/${seg(id)}`)).network;
  }

  /** With `lookup`, see CreateOptions. */
  async createNetwork(req: CreateNetworkRequest, opts: CreateOptions<Network> = {}): Promise<Network> {
    return this.api.create('/v2.0/networks', { network: req }, (a: { network: Network }) => a.network, opts);
  }

  /** Neutron refuses (409) while the network still has ports in use. */
  async deleteNetwork(id: string): Promise<void> {
    await this.api.delete(`/v2.0/networks/${seg(id)}`);
  }

  async listSubnets(filter: NeutronFilter = {}): Promise<Subnet[]> {
    return this.api.listAll<Subnet>('/v2.0/subnets', 'subnets', filter);
  }

  async getSubnet(id: string): Promise<Subnet> {
    return (await this.api.get<{ subnet: Subnet }>(`/v2.0/subnets/${seg(id)}`)).subnet;
  }

  /** With `lookup`, see CreateOptions. */
  async createSubnet(req: CreateSubnetRequest, opts: CreateOptions<Subnet> = {}): Promise<Subnet> {
    return this.api.create('/v2.0/subnets', { subnet: req }, (a: { subnet: Subnet }) => a.subnet, opts);
  }

  /** Neutron refuses (409) while a port still has an address on the subnet. */
  async deleteSubnet(id: string): Promise<void> {
    await this.api.delete(`/v2.0/subnets/${seg(id)}`);
  }

  /** e.g. { device_id: serverId } for a server's ports. */
  async listPorts(filter: NeutronFilter = {}): Promise<Port[]> {
    return this.api.listAll<Port>('/v2.0/ports', 'ports', filter);
  }

  async getPort(id: string): Promise<Port> {
    return (await this.api.get<{ port: Port }>(`/v2.0/ports/${seg(id)}`)).port;
  }

  /** With `lookup`, see CreateOptions. */
  async createPort(req: CreatePortRequest, opts: CreateOptions<Port> = {}): Promise<Port> {
    return this.api.create('/v2.0/ports', { port: req }, (a: { port: Port }) => a.port, opts);
  }

  async deletePort(id: string): Promise<void> {
    await this.api.delete(`/v2.0/ports/${seg(id)}`);
  }

  async listSecurityGroups(filter: NeutronFilter = {}): Promise<SecurityGroup[]> {
    return this.api.listAll<SecurityGroup>('/v2.0/security-groups', 'security_groups', filter);
  }

  async getSecurityGroup(id: string): Promise<SecurityGroup> {
    return (await this.api.get<{ security_group: SecurityGroup }>(`/v2.0/security-groups/${seg(id)}`)).security_group;
  }

  async getQuota(projectId: string): Promise<NetworkQuota> {
    return (await this.api.get<{ quota: NetworkQuota }>(`/v2.0/quotas/${seg(projectId)}`)).quota;
  }

  /** Limit and use of each resource in one call (the quota-details extension): no list of every port to count them. */
  async getQuotaDetails(projectId: string): Promise<Record<keyof NetworkQuota, { limit: number; used: number; reserved: number }>> {
    return (await this.api.get<{ quota: Record<keyof NetworkQuota, { limit: number; used: number; reserved: number }> }>(`/v2.0/quotas/${seg(projectId)}/details`)).quota;
  }
}
