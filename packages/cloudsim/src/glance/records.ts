/** A Glance v2 image as stored; custom properties sit beside the core ones, as in the API. */
export interface ImageRecord {
  id: string;
  name: string | null;
  status: 'queued' | 'saving' | 'active' | 'deactivated' | 'killed' | 'deleted' | 'pending_delete' | 'uploading' | 'importing';
  visibility: ImageVisibility;
  owner: string | null;
  protected: boolean;
  os_hidden: boolean;
  min_disk: number;
  min_ram: number;
  size: number | null;
  virtual_size: number | null;
  disk_format: string | null;
  container_format: string | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  file: string;
  schema: string;
  self: string;
  /** Custom properties (string values), e.g. hw_disk_bus or owner_specified.openstack.md5. */
  [property: string]: unknown;
}

export type ImageVisibility = 'public' | 'private' | 'shared' | 'community';

export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'] as const;
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'] as const;

/** Properties the server owns; clients may not set them (Glance answers 403). */
export const READ_ONLY = ['status', 'size', 'virtual_size', 'checksum', 'os_hash_algo', 'os_hash_value', 'created_at', 'updated_at', 'file', 'schema', 'self', 'direct_url', 'locations'] as const;

/** Core properties with their own validation; anything else is a custom string property. */
export const CORE = ['id', 'name', 'visibility', 'owner', 'protected', 'os_hidden', 'min_disk', 'min_ram', 'disk_format', 'container_format', 'tags', ...READ_ONLY] as const;

/** A project an image is shared with, and whether it accepted (image members API). */
export interface MemberRecord {
  /** `${image_id}:${member_id}`; not part of the API view. */
  id: string;
  image_id: string;
  member_id: string;
  status: 'pending' | 'accepted' | 'rejected';
  created_at: string;
  updated_at: string;
  schema: string;
}
