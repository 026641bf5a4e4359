import { createHash } from 'node:crypto';
import { seedProjectId } from '../neutron/seed.js';
import type { SiteHost } from '../host.js';

/** The seed file's Glance section. */
export interface GlanceSeed {
  images?: {
    name: string;
    disk_format?: string;
    container_format?: string;
    min_disk?: number;
    min_ram?: number;
    size?: number;
    visibility?: 'public' | 'private' | 'shared' | 'community';
    /** Owner's project name in domain default; the admin project when absent. */
    project?: string;
  }[];
}

/** Creates the seed's images as if their data had been uploaded: active, with size and hashes. */
export function seedGlance(site: SiteHost, doc: GlanceSeed): void {
  for (const entry of doc.images ?? []) {
    const where = `image '${entry.name}'`;
    const owner = seedProjectId(site, entry.project, where);
    const image = site.glance.createImage(owner, {
      name: entry.name,
      disk_format: entry.disk_format ?? 'qcow2',
      container_format: entry.container_format ?? 'bare',
      min_disk: entry.min_disk ?? 0,
      min_ram: entry.min_ram ?? 0,
      visibility: entry.visibility ?? 'public',
    });
    // No bytes exist, so the hashes are of the name: stable across runs, distinct per image.
    const hash = (algo: string) => createHash(algo).update(`cloudsim-image:${entry.name}`).digest('hex');
    site.glance.activate(image.id, entry.size ?? 12_716_032, hash('md5'), hash('sha512'));
  }
}
