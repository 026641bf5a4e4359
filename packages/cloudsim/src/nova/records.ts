/** Nova's stored records. Times are epoch milliseconds; views format them. */

export interface FlavorRecord {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  rxtx_factor: number;
  is_public: boolean;
  description: string | null;
  extra_specs: Record<string, string>;
  /** Projects given access to a private flavor. */
  access: string[];
}

export interface KeypairRecord {
  /** `${user_id}/${name}`: key pairs are per user. */
  id: string;
  seq: number;
  name: string;
  user_id: string;
  public_key: string;
  fingerprint: string;
  type: 'ssh' | 'x509';
  created_ms: number;
}

export interface QuotaRecord {
  /** The project id. */
  id: string;
  limits: Record<string, number>;
}

/** One block device of a server: Nova's block_device_mapping row, volumes only. */
export interface BdmRecord {
  uuid: string;
  volume_id: string;
  device: string;
  boot_index: number | null;
  delete_on_termination: boolean;
  tag: string | null;
}

export interface PortRef {
  id: string;
  /** Nova created it (networks [{uuid}]), so Nova deletes it with the server. */
  owned: boolean;
}

export type VmState = 'building' | 'active' | 'stopped' | 'error';
export type TaskState = null | 'rebooting' | 'rebooting_hard';

export interface ServerRecord {
  id: string;
  name: string;
  project_id: string;
  user_id: string;
  flavor: Omit<FlavorRecord, 'access' | 'is_public' | 'rxtx_factor' | 'description'>;
  /** '' when booted from a volume. */
  image_id: string;
  key_name: string | null;
  availability_zone: string;
  metadata: Record<string, string>;
  description: string | null;
  tags: string[];
  user_data: string | null;
  hostname: string;
  reservation_id: string;
  vm_state: VmState;
  task_state: TaskState;
  /** When the current BUILD or reboot finishes; applied lazily on read. */
  task_until: number | null;
  created_ms: number;
  updated_ms: number;
  launched_ms: number | null;
  bdms: BdmRecord[];
  ports: PortRef[];
  security_groups: string[];
  fault: { code: number; message: string; created_ms: number } | null;
  locked: boolean;
  /** Set at creation when a boot fault matched: the BUILD ends in ERROR with this fault message. */
  boot_failure?: string | null;
}
