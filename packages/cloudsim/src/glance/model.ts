import { createHash } from 'node:crypto';
import { isoSeconds } from '../timestamps.js';
import type { SiteContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import { uuid } from '../ids.js';
import { Collection } from '../store/collection.js';
import type { ImageRecord, ImageVisibility, MemberRecord } from './records.js';

export interface ImageSpec {
  id?: string;
  name?: string | null;
  visibility?: ImageVisibility;
  protected?: boolean;
  os_hidden?: boolean;
  min_disk?: number;
  min_ram?: number;
  disk_format?: string | null;
  container_format?: string | null;
  tags?: string[];
  /** Custom properties. */
  properties?: Record<string, string>;
}

/** Uploads larger than this keep only their size and hashes; downloads of them are refused. */
export const KEPT_DATA_BYTES = 16 * 1024 * 1024;

/** Glance's state for one site; small uploads are kept so they can be downloaded again. */
export class GlanceModel {
  readonly images: Collection<ImageRecord>;
  readonly members: Collection<MemberRecord>;
  private readonly data;

  constructor(readonly ctx: SiteContext) {
    this.images = new Collection(ctx.db, 'glance_images', 'owner');
    this.members = new Collection(ctx.db, 'glance_image_members', 'image_id');
    // Image bytes are not JSON documents, so they get a plain table beside the collection.
    ctx.db.exec('CREATE TABLE IF NOT EXISTS glance_image_data (id TEXT PRIMARY KEY, data BLOB NOT NULL)');
    this.data = {
      put: ctx.db.prepare<[string, Buffer]>('INSERT OR REPLACE INTO glance_image_data (id, data) VALUES (?, ?)'),
      get: ctx.db.prepare<[string], { data: Buffer }>('SELECT data FROM glance_image_data WHERE id = ?'),
      delete: ctx.db.prepare<[string]>('DELETE FROM glance_image_data WHERE id = ?'),
    };
  }

  /** The uploaded bytes of an image, when they were small enough to keep. */
  readData(id: string): Buffer | undefined {
    return this.data.get.get(id)?.data;
  }

  private now(): string {
    return isoSeconds(this.ctx.clock.now());
  }

  getImage(id: string): ImageRecord | undefined {
    return this.images.get(id);
  }

  /**
   * Glance's visibility rules: public and community images for everyone, private and shared
   * ones for their owner, shared ones also for member projects, everything for admins.
   */
  visibleImage(id: string, projectId: string | undefined, isAdmin: boolean): ImageRecord | undefined {
    const image = this.images.get(id);
    return image && this.canSee(image, projectId, isAdmin) ? image : undefined;
  }

  canSee(image: ImageRecord, projectId: string | undefined, isAdmin: boolean): boolean {
    if (isAdmin || image.visibility === 'public' || image.visibility === 'community') return true;
    if (projectId !== undefined && image.owner === projectId) return true;
    // Members see a shared image whatever their status; listing shows accepted ones only.
    return image.visibility === 'shared' && projectId !== undefined && this.membership(image.id, projectId) !== undefined;
  }

  membership(imageId: string, projectId: string): MemberRecord | undefined {
    return this.members.get(`${imageId}:${projectId}`);
  }

  addMember(imageId: string, projectId: string): MemberRecord {
    if (this.membership(imageId, projectId)) throw new ApiError(409, `Member ${projectId} already exists for image ${imageId}.`);
    const now = this.now();
    return this.members.insert({ id: `${imageId}:${projectId}`, image_id: imageId, member_id: projectId, status: 'pending', created_at: now, updated_at: now, schema: '/v2/schemas/member' });
  }

  setMemberStatus(imageId: string, projectId: string, status: MemberRecord['status']): MemberRecord {
    const updated = this.members.update(`${imageId}:${projectId}`, (m) => {
      m.status = status;
      m.updated_at = this.now();
    });
    if (!updated) throw new ApiError(404, `Member ${projectId} not found for image ${imageId}.`);
    return updated;
  }

  createImage(projectId: string, spec: ImageSpec): ImageRecord {
    const id = spec.id ?? uuid();
    if (this.images.get(id)) throw new ApiError(409, `Image with identifier ${id} already exists!`);
    const now = this.now();
    return this.images.insert({
      ...(spec.properties ?? {}),
      id,
      name: spec.name ?? null,
      status: 'queued',
      visibility: spec.visibility ?? 'shared',
      owner: projectId,
      protected: spec.protected ?? false,
      os_hidden: spec.os_hidden ?? false,
      min_disk: spec.min_disk ?? 0,
      min_ram: spec.min_ram ?? 0,
      size: null,
      virtual_size: null,
      disk_format: spec.disk_format ?? null,
      container_format: spec.container_format ?? null,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      tags: [...new Set(spec.tags ?? [])],
      created_at: now,
      updated_at: now,
      file: `/v2/images/${id}/file`,
      schema: '/v2/schemas/image',
      self: `/v2/images/${id}`,
    });
  }

  /** Stores the result of an upload: size and hashes of `data`, status active. */
  storeData(id: string, data: Buffer): ImageRecord {
    if (data.length <= KEPT_DATA_BYTES) this.data.put.run(id, data);
    return this.activate(id, data.length, createHash('md5').update(data).digest('hex'), createHash('sha512').update(data).digest('hex'));
  }

  /** Marks an image uploaded; seeds use it with made-up hashes of a size they name. */
  activate(id: string, size: number, md5: string, sha512: string): ImageRecord {
    const image = this.images.update(id, (i) => {
      i.size = size;
      i.virtual_size = null;
      i.checksum = md5;
      i.os_hash_algo = 'sha512';
      i.os_hash_value = sha512;
      i.status = 'active';
      i.updated_at = this.now();
    });
    if (!image) throw new ApiError(404, `No image found with ID ${id}`);
    return image;
  }

  /** Deactivated images stay visible but cannot be downloaded or booted. */
  setActive(id: string, active: boolean): ImageRecord | undefined {
    return this.images.update(id, (i) => {
      i.status = active ? 'active' : 'deactivated';
      i.updated_at = this.now();
    });
  }

  /** Replaces an image's document (after a PATCH was applied to a copy). */
  save(image: ImageRecord): ImageRecord {
    image.updated_at = this.now();
    return this.images.put(image);
  }

  deleteImage(id: string): void {
    this.images.delete(id);
    this.data.delete.run(id);
    for (const m of this.members.list(undefined, id)) this.members.delete(m.id);
  }
}
