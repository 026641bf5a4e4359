/** Neutron v2.0 wire records (the fields Protector reads). */

export interface Network {
  id: string;
  name: string;
  project_id: string;
  status: string;
  admin_state_up: boolean;
  shared: boolean;
  'router:external'?: boolean;
  subnets: string[];
  mtu?: number;
  'provider:network_type'?: string;
}

export interface CreateNetworkRequest {
  name: string;
  description?: string;
  /** Usable by every project; admin only. */
  shared?: boolean;
  admin_state_up?: boolean;
  mtu?: number;
  port_security_enabled?: boolean;
  /** Admin only: a network floating IPs come from. */
  'router:external'?: boolean;
  /** Admin only: create on behalf of another project. */
  project_id?: string;
}

export interface AllocationPool {
  start: string;
  end: string;
}

export interface Subnet {
  id: string;
  name: string;
  network_id: string;
  project_id: string;
  cidr: string;
  ip_version: 4 | 6;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  allocation_pools: AllocationPool[];
  dns_nameservers: string[];
  host_routes: { destination: string; nexthop: string }[];
}

export interface CreateSubnetRequest {
  network_id: string;
  cidr: string;
  ip_version: 4 | 6;
  name?: string;
  description?: string;
  /** null: no gateway; absent: Neutron takes the first address of the CIDR. */
  gateway_ip?: string | null;
  enable_dhcp?: boolean;
  allocation_pools?: AllocationPool[];
  dns_nameservers?: string[];
  host_routes?: { destination: string; nexthop: string }[];
  /** Admin only: create on behalf of another project. */
  project_id?: string;
}

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface Port {
  id: string;
  name: string;
  network_id: string;
  project_id: string;
  mac_address: string;
  fixed_ips: FixedIp[];
  security_groups: string[];
  device_id: string;
  device_owner: string;
  status: string;
  admin_state_up: boolean;
  description?: string;
  allowed_address_pairs?: { ip_address: string; mac_address?: string }[];
}

export interface CreatePortRequest {
  network_id: string;
  name?: string;
  description?: string;
  /** An address, a subnet, or both; a specific address needs network ownership or admin. */
  fixed_ips?: { subnet_id?: string; ip_address?: string }[];
  /** Keeping the MAC across sites keeps guest NIC naming and DHCP leases stable. */
  mac_address?: string;
  security_groups?: string[];
  admin_state_up?: boolean;
  /** Admin only: create on behalf of another project. */
  project_id?: string;
}

export interface SecurityGroupRule {
  id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  project_id: string;
  security_group_rules: SecurityGroupRule[];
}

/** GET /v2.0/quotas/{project}: limits only (-1 = unlimited). */
export type NetworkQuota = Record<'network' | 'subnet' | 'port' | 'router' | 'floatingip' | 'security_group' | 'security_group_rule', number>;

/** Neutron list filters: any attribute, exact match; repeat a key for OR. */
export type NeutronFilter = Record<string, string | readonly string[] | undefined>;
