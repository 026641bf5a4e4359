/** Nova v2.1 wire records at microversion 2.79 (the fields Protector reads). */

export interface ServerAddress {
  addr: string;
  version: 4 | 6;
  'OS-EXT-IPS:type'?: 'fixed' | 'floating';
  'OS-EXT-IPS-MAC:mac_addr'?: string;
}

/** Since 2.47 a server embeds its flavor's values instead of a link to it. */
export interface ServerFlavor {
  original_name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  extra_specs?: Record<string, string>;
}

export interface Server {
  id: string;
  name: string;
  status: string;
  tenant_id: string;
  user_id: string;
  metadata: Record<string, string>;
  /** '' for servers booted from volume. */
  image: '' | { id: string };
  flavor: ServerFlavor;
  addresses: Record<string, ServerAddress[]>;
  key_name: string | null;
  created: string;
  updated: string;
  'OS-EXT-AZ:availability_zone': string;
  'OS-EXT-STS:vm_state': string;
  'OS-EXT-STS:task_state': string | null;
  'OS-EXT-STS:power_state': number;
  'os-extended-volumes:volumes_attached': { id: string; delete_on_termination?: boolean }[];
  security_groups?: { name: string }[];
  description?: string | null;
  tags?: string[];
  locked?: boolean;
  fault?: { code: number; message: string; created: string };
}

export interface BlockDeviceMapping {
  source_type: 'volume' | 'image' | 'snapshot' | 'blank';
  destination_type?: 'volume' | 'local';
  uuid?: string;
  boot_index?: number | null;
  volume_size?: number;
  delete_on_termination?: boolean;
  device_name?: string;
  volume_type?: string;
  tag?: string;
}

/** One NIC: an existing port (Protector pre-creates ports with fixed IPs and MACs) or a network. */
export type ServerNetwork = { port: string; tag?: string } | { uuid: string; fixed_ip?: string; tag?: string };

export interface CreateServerRequest {
  name: string;
  flavorRef: string;
  /** Omit to boot from a volume in block_device_mapping_v2. */
  imageRef?: string;
  block_device_mapping_v2?: BlockDeviceMapping[];
  /** Required since 2.37: a list, 'auto' or 'none'. */
  networks: ServerNetwork[] | 'auto' | 'none';
  key_name?: string;
  availability_zone?: string;
  metadata?: Record<string, string>;
  security_groups?: { name: string }[];
  description?: string;
  tags?: string[];
  user_data?: string;
}

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  swap: number | '';
  'os-flavor-access:is_public'?: boolean;
  description?: string | null;
  extra_specs?: Record<string, string>;
}

export interface VolumeAttachment {
  id?: string;
  serverId: string;
  volumeId: string;
  device: string | null;
  tag?: string | null;
  delete_on_termination?: boolean;
  attachment_id?: string;
}

export interface Keypair {
  name: string;
  fingerprint: string;
  public_key: string;
  type?: string;
  user_id?: string;
}

export interface AvailabilityZone {
  zoneName: string;
  zoneState: { available: boolean };
}

/** GET /limits `absolute`: quota (max*) and usage (total*Used). */
export interface ComputeLimits {
  maxTotalInstances: number;
  maxTotalCores: number;
  maxTotalRAMSize: number;
  maxServerMeta: number;
  maxTotalKeypairs: number;
  maxServerGroups: number;
  maxServerGroupMembers: number;
  totalInstancesUsed: number;
  totalCoresUsed: number;
  totalRAMUsed: number;
  totalServerGroupsUsed: number;
}

export interface ServerListFilter {
  name?: string;
  status?: string;
  /** Admin only: every project's servers (optionally narrowed by projectId). */
  allTenants?: boolean;
  projectId?: string;
  flavor?: string;
  image?: string;
  ip?: string;
  changesSince?: string;
  /** Servers carrying every one of these tags (2.26). */
  tags?: readonly string[];
  limit?: number;
}
