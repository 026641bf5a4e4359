/** Cinder v3 wire records at microversion 3.64 (the fields Protector reads). */

export interface VolumeAttachmentInfo {
  id?: string;
  attachment_id: string;
  server_id: string | null;
  volume_id: string;
  device: string | null;
  host_name: string | null;
  attached_at?: string | null;
}

export interface Volume {
  id: string;
  name: string | null;
  description: string | null;
  status: string;
  size: number;
  availability_zone: string;
  bootable: 'true' | 'false';
  volume_type: string;
  /** 3.63 */
  volume_type_id?: string;
  attachments: VolumeAttachmentInfo[];
  metadata: Record<string, string>;
  multiattach: boolean;
  encrypted: boolean;
  replication_status: string | null;
  snapshot_id: string | null;
  source_volid: string | null;
  user_id: string;
  /** 3.13 */
  group_id?: string | null;
  created_at: string;
  updated_at: string | null;
  'os-vol-tenant-attr:tenant_id': string;
  /** Admin only: backend host@backend#pool, needed to manage volumes onto that backend. */
  'os-vol-host-attr:host'?: string | null;
  volume_image_metadata?: Record<string, string>;
}

/** A row of `os-services`. */
export interface VolumeService {
  binary: string;
  host: string;
  zone: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  disabled_reason?: string | null;
}

export interface CreateVolumeRequest {
  size: number;
  name?: string;
  description?: string;
  volume_type?: string;
  availability_zone?: string;
  imageRef?: string;
  snapshot_id?: string;
  source_volid?: string;
  group_id?: string;
  metadata?: Record<string, string>;
}

export interface VolumeListFilter {
  name?: string;
  status?: string;
  /** Admin only. */
  allTenants?: boolean;
  projectId?: string;
  groupId?: string;
  /** Volumes whose metadata holds every one of these pairs. */
  metadata?: Readonly<Record<string, string>>;
  limit?: number;
}

export interface VolumeType {
  id: string;
  name: string;
  description: string | null;
  is_public: boolean;
  /** Non-admins see only user-visible keys (e.g. replication_enabled). */
  extra_specs: Record<string, string>;
  qos_specs_id?: string | null;
}

export interface GroupType {
  id: string;
  name: string;
  description: string | null;
  is_public: boolean;
  group_specs: Record<string, string>;
}

export interface Group {
  id: string;
  name: string | null;
  description: string | null;
  status: string;
  availability_zone: string;
  created_at: string;
  group_type: string;
  volume_types: string[];
  group_snapshot_id?: string | null;
  source_group_id?: string | null;
  replication_status?: string;
  project_id?: string;
  /** 3.25 with list_volume */
  volumes?: string[];
}

export interface CreateGroupRequest {
  group_type: string;
  volume_types: string[];
  name?: string;
  description?: string;
  availability_zone?: string;
}

export interface ManageVolumeRequest {
  /** Backend host, host@backend#pool (the pool part is optional). */
  host: string;
  /** The array's name for the volume; Cinder's generic reference key. */
  sourceName: string;
  name?: string;
  description?: string;
  volume_type?: string;
  availability_zone?: string;
  bootable?: boolean;
  metadata?: Record<string, string>;
}

export interface ManageableVolume {
  reference: { 'source-name'?: string; 'source-id'?: string };
  size: number;
  safe_to_manage: boolean;
  reason_not_safe?: string | null;
  cinder_id?: string | null;
  extra_info?: unknown;
}

export interface Snapshot {
  id: string;
  name: string | null;
  description: string | null;
  volume_id: string;
  status: string;
  size: number;
  metadata: Record<string, string>;
  created_at: string;
  group_snapshot_id?: string | null;
}

export interface VolumeLimits {
  maxTotalVolumes: number;
  maxTotalSnapshots: number;
  maxTotalVolumeGigabytes: number;
  totalVolumesUsed: number;
  totalSnapshotsUsed: number;
  totalGigabytesUsed: number;
}

export interface QuotaUsage {
  limit: number;
  in_use: number;
  reserved: number;
  allocated?: number;
}
