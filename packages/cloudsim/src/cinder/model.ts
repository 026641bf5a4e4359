import { ArrayError, type ArrayModel, type VolumeRecord as ArrayVolume, type VolumeSnapshotRecord as ArraySnapshot } from '@protector/arraysim';
import { isoMicros } from '../timestamps.js';
import type { SiteContext } from '../context.js';
import type { GlanceModel } from '../glance/model.js';
import { ApiError, badRequest, notFound } from '../http/errors.js';
import { uuid } from '../ids.js';
import { Collection, type Frozen } from '../store/collection.js';
import { thaw } from '../store/frozen.js';
import { checkQuota, limitsOf, type QuotaLimits, type Usage } from './quotas.js';
import type {
  GroupRecord, GroupTypeRecord, QuotaRecord, SnapshotRecord, VolumeAttachment, VolumeRecord, VolumeTypeRecord,
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

/** Where a new volume's array volume comes from. */
type Provision =
  | { kind: 'blank' }
  /**
   * An array volume or snapshot to copy (clone, create from snapshot); named when provisioning,
   * since finding the name (its volume may be in a pod) is an array call that may fail.
   */
  | { kind: 'copy'; from: () => string }
  | { kind: 'image'; data: Buffer | undefined }
  /** An existing array volume to rename (manage existing). */
  | { kind: 'adopt'; name: string };

/** What GET /manageable_volumes and /manageable_snapshots list, before the route renders it. */
export interface Manageable {
  /** The array object's name: its reference, and the paging marker. */
  id: string;
  size: number;
  cinder_id: string | null;
  reason_not_safe: string | null;
  /** For snapshots: the array volume it is a snapshot of. */
  source: string | null;
}

/** The array volume behind a Cinder volume, named as the Pure Storage Cinder driver names it. */
export const arrayVolumeName = (volumeId: string): string => `volume-${volumeId}-cinder`;
/** The driver's snapshot name: `<volume name>.<snapshot name>`, Cinder naming snapshots snapshot-<id>. */
export const arraySnapshotName = (volumeId: string, snapshotId: string): string => `${arrayVolumeName(volumeId)}.${snapshotSuffix(snapshotId)}`;
const snapshotSuffix = (snapshotId: string): string => `snapshot-${snapshotId}`;
/** The driver's UNMANAGED_SUFFIX: unmanage renames the array volume and leaves it. */
export const UNMANAGED_SUFFIX = '-unmanaged';

/** An array failure as the Cinder API reports it: a down or failing array is a 503, not a 500. */
function arrayFailure(err: unknown, what: string): unknown {
  if (!(err instanceof ArrayError)) return err;
  const status = { not_found: 404, conflict: 409, invalid: 400, unreachable: 503, failed: 503 }[err.code];
  return new ApiError(status, `${what}: ${err.message}`);
}

/**
 * Cinder's state for one site. The backend is the site's simulated FlashArray: every volume is
 * an array volume (`volume-<id>-cinder`) holding its bytes, as the Pure Storage driver keeps them.
 * Array calls are synchronous, so a driver failure shows at once as the status Cinder would end in.
 */
export class CinderModel {
  readonly volumes: Collection<VolumeRecord>;
  readonly types: Collection<VolumeTypeRecord>;
  readonly groupTypes: Collection<GroupTypeRecord>;
  readonly groups: Collection<GroupRecord>;
  readonly snapshots: Collection<SnapshotRecord>;
  readonly quotas: Collection<QuotaRecord>;

  constructor(
    readonly ctx: SiteContext,
    readonly deps: { glance: GlanceModel; arrays: ArrayModel; arrayName: string },
  ) {
    this.volumes = new Collection(ctx.db, 'cinder_volumes', 'project_id');
    this.types = new Collection(ctx.db, 'cinder_volume_types');
    this.groupTypes = new Collection(ctx.db, 'cinder_group_types');
    this.groups = new Collection(ctx.db, 'cinder_groups', 'project_id');
    this.snapshots = new Collection(ctx.db, 'cinder_snapshots', 'project_id');
    this.quotas = new Collection(ctx.db, 'cinder_quotas');
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

  private get arrays(): ArrayModel {
    return this.deps.arrays;
  }

  private get arrayName(): string {
    return this.deps.arrayName;
  }

  /**
   * The array volume of an existing Cinder volume: `volume-<id>-cinder`, or `<pod>::volume-<id>-cinder`
   * once it was moved into a pod (the Pure driver addresses such a volume by its pod-qualified name).
   * The plain name when neither exists, so the array call that follows fails as not found.
   * Array failures (down, injected) propagate as the array call would have raised them.
   */
  private volumeOnArray(volumeId: string): string {
    const name = arrayVolumeName(volumeId);
    return this.arrays.findVolumeByBaseName(this.arrayName, name)?.name ?? name;
  }

  /** The array snapshot of a Cinder snapshot: `<array volume>.snapshot-<id>`, following its volume into a pod. */
  private snapshotOnArray(volumeId: string, snapshotId: string): string {
    return `${this.volumeOnArray(volumeId)}.${snapshotSuffix(snapshotId)}`;
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

  /** Shared read-only records with due transitions applied; only those that changed are copied and stored. */
  private freshList<T extends Settling>(coll: Collection<T>, docs: Frozen<T>[], onGone?: (doc: T) => void): Frozen<T>[] {
    const now = this.now();
    const out: Frozen<T>[] = [];
    for (const d of docs) {
      if (d._settle_at === undefined || now < d._settle_at) out.push(d);
      else {
        const settled = this.fresh(coll, thaw<T>(d), onGone);
        if (settled) out.push(settled as Frozen<T>);
      }
    }
    return out;
  }

  // ---- volumes -------------------------------------------------------------------------------

  getVolume(id: string): VolumeRecord | undefined {
    return this.fresh(this.volumes, this.volumes.get(id));
  }

  listVolumes(projectId?: string): Frozen<VolumeRecord>[] {
    return this.freshList(this.volumes, this.volumes.views(undefined, projectId));
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
    return this.newVolume(projectId, spec, opts, undefined);
  }

  /** Creates the record, then its array volume; `adopt` names an array volume to take over instead. */
  private newVolume(
    projectId: string,
    spec: VolumeSpec,
    opts: { immediate?: boolean; userId?: string; isAdmin?: boolean },
    adopt: string | undefined,
  ): VolumeRecord {
    const type = this.findType(spec.volume_type ?? DEFAULT_TYPE, projectId, opts.isAdmin ?? true);
    let size = spec.size;
    let imageMeta: Record<string, string> | undefined;
    let bootable: 'true' | 'false' = 'false';
    let provision: Provision = adopt === undefined ? { kind: 'blank' } : { kind: 'adopt', name: adopt };
    if (spec.snapshot_id) {
      const snap = this.getSnapshot(spec.snapshot_id);
      if (!snap) throw notFound(`Snapshot ${spec.snapshot_id} could not be found.`);
      if (snap.status !== 'available') throw badRequest(`Invalid snapshot: Originating snapshot status must be one of 'available' values`);
      size = size || snap.size;
      if (size < snap.size) throw badRequest(`Invalid input received: Volume size '${size}'GB cannot be smaller than the snapshot size ${snap.size}GB. They must be >= original snapshot size.`);
      const src = this.getVolume(snap.volume_id);
      if (src) ({ bootable, volume_image_metadata: imageMeta } = src);
      provision = { kind: 'copy', from: () => this.snapshotOnArray(snap.volume_id, snap.id) };
    } else if (spec.source_volid) {
      const src = this.getVolume(spec.source_volid);
      if (!src) throw notFound(`Volume ${spec.source_volid} could not be found.`);
      size = size || src.size;
      if (size < src.size) throw badRequest(`Invalid input received: Clones currently must be >= original volume size.`);
      ({ bootable, volume_image_metadata: imageMeta } = src);
      provision = { kind: 'copy', from: () => this.volumeOnArray(src.id) };
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
      provision = { kind: 'image', data: this.deps.glance.readData(image.id) };
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
    try {
      this.provision(vol, provision);
    } catch (err) {
      if (!(err instanceof ArrayError)) throw err;
      // The driver failed: Cinder leaves the volume in 'error' ('error_managing' for manage existing).
      return this.updateVolume(vol.id, (v) => {
        v.status = provision.kind === 'adopt' ? 'error_managing' : 'error';
        delete v._settle_at;
      });
    }
    return vol;
  }

  /** The driver's create_volume / create_cloned_volume / create_volume_from_snapshot / manage_existing. */
  private provision(vol: VolumeRecord, p: Provision): void {
    const name = arrayVolumeName(vol.id);
    const bytes = vol.size * GIB;
    switch (p.kind) {
      case 'blank':
        this.arrays.createVolume(this.arrayName, name, bytes);
        return;
      case 'image':
        this.arrays.createVolume(this.arrayName, name, bytes);
        if (p.data && p.data.length > 0 && p.data.length <= bytes) this.arrays.writeVolume(this.arrayName, name, 0, p.data);
        return;
      case 'copy': {
        // A copy takes the source's size; a larger volume is then extended, as the driver does.
        const copy = this.arrays.copyVolume(this.arrayName, p.from(), name);
        if (copy.provisioned < bytes) this.arrays.resizeVolume(this.arrayName, name, bytes);
        return;
      }
      case 'adopt':
        this.arrays.renameVolume(this.arrayName, p.name, name);
        return;
    }
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

  /**
   * Destroys the array volume (and, with cascade, its snapshots) and starts deleting: 'deleting'
   * for bootTimeMs, then the record is gone. Destroy, not eradicate, is the driver's default
   * (pure_eradicate_on_delete = False): the array keeps it for 24 h. If the array refuses,
   * the volume ends in 'error_deleting', as Cinder leaves it.
   */
  deleteVolume(volumeId: string, opts: { cascade?: boolean } = {}): void {
    const v = this.getVolume(volumeId);
    if (!v || v.status === 'deleting') return;
    const snaps = opts.cascade ? this.listSnapshots(v.project_id).filter((x) => x.volume_id === v.id) : [];
    try {
      const volumeName = this.volumeOnArray(v.id);
      for (const s of snaps) this.destroyOnArray('snapshot', `${volumeName}.${snapshotSuffix(s.id)}`);
      // A volume whose create failed may have no array volume; destroying it is then a no-op.
      this.destroyOnArray('volume', volumeName);
    } catch (err) {
      if (!(err instanceof ArrayError)) throw err;
      this.updateVolume(v.id, (x) => {
        x.status = 'error_deleting';
        delete x._settle_at;
      });
      return;
    }
    for (const s of snaps) this.snapshots.delete(s.id);
    if (this.ctx.bootTimeMs <= 0) {
      this.volumes.delete(v.id);
      return;
    }
    startTransition(v, 'deleting', this.now(), this.ctx.bootTimeMs);
    this.volumes.put(v);
  }

  /** The driver's delete: gone already (not found, or destroyed) counts as done, as in pure.py. */
  private destroyOnArray(kind: 'volume' | 'snapshot', name: string): void {
    try {
      if (kind === 'volume') this.arrays.destroyVolume(this.arrayName, name);
      else this.arrays.destroyVolumeSnapshot(this.arrayName, name);
    } catch (err) {
      if (err instanceof ArrayError && (err.code === 'not_found' || err.code === 'conflict')) return;
      throw err;
    }
  }

  private checkRange(v: VolumeRecord, offset: number, length: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > v.size * GIB) {
      throw badRequest(`Invalid input received: range ${offset}+${length} is outside volume ${v.id} of ${v.size}GB.`);
    }
  }

  /** Reads the volume's bytes from its array volume; array failures are ApiErrors (503 when it is down). */
  readVolume(volumeId: string, offset: number, length: number): Buffer {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    this.checkRange(v, offset, length);
    try {
      return this.arrays.readVolume(this.arrayName, this.volumeOnArray(v.id), offset, length);
    } catch (err) {
      throw arrayFailure(err, `Volume ${v.id}`);
    }
  }

  writeVolume(volumeId: string, offset: number, data: Buffer): void {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    this.checkRange(v, offset, data.length);
    try {
      this.arrays.writeVolume(this.arrayName, this.volumeOnArray(v.id), offset, data);
    } catch (err) {
      throw arrayFailure(err, `Volume ${v.id}`);
    }
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
    try {
      this.arrays.resizeVolume(this.arrayName, this.volumeOnArray(v.id), newSize * GIB);
    } catch (err) {
      if (!(err instanceof ArrayError)) throw err;
      return this.updateVolume(volumeId, (x) => (x.status = 'error_extending'));
    }
    return this.updateVolume(volumeId, (x) => {
      x.size = newSize;
    });
  }

  // ---- unmanage / manage ----------------------------------------------------------------------

  /** Cinder ids by array volume name, for marking what is already managed. */
  private managedNames(): Map<string, string> {
    return new Map(this.listVolumes().map((v) => [arrayVolumeName(v.id), v.id]));
  }

  /** An array object's name without its pod (`<pod>::`), as Cinder's naming sees it. */
  private static withoutPod(name: string): string {
    const i = name.indexOf('::');
    return i < 0 ? name : name.slice(i + 2);
  }

  private onArray<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw arrayFailure(err, what);
    }
  }

  /**
   * The array's volumes, as the driver's get_manageable_volumes lists them: every live volume,
   * size rounded up to GiB; those Cinder already manages are not safe to manage.
   */
  listManageableVolumes(): Manageable[] {
    const managed = this.managedNames();
    const vols: ArrayVolume[] = this.onArray('Manageable volumes', () => this.arrays.listVolumes(this.arrayName, { destroyed: false }));
    return vols.map((av) => {
      const cinderId = managed.get(CinderModel.withoutPod(av.name)) ?? null;
      return { id: av.name, size: Math.ceil(av.provisioned / GIB), cinder_id: cinderId, reason_not_safe: cinderId ? 'Volume already managed.' : null, source: null };
    });
  }

  /** The array's volume snapshots (get_manageable_snapshots); Cinder's own are not safe to manage. */
  listManageableSnapshots(): Manageable[] {
    const managed = new Map(this.listSnapshots().map((s) => [arraySnapshotName(s.volume_id, s.id), s.id]));
    const snaps: ArraySnapshot[] = this.onArray('Manageable snapshots', () => this.arrays.listVolumeSnapshots(this.arrayName));
    return snaps
      .filter((s) => !s.destroyed)
      .map((s) => {
        const cinderId = managed.get(CinderModel.withoutPod(s.name)) ?? null;
        return {
          id: s.name,
          size: Math.ceil(s.provisioned / GIB),
          cinder_id: cinderId,
          reason_not_safe: cinderId ? 'Snapshot already managed.' : null,
          source: s.source.name,
        };
      });
  }

  /**
   * Forgets a volume and, as the driver does, renames its array volume to `<name>-unmanaged` and
   * leaves it there with its bytes. If the array refuses, the volume ends in 'error_unmanaging'.
   */
  unmanageVolume(volumeId: string): void {
    const v = this.getVolume(volumeId);
    if (!v) throw notFound(`Volume ${volumeId} could not be found.`);
    if (v.attachments.length > 0 || !['available', 'error', 'error_managing'].includes(v.status)) {
      throw badRequest(`Invalid volume: Volume status must be available or error, but current status is: ${v.status}.`);
    }
    if (this.listSnapshots(v.project_id).some((s) => s.volume_id === v.id)) throw badRequest('Invalid volume: Volume cannot have snapshots when unmanaged.');
    try {
      // In a pod, the volume stays in it: `<pod>::volume-<id>-cinder-unmanaged`.
      const name = this.volumeOnArray(v.id);
      this.arrays.renameVolume(this.arrayName, name, name + UNMANAGED_SUFFIX);
    } catch (err) {
      // A volume in error may never have reached the array: nothing to rename.
      const missing = err instanceof ArrayError && err.code === 'not_found';
      if (!(err instanceof ArrayError)) throw err;
      if (!missing) {
        this.updateVolume(v.id, (x) => (x.status = 'error_unmanaging'));
        return;
      }
    }
    this.volumes.delete(v.id);
  }

  /**
   * Manage existing: adopts the array volume `ref` (its name, the driver's reference) as a new
   * Cinder volume, renaming it `volume-<new id>-cinder`; its bytes stay. The size is the array
   * volume's rounded up to GiB (manage_existing_get_size).
   */
  manageVolume(
    projectId: string,
    ref: string,
    spec: { name?: string | null; description?: string | null; volume_type?: string; bootable?: boolean; metadata?: Record<string, string>; availability_zone?: string },
    opts: { userId?: string; isAdmin?: boolean } = {},
  ): VolumeRecord {
    const av = this.onArray(`Manage existing volume ${ref}`, () => this.arrays.getVolume(this.arrayName, ref));
    if (av.destroyed) throw notFound(`Volume ${ref} could not be found.`);
    const cinderId = this.managedNames().get(CinderModel.withoutPod(ref));
    if (cinderId) throw badRequest(`Manage existing volume failed due to invalid backend reference {'source-name': '${ref}'}: Volume already managed by Cinder as ${cinderId}.`);
    const vol = this.newVolume(
      projectId,
      { size: Math.ceil(av.provisioned / GIB), name: spec.name, description: spec.description, volume_type: spec.volume_type, metadata: spec.metadata, availability_zone: spec.availability_zone },
      opts,
      ref,
    );
    if (spec.bootable) return this.updateVolume(vol.id, (v) => (v.bootable = 'true'));
    return vol;
  }

  // ---- snapshots -------------------------------------------------------------------------------

  getSnapshot(id: string): SnapshotRecord | undefined {
    return this.fresh(this.snapshots, this.snapshots.get(id));
  }

  listSnapshots(projectId?: string): Frozen<SnapshotRecord>[] {
    return this.freshList(this.snapshots, this.snapshots.views(undefined, projectId));
  }

  /**
   * Takes an array snapshot `volume-<vol>-cinder.snapshot-<id>` now; a volume in use needs
   * `force`, as in Cinder. If the array refuses, the snapshot ends in 'error'.
   */
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
    try {
      this.arrays.createVolumeSnapshot(this.arrayName, this.volumeOnArray(v.id), snapshotSuffix(snap.id));
    } catch (err) {
      if (!(err instanceof ArrayError)) throw err;
      return this.updateSnapshot(snap.id, (x) => {
        x.status = 'error';
        delete x._settle_at;
      });
    }
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
    try {
      this.destroyOnArray('snapshot', this.snapshotOnArray(s.volume_id, s.id));
    } catch (err) {
      if (!(err instanceof ArrayError)) throw err;
      this.updateSnapshot(id, (x) => (x.status = 'error_deleting'));
      return;
    }
    if (this.ctx.bootTimeMs <= 0) {
      this.snapshots.delete(id);
      return;
    }
    startTransition(s, 'deleting', this.now(), this.ctx.bootTimeMs);
    this.snapshots.put(s);
  }

  // ---- groups ------------------------------------------------------------------------------------

  getGroup(id: string): GroupRecord | undefined {
    return this.fresh(this.groups, this.groups.get(id));
  }

  listGroups(projectId?: string): Frozen<GroupRecord>[] {
    return this.freshList(this.groups, this.groups.views(undefined, projectId));
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

  groupVolumes(groupId: string): Frozen<VolumeRecord>[] {
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
