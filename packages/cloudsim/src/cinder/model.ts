import { isoMicros } from '../clock.js';
import type { SiteContext } from '../context.js';
import type { GlanceModel } from '../glance/model.js';
import { badRequest, notFound } from '../http/errors.js';
import { uuid } from '../ids.js';
import { Collection } from '../store/collection.js';
import { SqliteBlockContent, type VolumeContent } from './content.js';
import { checkQuota, limitsOf, type QuotaLimits, type Usage } from './quotas.js';
import type {
  BackendVolumeRecord, GroupRecord, GroupTypeRecord, QuotaRecord, SnapshotRecord, VolumeAttachment, VolumeRecord, VolumeTypeRecord,
} from './records.js';
import { settle, startTransition, type Settling } from './transitions.js';

export type { VolumeRecord } from './records.js';

export const DEFAULT_TYPE = '__DEFAULT__';
export const AVAILABILITY_ZONE = 'nova';
const GIB = 1024 * 1024 * 1024;

export interface VolumeSpec {
  size: number;
  name?: string | null;
  description?: string | null;
  image_id?: string;
  snapshot_id?: string;
  source_volid?: string;
  volume_type?: string;
  availability_zone?: string;
  metadata?: Record<string, string>;
  group_id?: string;
}

/** Cinder's state for one site; volume bytes sit behind a VolumeContent. */
export class CinderModel {
  readonly volumes: Collection<VolumeRecord>;
  readonly types: Collection<VolumeTypeRecord>;
  readonly groupTypes: Collection<GroupTypeRecord>;
  readonly groups: Collection<GroupRecord>;
  readonly snapshots: Collection<SnapshotRecord>;
  readonly backendVolumes: Collection<BackendVolumeRecord>;
  readonly quotas: Collection<QuotaRecord>;
  readonly content: VolumeContent;

  constructor(
    readonly ctx: SiteContext,
    readonly deps: { glance: GlanceModel },
  ) {
    this.volumes = new Collection(ctx.db, 'cinder_volumes', 'project_id');
    this.types = new Collection(ctx.db, 'cinder_volume_types');
    this.groupTypes = new Collection(ctx.db, 'cinder_group_types');
    this.groups = new Collection(ctx.db, 'cinder_groups', 'project_id');
    this.snapshots = new Collection(ctx.db, 'cinder_snapshots', 'project_id');
    this.backendVolumes = new Collection(ctx.db, 'cinder_backend_volumes');
    this.quotas = new Collection(ctx.db, 'cinder_quotas');
    this.content = new SqliteBlockContent(ctx.db);
    // Real Cinder always has this type; volumes created without one get it.
    if (!this.types.find((t) => t.name === DEFAULT_TYPE)) {
      this.types.insert({ id: uuid(), name: DEFAULT_TYPE, description: 'Default Volume Type', is_public: true, extra_specs: {}, projects: [] });
    }
  }

  /** The backend host string volumes report, host@backend#pool. */
  get host(): string {
    return `cloudsim@${this.ctx.name}#pool`;
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  /** Reads a record and applies any due transition, storing or removing it as needed. */
  private fresh<T extends Settling>(coll: Collection<T>, doc: T | undefined, onGone?: (doc: T) => void): T | undefined {
    if (!doc) return undefined;
    const r = settle(doc, this.now());
    if (r === 'gone') {
      coll.delete(doc.id);
      onGone?.(doc);
      return undefined;
    }
    if (r === 'changed') coll.put(doc);
    return doc;
  }

  private freshList<T extends Settling>(coll: Collection<T>, docs: T[], onGone?: (doc: T) => void): T[] {
    return docs.map((d) => this.fresh(coll, d, onGone)).filter((d): d is T => d !== undefined);
  }

  // ---- volumes -------------------------------------------------------------------------------

  getVolume(id: string): VolumeRecord | undefined {
    return this.fresh(this.volumes, this.volumes.get(id), (v) => this.content.drop(v.id));
  }

  listVolumes(projectId?: string): VolumeRecord[] {
    return this.freshList(this.volumes, this.volumes.list(undefined, projectId), (v) => this.content.drop(v.id));
  }

  /** A volume the caller may see: its own project's, or any for admins; 404 otherwise. */
  visibleVolume(id: string, projectId: string | undefined, isAdmin: boolean): VolumeRecord {
    const v = this.getVolume(id);
    if (!v || (!isAdmin && v.project_id !== projectId)) throw notFound(`Volume ${id} could not be found.`);
    return v;
  }

  usage(projectId: string): Usage {
    const vols = this.listVolumes(projectId);
    return {
      volumes: vols.length,
      gigabytes: vols.reduce((n, v) => n + v.size, 0) + this.listSnapshots(projectId).reduce((n, s) => n + s.size, 0),
      snapshots: this.listSnapshots(projectId).length,
      groups: this.listGroups(projectId).length,
    };
  }

  quotaLimits(projectId: string): QuotaLimits {
    return limitsOf(this.quotas.get(projectId));
  }

  setQuotas(projectId: string, change: Partial<QuotaLimits>): QuotaLimits {
    const stored = this.quotas.get(projectId) ?? { id: projectId };
    this.quotas.put({ ...stored, ...change });
    return this.quotaLimits(projectId);
  }

  /** A type by id or name, visible to the project (private types need access); 404 otherwise. */
  findType(nameOrId: string, projectId?: string, isAdmin = true): VolumeTypeRecord {
    const t = this.types.get(nameOrId) ?? this.types.find((x) => x.name === nameOrId);
    if (!t || (!isAdmin && !t.is_public && !(projectId && t.projects.includes(projectId)))) {
      throw notFound(`Volume type with name ${nameOrId} could not be found.`);
    }
    return t;
  }

  createVolume(
    projectId: string,
    spec: VolumeSpec,
    opts: { immediate?: boolean; userId?: string; isAdmin?: boolean } = {},
  ): VolumeRecord {
    const type = this.findType(spec.volume_type ?? DEFAULT_TYPE, projectId, opts.isAdmin ?? true);
    let size = spec.size;
    let imageMeta: Record<string, string> | undefined;
    let bootable: 'true' | 'false' = 'false';
    let copyFrom: string | undefined;
    if (spec.snapshot_id) {
      const snap = this.getSnapshot(spec.snapshot_id);
      if (!snap) throw notFound(`Snapshot ${spec.snapshot_id} could not be found.`);
      if (snap.status !== 'available') throw badRequest(`Invalid snapshot: Originating snapshot status must be one of 'available' values`);
      size = size || snap.size;
      if (size < snap.size) throw badRequest(`Invalid input received: Volume size '${size}'GB cannot be smaller than the snapshot size ${snap.size}GB. They must be >= original snapshot size.`);
      const src = this.getVolume(snap.volume_id);
      if (src) ({ bootable, volume_image_metadata: imageMeta } = src);
      copyFrom = snapshotKey(snap.id);
    } else if (spec.source_volid) {
      const src = this.getVolume(spec.source_volid);
      if (!src) throw notFound(`Volume ${spec.source_volid} could not be found.`);
      size = size || src.size;
      if (size < src.size) throw badRequest(`Invalid input received: Clones currently must be >= original volume size.`);
      ({ bootable, volume_image_metadata: imageMeta } = src);
      copyFrom = src.id;
    } else if (spec.image_id) {
      const image = this.deps.glance.getImage(spec.image_id);
      if (!image) throw badRequest('Invalid image identifier or unable to access requested image.');
      if (image.status !== 'active') throw badRequest(`Invalid input received: Image ${image.id} is not active.`);
      const imageGib = Math.ceil((image.size ?? 0) / GIB);
      if (imageGib > size) throw badRequest(`Invalid input received: Size of specified image ${imageGib}GB is larger than volume size ${size}GB.`);
      if (image.min_disk > size) throw badRequest(`Invalid input received: Volume size ${size}GB cannot be smaller than the image minDisk size ${image.min_disk}GB.`);
      bootable = 'true';
      imageMeta = {
        image_id: image.id,
        image_name: image.name ?? '',
        checksum: image.checksum ?? '',
        container_format: image.container_format ?? '',
        disk_format: image.disk_format ?? '',
        min_disk: String(image.min_disk),
        min_ram: String(image.min_ram),
        size: String(image.size ?? 0),
      };
    }
    if (!Number.isInteger(size) || size < 1) throw badRequest(`Invalid input received: Volume size '${size}' must be an integer and greater than 0`);
    checkQuota(this.quotaLimits(projectId), this.usage(projectId), { volumes: 1, gigabytes: size });
    const now = this.now();
    const vol: VolumeRecord = {
      id: uuid(),
      name: spec.name ?? null,
      description: spec.description ?? null,
      project_id: projectId,
      user_id: opts.userId ?? '',
      size,
      status: 'available',
      bootable,
      volume_type: type.name,
      volume_type_id: type.id,
      availability_zone: spec.availability_zone ?? AVAILABILITY_ZONE,
      attachments: [],
      multiattach: /^<is>\s*true$/i.test(type.extra_specs.multiattach ?? ''),
      encrypted: false,
      metadata: { ...spec.metadata },
      group_id: spec.group_id ?? null,
      'os-vol-host-attr:host': this.host,
      replication_status: /^<is>\s*true$/i.test(type.extra_specs.replication_enabled ?? '') ? 'enabled' : null,
      consistencygroup_id: null,
      snapshot_id: spec.snapshot_id ?? null,
      source_volid: spec.source_volid ?? null,
      migration_status: null,
      created_at: isoMicros(now),
      updated_at: isoMicros(now),
    };
    if (imageMeta) vol.volume_image_metadata = imageMeta;
    if (!opts.immediate && this.ctx.bootTimeMs > 0) startTransition(vol, 'creating', now, this.ctx.bootTimeMs);
    this.volumes.insert(vol);
    if (copyFrom) this.content.copy(copyFrom, vol.id);
    else if (spec.image_id) {
      const data = this.deps.glance.readData(spec.image_id);
      if (data && data.length <= size * GIB) this.content.write(vol.id, 0, data);
    }
    return vol;
  }

  updateVolume(id: string, change: (v: VolumeRecord) => void): VolumeRecord {
    const v = this.getVolume(id);
    if (!v) throw notFound(`Volume ${id} could not be found.`);
    change(v);
    v.updated_at = isoMicros(this.now());
    return this.volumes.put(v);
  }

  attachVolume(volumeId: string, a: { server_id: string; device: string; host_name: string }): VolumeRecord {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    const shareable = v.multiattach && v.status === 'in-use';
    if (v.status !== 'available' && !shareable) {
      throw badRequest(`Invalid volume: Volume ${volumeId} status must be available or downloading to reserve, but the current status is ${v.status}.`);
    }
    if (v.attachments.some((x) => x.server_id === a.server_id)) throw badRequest(`Invalid volume: Volume ${volumeId} is already attached to server ${a.server_id}.`);
    const attachmentId = uuid();
    const attachment: VolumeAttachment = {
      id: volumeId,
      attachment_id: attachmentId,
      volume_id: volumeId,
      server_id: a.server_id,
      host_name: a.host_name,
      device: a.device,
      attached_at: isoMicros(this.now()),
    };
    return this.updateVolume(volumeId, (x) => {
      x.attachments.push(attachment);
      x.status = 'in-use';
    });
  }

  detachVolume(volumeId: string, serverId: string): VolumeRecord {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    if (!v.attachments.some((a) => a.server_id === serverId)) {
      throw badRequest(`Invalid volume: Volume ${volumeId} is not attached to server ${serverId}.`);
    }
    return this.updateVolume(volumeId, (x) => {
      x.attachments = x.attachments.filter((a) => a.server_id !== serverId);
      if (x.attachments.length === 0) x.status = 'available';
    });
  }

  /** Checks Cinder's delete preconditions; `cascade` also deletes the volume's snapshots. */
  checkDeletable(v: VolumeRecord, cascade = false): void {
    const snaps = this.listSnapshots(v.project_id).filter((s) => s.volume_id === v.id);
    const okStatus = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'].includes(v.status);
    if (!okStatus || v.attachments.length > 0 || v.group_id || (snaps.length > 0 && !cascade)) {
      throw badRequest(
        'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.',
      );
    }
  }

  /** Starts deleting: 'deleting' for bootTimeMs, then the record and its bytes are gone. */
  deleteVolume(volumeId: string, opts: { cascade?: boolean } = {}): void {
    const v = this.getVolume(volumeId);
    if (!v || v.status === 'deleting') return;
    for (const s of this.listSnapshots(v.project_id).filter((x) => x.volume_id === v.id)) {
      if (opts.cascade) this.removeSnapshot(s.id);
    }
    if (this.ctx.bootTimeMs <= 0) {
      this.volumes.delete(v.id);
      this.content.drop(v.id);
      return;
    }
    startTransition(v, 'deleting', this.now(), this.ctx.bootTimeMs);
    this.volumes.put(v);
  }

  private checkRange(v: VolumeRecord, offset: number, length: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > v.size * GIB) {
      throw badRequest(`Invalid input received: range ${offset}+${length} is outside volume ${v.id} of ${v.size}GB.`);
    }
  }

  readVolume(volumeId: string, offset: number, length: number): Buffer {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    this.checkRange(v, offset, length);
    return this.content.read(v.id, offset, length);
  }

  writeVolume(volumeId: string, offset: number, data: Buffer): void {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    this.checkRange(v, offset, data.length);
    this.content.write(v.id, offset, data);
  }

  extendVolume(volumeId: string, newSize: number): VolumeRecord {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    if (v.status !== 'available' && v.status !== 'in-use') {
      throw badRequest(`Invalid volume: Volume should have status available or in-use for extend, but the current status is ${v.status}.`);
    }
    if (!Number.isInteger(newSize) || newSize <= v.size) {
      throw badRequest(`Invalid input received: New size for extend must be greater than current size. (current: ${v.size}, extended: ${newSize}).`);
    }
    checkQuota(this.quotaLimits(v.project_id), this.usage(v.project_id), { gigabytes: newSize - v.size });
    return this.updateVolume(volumeId, (x) => {
      x.size = newSize;
    });
  }

  // ---- unmanage / manage ----------------------------------------------------------------------

  /** Volumes the backend holds that Cinder does not manage (what GET /manageable_volumes lists). */
  listBackendVolumes(): BackendVolumeRecord[] {
    return this.backendVolumes.list();
  }

  /** Puts a volume on the backend outside Cinder's knowledge (an array model does this in issue [2]). */
  addBackendVolume(spec: { name: string; size: number; extra_info?: string }): BackendVolumeRecord {
    const rec: BackendVolumeRecord = {
      id: spec.name,
      host: this.host,
      size: spec.size,
      content_key: `backend:${spec.name}`,
      former_cinder_id: null,
      extra_info: spec.extra_info ?? null,
    };
    return this.backendVolumes.put(rec);
  }

  /** Forgets a volume but keeps its bytes on the backend as volume-<id>, so manage can adopt it again. */
  unmanageVolume(volumeId: string): BackendVolumeRecord {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    if (v.attachments.length > 0 || !['available', 'error', 'error_managing'].includes(v.status)) {
      throw badRequest(`Invalid volume: Volume status must be available or error, but current status is: ${v.status}.`);
    }
    if (this.listSnapshots(v.project_id).some((s) => s.volume_id === v.id)) throw badRequest('Invalid volume: Volume cannot have snapshots when unmanaged.');
    const rec: BackendVolumeRecord = {
      id: `volume-${v.id}`,
      host: v['os-vol-host-attr:host'],
      size: v.size,
      content_key: `backend:volume-${v.id}`,
      former_cinder_id: v.id,
      extra_info: null,
    };
    this.content.move(v.id, rec.content_key);
    this.backendVolumes.put(rec);
    this.volumes.delete(v.id);
    return rec;
  }

  /** Adopts a backend volume as a new Cinder volume over its existing bytes. */
  manageVolume(
    projectId: string,
    ref: string,
    spec: { name?: string | null; description?: string | null; volume_type?: string; bootable?: boolean; metadata?: Record<string, string>; availability_zone?: string },
    opts: { userId?: string; isAdmin?: boolean } = {},
  ): VolumeRecord {
    const backend = this.backendVolumes.get(ref);
    if (!backend) throw notFound(`Volume ${ref} could not be found.`);
    const vol = this.createVolume(
      projectId,
      { size: backend.size, name: spec.name, description: spec.description, volume_type: spec.volume_type, metadata: spec.metadata, availability_zone: spec.availability_zone },
      opts,
    );
    this.content.move(backend.content_key, vol.id);
    this.backendVolumes.delete(backend.id);
    if (spec.bootable) return this.updateVolume(vol.id, (v) => (v.bootable = 'true'));
    return vol;
  }

  // ---- snapshots -------------------------------------------------------------------------------

  getSnapshot(id: string): SnapshotRecord | undefined {
    return this.fresh(this.snapshots, this.snapshots.get(id), (s) => this.content.drop(snapshotKey(s.id)));
  }

  listSnapshots(projectId?: string): SnapshotRecord[] {
    return this.freshList(this.snapshots, this.snapshots.list(undefined, projectId), (s) => this.content.drop(snapshotKey(s.id)));
  }

  /** Captures the volume's bytes now; a volume in use needs `force`, as in Cinder. */
  createSnapshot(projectId: string, spec: { volume_id: string; name?: string | null; description?: string | null; metadata?: Record<string, string>; force?: boolean }, userId = ''): SnapshotRecord {
    const v = this.getVolume(spec.volume_id);
    if (!v || v.project_id !== projectId) throw notFound(`Volume ${spec.volume_id} could not be found.`);
    if (v.status !== 'available' && !(v.status === 'in-use' && spec.force)) {
      throw badRequest(`Invalid volume: Volume ${v.id} status must be available, but current status is: ${v.status}.`);
    }
    checkQuota(this.quotaLimits(projectId), this.usage(projectId), { snapshots: 1, gigabytes: v.size });
    const now = this.now();
    const snap: SnapshotRecord = {
      id: uuid(),
      name: spec.name ?? null,
      description: spec.description ?? null,
      volume_id: v.id,
      project_id: projectId,
      user_id: userId,
      size: v.size,
      status: 'available',
      metadata: { ...spec.metadata },
      progress: '100%',
      group_snapshot_id: null,
      created_at: isoMicros(now),
      updated_at: isoMicros(now),
    };
    if (this.ctx.bootTimeMs > 0) startTransition(snap, 'creating', now, this.ctx.bootTimeMs);
    this.snapshots.insert(snap);
    this.content.copy(v.id, snapshotKey(snap.id));
    return snap;
  }

  updateSnapshot(id: string, change: (s: SnapshotRecord) => void): SnapshotRecord {
    const s = this.getSnapshot(id);
    if (!s) throw notFound(`Snapshot ${id} could not be found.`);
    change(s);
    s.updated_at = isoMicros(this.now());
    return this.snapshots.put(s);
  }

  deleteSnapshot(id: string): void {
    const s = this.getSnapshot(id);
    if (!s || s.status === 'deleting') return;
    if (!['available', 'error', 'error_deleting'].includes(s.status)) {
      throw badRequest(`Invalid snapshot: Snapshot status must be available or error and must not be part of a group.`);
    }
    if (this.ctx.bootTimeMs <= 0) return this.removeSnapshot(id);
    startTransition(s, 'deleting', this.now(), this.ctx.bootTimeMs);
    this.snapshots.put(s);
  }

  private removeSnapshot(id: string): void {
    this.snapshots.delete(id);
    this.content.drop(snapshotKey(id));
  }

  // ---- groups ------------------------------------------------------------------------------------

  getGroup(id: string): GroupRecord | undefined {
    return this.fresh(this.groups, this.groups.get(id));
  }

  listGroups(projectId?: string): GroupRecord[] {
    return this.freshList(this.groups, this.groups.list(undefined, projectId));
  }

  findGroupType(nameOrId: string): GroupTypeRecord {
    const t = this.groupTypes.get(nameOrId) ?? this.groupTypes.find((x) => x.name === nameOrId);
    if (!t) throw notFound(`Group type with name ${nameOrId} could not be found.`);
    return t;
  }

  createGroup(
    projectId: string,
    spec: { group_type: string; volume_types: string[]; name?: string | null; description?: string | null; availability_zone?: string },
    opts: { userId?: string; isAdmin?: boolean } = {},
  ): GroupRecord {
    const gt = this.findGroupType(spec.group_type);
    if (spec.volume_types.length === 0) throw badRequest('Invalid input received: volume_types must be provided to create group.');
    const types = spec.volume_types.map((t) => this.findType(t, projectId, opts.isAdmin ?? true).id);
    checkQuota(this.quotaLimits(projectId), this.usage(projectId), { groups: 1 });
    const now = this.now();
    const g: GroupRecord = {
      id: uuid(),
      name: spec.name ?? null,
      description: spec.description ?? null,
      project_id: projectId,
      user_id: opts.userId ?? '',
      status: 'available',
      availability_zone: spec.availability_zone ?? AVAILABILITY_ZONE,
      group_type: gt.id,
      volume_types: [...new Set(types)],
      replication_status: 'disabled',
      group_snapshot_id: null,
      source_group_id: null,
      created_at: isoMicros(now),
    };
    if (this.ctx.bootTimeMs > 0) startTransition(g, 'creating', now, this.ctx.bootTimeMs);
    return this.groups.insert(g);
  }

  /** PUT /groups/{id}: rename and move volumes in or out; volumes must have one of the group's types. */
  updateGroup(id: string, change: { name?: string | null; description?: string | null; add_volumes: string[]; remove_volumes: string[] }): GroupRecord {
    const g = this.getGroup(id);
    if (!g) throw notFound(`Group ${id} could not be found.`);
    if ((change.add_volumes.length || change.remove_volumes.length) && g.status !== 'available') {
      throw badRequest(`Invalid group: Group status must be available or in-use, but current status is: ${g.status}.`);
    }
    const adds = change.add_volumes.map((vid) => {
      const v = this.getVolume(vid);
      if (!v || v.project_id !== g.project_id) throw badRequest(`Invalid volume: Cannot add volume ${vid} to group ${g.id} because volume cannot be found.`);
      if (v.group_id && v.group_id !== g.id) throw badRequest(`Invalid volume: Cannot add volume ${vid} to group ${g.id} because it is already in group ${v.group_id}.`);
      if (!g.volume_types.includes(v.volume_type_id)) {
        throw badRequest(`Invalid volume: Cannot add volume ${vid} to group ${g.id} because volume type ${v.volume_type_id} is not supported by the group.`);
      }
      if (!['available', 'in-use'].includes(v.status)) {
        throw badRequest(`Invalid volume: Cannot add volume ${vid} to group ${g.id} because volume is in an invalid state: ${v.status}.`);
      }
      return v;
    });
    const removes = change.remove_volumes.map((vid) => {
      const v = this.getVolume(vid);
      if (!v || v.group_id !== g.id) throw badRequest(`Invalid volume: Cannot remove volume ${vid} from group ${g.id} because it is not in the group.`);
      return v;
    });
    for (const v of adds) this.updateVolume(v.id, (x) => (x.group_id = g.id));
    for (const v of removes) this.updateVolume(v.id, (x) => (x.group_id = null));
    if (change.name !== undefined) g.name = change.name;
    if (change.description !== undefined) g.description = change.description;
    return this.groups.put(g);
  }

  groupVolumes(groupId: string): VolumeRecord[] {
    return this.listVolumes().filter((v) => v.group_id === groupId);
  }

  /** Deletes a group; its volumes too when `deleteVolumes`, else it must be empty. */
  deleteGroup(id: string, deleteVolumes: boolean): void {
    const g = this.getGroup(id);
    if (!g) throw notFound(`Group ${id} could not be found.`);
    const vols = this.groupVolumes(id);
    if (vols.length > 0 && !deleteVolumes) {
      throw badRequest(`Invalid group: Group ${id} still contains volumes. The delete-volumes flag is required to delete it.`);
    }
    for (const v of vols) {
      if (v.attachments.length > 0) throw badRequest(`Invalid volume: Volume ${v.id} in group ${id} is attached.`);
    }
    for (const v of vols) {
      this.updateVolume(v.id, (x) => (x.group_id = null));
      this.deleteVolume(v.id, { cascade: true });
    }
    this.groups.delete(id);
  }
}

/** Content key of a snapshot's captured bytes. */
export const snapshotKey = (id: string) => `snapshot:${id}`;
