import { seedProjectId } from '../neutron/seed.js';
import { uuid } from '../ids.js';
import type { SiteHost } from '../host.js';

/** The seed file's Cinder sections. */
export interface CinderSeed {
  volume_types?: { name: string; description?: string; extra_specs?: Record<string, string>; is_public?: boolean }[];
  group_types?: { name: string; description?: string; group_specs?: Record<string, string> }[];
  volumes?: {
    name: string;
    /** Project name in domain default. */
    project: string;
    size: number;
    type?: string;
    /** Image name; makes the volume bootable. */
    image?: string;
    bootable?: boolean;
  }[];
}

/** Creates types, group types and volumes (available at once); errors name the entry. */
export function seedCinder(site: SiteHost, doc: CinderSeed): void {
  const cinder = site.cinder;
  for (const t of doc.volume_types ?? []) {
    if (cinder.types.find((x) => x.name === t.name)) throw new Error(`seed volume type '${t.name}': already exists`);
    cinder.types.insert({ id: uuid(), name: t.name, description: t.description ?? null, is_public: t.is_public ?? true, extra_specs: { ...t.extra_specs }, projects: [] });
  }
  for (const g of doc.group_types ?? []) {
    if (cinder.groupTypes.find((x) => x.name === g.name)) throw new Error(`seed group type '${g.name}': already exists`);
    cinder.groupTypes.insert({ id: uuid(), name: g.name, description: g.description ?? null, is_public: true, group_specs: { ...g.group_specs } });
  }
  for (const v of doc.volumes ?? []) {
    const where = `volume '${v.name}'`;
    const projectId = seedProjectId(site, v.project, where);
    if (v.type && !cinder.types.find((t) => t.name === v.type)) throw new Error(`seed ${where}: unknown volume type '${v.type}'`);
    let imageId: string | undefined;
    if (v.image) {
      const image = site.glance.images.find((i) => i.name === v.image);
      if (!image) throw new Error(`seed ${where}: unknown image '${v.image}'`);
      imageId = image.id;
    }
    let vol;
    try {
      vol = cinder.createVolume(projectId, { name: v.name, size: v.size, volume_type: v.type, image_id: imageId }, { immediate: true });
    } catch (err) {
      throw new Error(`seed ${where}: ${(err as Error).message}`, { cause: err });
    }
    if (v.bootable !== undefined) cinder.updateVolume(vol.id, (x) => (x.bootable = v.bootable ? 'true' : 'false'));
  }
}
