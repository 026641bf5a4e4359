/** Neutron v2.0 resources as stored and as the API returns them (Neutron's own field names). */

/** Attributes Neutron's standard-attr extensions add to every resource. */
export interface StandardAttrs {
  id: string;
  name: string;
  description: string;
  project_id: string;
  tenant_id: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  revision_number: number;
}

export interface NetworkRecord extends StandardAttrs {
  admin_state_up: boolean;
  status: 'ACTIVE' | 'DOWN';
  subnets: string[];
  shared: boolean;
  'router:external': boolean;
  mtu: number;
  port_security_enabled: boolean;
  availability_zone_hints: string[];
  availability_zones: string[];
  ipv4_address_scope: string | null;
  ipv6_address_scope: string | null;
  is_default: boolean;
  'provider:network_type': string;
  'provider:physical_network': string | null;
  'provider:segmentation_id': number | null;
}

export interface AllocationPool {
  start: string;
  end: string;
}

export interface HostRoute {
  destination: string;
  nexthop: string;
}

export interface SubnetRecord extends StandardAttrs {
  network_id: string;
  ip_version: 4;
  cidr: string;
  gateway_ip: string | null;
  allocation_pools: AllocationPool[];
  dns_nameservers: string[];
  host_routes: HostRoute[];
  enable_dhcp: boolean;
  ipv6_ra_mode: null;
  ipv6_address_mode: null;
  subnetpool_id: null;
  service_types: string[];
}

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface PortRecord extends StandardAttrs {
  network_id: string;
  mac_address: string;
  admin_state_up: boolean;
  status: 'ACTIVE' | 'DOWN' | 'BUILD';
  fixed_ips: FixedIp[];
  security_groups: string[];
  device_id: string;
  device_owner: string;
  allowed_address_pairs: { ip_address: string; mac_address: string }[];
  extra_dhcp_opts: never[];
  port_security_enabled: boolean;
  'binding:host_id': string;
  'binding:vif_type': string;
  'binding:vnic_type': string;
  'binding:vif_details': Record<string, unknown>;
  'binding:profile': Record<string, unknown>;
}

export interface SecurityGroupRuleRecord {
  id: string;
  project_id: string;
  tenant_id: string;
  security_group_id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
  remote_address_group_id: null;
  normalized_cidr: string | null;
  description: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  revision_number: number;
}

/** Stored without its rules; the API embeds them (security_group_rules) when showing it. */
export interface SecurityGroupRecord extends StandardAttrs {
  stateful: boolean;
  shared: boolean;
}
