/** One attachment of a volume to a server, as Cinder's volume view lists it. */
export interface VolumeAttachment {
  id: string;
  attachment_id: string;
  volume_id: string;
  server_id: string;
  host_name: string | null;
  device: string;
  attached_at: string;
}

/** A Cinder volume as stored; field names are Cinder's. Fields starting with `_` are internal. */
export interface VolumeRecord {
  id: string;
  name: string | null;
  description: string | null;
  project_id: string;
  user_id: string;
  size: number;
  status: string;
  bootable: 'true' | 'false';
  volume_type: string;
  volume_type_id: string;
  availability_zone: string;
  attachments: VolumeAttachment[];
  multiattach: boolean;
  encrypted: boolean;
  metadata: Record<string, string>;
  volume_image_metadata?: Record<string, string>;
  group_id: string | null;
  'os-vol-host-attr:host': string;
  replication_status: string | null;
  consistencygroup_id: string | null;
  snapshot_id: string | null;
  source_volid: string | null;
  migration_status: string | null;
  created_at: string;
  updated_at: string | null;
  /** Clock time at which a transient status (creating, deleting…) ends; see transitions.ts. */
  _settle_at?: number;
}

export interface VolumeTypeRecord {
  id: string;
  name: string;
  description: string | null;
  is_public: boolean;
  extra_specs: Record<string, string>;
  /** Projects given access to a private type (os-volume-type-access). */
  projects: string[];
}

export interface GroupTypeRecord {
  id: string;
  name: string;
  description: string | null;
  is_public: boolean;
  group_specs: Record<string, string>;
}

export interface GroupRecord {
  id: string;
  name: string | null;
  description: string | null;
  project_id: string;
  user_id: string;
  status: string;
  availability_zone: string;
  group_type: string;
  volume_types: string[];
  replication_status: string;
  group_snapshot_id: string | null;
  source_group_id: string | null;
  created_at: string;
  _settle_at?: number;
}

export interface SnapshotRecord {
  id: string;
  name: string | null;
  description: string | null;
  volume_id: string;
  project_id: string;
  user_id: string;
  size: number;
  status: string;
  metadata: Record<string, string>;
  progress: string;
  group_snapshot_id: string | null;
  created_at: string;
  updated_at: string | null;
  _settle_at?: number;
}

export interface QuotaRecord {
  id: string;
  volumes?: number;
  gigabytes?: number;
  snapshots?: number;
  groups?: number;
  per_volume_gigabytes?: number;
  backups?: number;
  backup_gigabytes?: number;
}
