/** Glance v2 image records (the fields Protector reads; custom properties are top-level strings). */
export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  owner: string | null;
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  min_disk: number;
  min_ram: number;
  checksum?: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  [property: string]: unknown;
}

export interface ImageListFilter {
  name?: string;
  status?: string;
  visibility?: string;
  owner?: string;
  limit?: number;
}
