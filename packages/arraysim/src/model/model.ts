import { systemClock, type Clock } from '../clock.js';
import { openDatabase } from '../database.js';
import * as arrays from './arrays.js';
import { ModelBase, type ArrayModelOptions } from './model-base.js';
import { checkName, podOf } from './names.js';
import * as pgSnaps from './pg-snapshots.js';
import { pgSnapshotRow } from './pg-rows.js';
import * as pgs from './protection-groups.js';
import * as pods from './pods.js';
import type {
  PodRecord,
  PodReplicaLinkRecord,
  ProtectionGroupRecord,
  ProtectionGroupSnapshotRecord,
  TransferRecord,
  VolumeRecord,
  VolumeSnapshotRecord,
} from './records.js';
import { listTransfers, progressTransfers, queueReplication, transfersInFlight } from './replication.js';
import { applyRetention } from './retention.js';
import { fireSchedules } from './schedules.js';
import * as snaps from './snapshots.js';
import * as vols from './volumes.js';

export type { ArrayModelOptions } from './model-base.js';

export interface TickResult {
  /** `<array>/<snapshot>` taken by schedules. */
  snapshots: string[];
  /** `<target>/<copy>` whose transfer completed. */
  completed: string[];
  /** `<array>/<name>` eradicated by retention or the pending-eradication period. */
  eradicated: string[];
}

/** Options of a protection-group snapshot (POST protection-group-snapshots). */
export interface PgSnapshotOptions {
  suffix?: string;
  /** Sends it to every allowed target at once. */
  replicate_now?: boolean;
  /** Queues it behind earlier transfers of the group to each target; the model runs transfers in order anyway, so it is replicate_now. */
  replicate?: boolean;
  /** Whether retention prunes it; default true here (as for scheduled snapshots); the REST face passes the array's default, false. */
  apply_retention?: boolean;
  /** Destroys and eradicates it an hour after it is taken (the copies on targets stay). */
  for_replication?: boolean;
}

/**
 * A set of simulated FlashArrays in one SQLite file (see ModelBase for the arrays themselves).
 * Every call names the array it is made on and fails as the array would when it is down or a
 * fault is injected. All state is in the database, so two processes may open the same file; time
 * comes from the clock, and `tick` applies what is due (schedules, transfers, retention,
 * eradication) up to the clock's now.
 */
export class ArrayModel extends ModelBase {
  static open(path: string, clock: Clock = systemClock, opts: ArrayModelOptions = {}): ArrayModel {
    return new ArrayModel(openDatabase(path), clock, opts);
  }

  // ---- volumes ----

  createVolume(array: string, name: string, provisioned: number): VolumeRecord {
    return this.volumeCall(array, 'createVolume', { writes: [name] }, () => vols.createVolume(this.store, array, name, provisioned));
  }

  getVolume(array: string, name: string): VolumeRecord {
    return this.call(array, 'getVolume', () => vols.getVolume(this.store, array, name));
  }

  /**
   * The volume `name`, or else `<pod>::<name>` in a pod on this array (as FlashArray renames a
   * volume moved into a pod); null when neither exists. How a driver finds a volume it named.
   */
  findVolumeByBaseName(array: string, name: string): VolumeRecord | null {
    return this.call(array, 'findVolumeByBaseName', () => vols.findVolumeByBaseName(this.store, array, name));
  }

  listVolumes(array: string, opts?: { destroyed?: boolean }): VolumeRecord[] {
    return this.call(array, 'listVolumes', () => vols.listVolumes(this.store, array, opts));
  }

  writeVolume(array: string, name: string, offset: number, data: Buffer): void {
    if (podOf(name) === null) return this.call(array, 'writeVolume', () => vols.writeVolume(this.store, array, name, offset, data));
    this.call(array, 'writeVolume', () =>
      this.store.tx(() => {
        pods.checkAccess(this.store, array, name, 'write');
        vols.writeVolume(this.store, array, name, offset, data);
        pods.mirrorWrite(this.store, array, name, offset, data.length);
      }),
    );
  }

  readVolume(array: string, name: string, offset: number, length: number): Buffer {
    return this.volumeCall(array, 'readVolume', { reads: [name] }, () => vols.readVolume(this.store, array, name, offset, length));
  }

  resizeVolume(array: string, name: string, provisioned: number): VolumeRecord {
    return this.volumeCall(array, 'resizeVolume', { writes: [name] }, () => vols.resizeVolume(this.store, array, name, provisioned));
  }

  /** Renames within the same pod (or outside pods); snapshots and PG memberships follow. */
  renameVolume(array: string, name: string, newName: string): VolumeRecord {
    return this.volumeCall(array, 'renameVolume', { writes: [name, newName] }, () => vols.renameVolume(this.store, array, name, newName));
  }

  destroyVolume(array: string, name: string): VolumeRecord {
    return this.volumeCall(array, 'destroyVolume', { writes: [name] }, () => vols.destroyVolume(this.store, array, name));
  }

  recoverVolume(array: string, name: string): VolumeRecord {
    return this.volumeCall(array, 'recoverVolume', { writes: [name] }, () => vols.recoverVolume(this.store, array, name));
  }

  eradicateVolume(array: string, name: string): void {
    this.volumeCall(array, 'eradicateVolume', { writes: [name] }, () => vols.eradicateVolume(this.store, array, name));
  }

  /** Copies a volume, a volume snapshot or a PG snapshot volume to `dest` (or over it with overwrite). */
  copyVolume(array: string, source: string, dest: string, opts?: { overwrite?: boolean }): VolumeRecord {
    return this.volumeCall(array, 'copyVolume', { reads: [source], writes: [dest] }, () =>
      this.transfersToNow(() => snaps.copyVolume(this.store, array, source, dest, opts)),
    );
  }

  /**
   * Runs a call that shows transfer state or depends on it (a copy is readable once transferred)
   * after bringing transfers to now: a copy is complete from its simulated end, as on a real
   * array, however long ago the host last ticked. Without transfers in flight it writes nothing.
   */
  private transfersToNow<T>(fn: () => T): T {
    if (transfersInFlight(this.store)) this.store.tx(() => progressTransfers(this.store));
    return fn();
  }

  // ---- volume snapshots ----

  createVolumeSnapshot(array: string, volume: string, suffix?: string): VolumeSnapshotRecord {
    return this.volumeCall(array, 'createVolumeSnapshot', { reads: [volume] }, () => snaps.createVolumeSnapshot(this.store, array, volume, suffix));
  }

  getVolumeSnapshot(array: string, name: string): VolumeSnapshotRecord {
    return this.call(array, 'getVolumeSnapshot', () => snaps.getVolumeSnapshot(this.store, array, name));
  }

  listVolumeSnapshots(array: string): VolumeSnapshotRecord[] {
    return this.call(array, 'listVolumeSnapshots', () => this.transfersToNow(() => snaps.listVolumeSnapshots(this.store, array)));
  }

  destroyVolumeSnapshot(array: string, name: string): VolumeSnapshotRecord {
    return this.call(array, 'destroyVolumeSnapshot', () => snaps.destroyVolumeSnapshot(this.store, array, name));
  }

  recoverVolumeSnapshot(array: string, name: string): VolumeSnapshotRecord {
    return this.call(array, 'recoverVolumeSnapshot', () => snaps.recoverVolumeSnapshot(this.store, array, name));
  }

  eradicateVolumeSnapshot(array: string, name: string): void {
    this.call(array, 'eradicateVolumeSnapshot', () => snaps.eradicateVolumeSnapshot(this.store, array, name));
  }

  /** Reads a volume snapshot or PG snapshot volume (`<pg>.<sfx>.<vol>`, `<src>:<pg>.<sfx>.<vol>`). */
  readSnapshot(array: string, name: string, offset: number, length: number): Buffer {
    return this.call(array, 'readSnapshot', () => this.transfersToNow(() => snaps.readSnapshot(this.store, array, name, offset, length)));
  }

  /** Moves a volume into `pod` (renamed `<pod>::<name>`) or out of its pod (null); returns the new name. */
  moveVolume(array: string, name: string, pod: string | null): VolumeRecord {
    return this.call(array, 'moveVolume', () => vols.getVolume(this.store, array, pods.moveVolume(this.store, array, name, pod)));
  }

  // ---- pods (ActiveCluster stretched pods, ActiveDR linked pods; see pods.ts) ----

  createPod(array: string, name: string, opts?: { failover_preferences?: string[] }): PodRecord {
    return this.call(array, 'createPod', () => pods.createPod(this.store, array, name, opts));
  }

  getPod(array: string, name: string): PodRecord {
    return this.call(array, 'getPod', () => pods.getPod(this.store, array, name));
  }

  listPods(array: string): PodRecord[] {
    return this.call(array, 'listPods', () => pods.listPods(this.store, array));
  }

  /** Failover preferences, destroy/recover, and promotion (demote with quiesce or skip_quiesce). */
  updatePod(array: string, name: string, change: pods.PodChange): PodRecord {
    return this.call(array, 'updatePod', () => pods.updatePod(this.store, array, name, change));
  }

  destroyPod(array: string, name: string): PodRecord {
    return this.updatePod(array, name, { destroyed: true });
  }

  eradicatePod(array: string, name: string): void {
    this.call(array, 'eradicatePod', () => pods.eradicatePod(this.store, array, name));
  }

  /** Stretches the pod to `remote`; its copy there resyncs, then serves. */
  addPodArray(array: string, pod: string, remote: string): PodRecord {
    return this.call(array, 'addPodArray', () => pods.addPodArray(this.store, array, pod, remote));
  }

  removePodArray(array: string, pod: string, remote: string): PodRecord {
    return this.call(array, 'removePodArray', () => pods.removePodArray(this.store, array, pod, remote));
  }

  createPodReplicaLink(array: string, localPod: string, remoteArray: string, remotePod: string): PodReplicaLinkRecord {
    return this.call(array, 'createPodReplicaLink', () => pods.createPodReplicaLink(this.store, array, localPod, remoteArray, remotePod));
  }

  listPodReplicaLinks(array: string): PodReplicaLinkRecord[] {
    return this.call(array, 'listPodReplicaLinks', () => pods.listPodReplicaLinks(this.store, array));
  }

  updatePodReplicaLink(array: string, localPod: string, remotePod: string, change: { paused?: boolean }): PodReplicaLinkRecord {
    return this.call(array, 'updatePodReplicaLink', () => pods.updatePodReplicaLink(this.store, array, localPod, remotePod, change));
  }

  deletePodReplicaLink(array: string, localPod: string, remotePod: string): void {
    this.call(array, 'deletePodReplicaLink', () => pods.deletePodReplicaLink(this.store, array, localPod, remotePod));
  }

  // ---- protection groups (a target also shows `<source>:<pg>` replicas of the groups it receives) ----

  createProtectionGroup(array: string, name: string, settings?: pgs.ProtectionGroupSettings): ProtectionGroupRecord {
    return this.call(array, 'createProtectionGroup', () => pgs.createProtectionGroup(this.store, array, name, settings));
  }

  /** A group of this array, or a replica `<source>:<pg>` (is_local false). */
  getProtectionGroup(array: string, name: string): ProtectionGroupRecord {
    return this.call(array, 'getProtectionGroup', () => pgs.getProtectionGroup(this.store, array, name));
  }

  /** Own groups (destroyed ones included), then replica groups. */
  listProtectionGroups(array: string): ProtectionGroupRecord[] {
    return this.call(array, 'listProtectionGroups', () => pgs.listProtectionGroups(this.store, array));
  }

  updateProtectionGroup(array: string, name: string, settings: pgs.ProtectionGroupSettings): ProtectionGroupRecord {
    return this.call(array, 'updateProtectionGroup', () => pgs.updateProtectionGroup(this.store, array, name, settings));
  }

  /** Destroys pending eradication (snapshots with it; schedules and transfers stop until recovered). */
  destroyProtectionGroup(array: string, name: string): ProtectionGroupRecord {
    return this.call(array, 'destroyProtectionGroup', () => this.store.tx(() => {
      progressTransfers(this.store);
      return pgs.destroyProtectionGroup(this.store, array, name);
    }));
  }

  recoverProtectionGroup(array: string, name: string): ProtectionGroupRecord {
    return this.call(array, 'recoverProtectionGroup', () => this.store.tx(() => {
      progressTransfers(this.store);
      return pgs.recoverProtectionGroup(this.store, array, name);
    }));
  }

  /** Eradicates a destroyed group and its snapshots (copies on targets stay). */
  eradicateProtectionGroup(array: string, name: string): void {
    this.call(array, 'eradicateProtectionGroup', () => pgs.eradicateProtectionGroup(this.store, array, name));
  }

  /** Destroys and eradicates at once, in any state (the mock storage driver's shortcut). */
  deleteProtectionGroup(array: string, name: string): void {
    this.call(array, 'deleteProtectionGroup', () => pgs.deleteProtectionGroup(this.store, array, name));
  }

  /** Members already in the group are skipped, unless `strict` ("already a member", as the REST POST answers). */
  addProtectionGroupVolumes(array: string, pg: string, volumes: string[], opts?: { strict?: boolean }): void {
    this.call(array, 'addProtectionGroupVolumes', () => pgs.addVolumes(this.store, array, pg, volumes, opts));
  }

  removeProtectionGroupVolumes(array: string, pg: string, volumes: string[]): void {
    this.call(array, 'removeProtectionGroupVolumes', () => pgs.removeVolumes(this.store, array, pg, volumes));
  }

  /** Targets already there keep their flag, unless `strict` ("already includes"). */
  addProtectionGroupTargets(array: string, pg: string, targets: string[], allowed = true, opts?: { strict?: boolean }): void {
    this.call(array, 'addProtectionGroupTargets', () => pgs.addTargets(this.store, array, pg, targets, allowed, opts));
  }

  removeProtectionGroupTargets(array: string, pg: string, targets: string[]): void {
    this.call(array, 'removeProtectionGroupTargets', () => pgs.removeTargets(this.store, array, pg, targets));
  }

  /** `array` is the source here; the target gives consent through its replica `<source>:<pg>` on the REST face. */
  setProtectionGroupTargetAllowed(array: string, pg: string, target: string, allowed: boolean): void {
    this.call(array, 'setProtectionGroupTargetAllowed', () => pgs.setTargetAllowed(this.store, array, pg, target, allowed));
  }

  // ---- protection-group snapshots and replication ----

  /** Snapshots every member at one instant; with `replicate_now` (or `replicate`) the copy is queued to each allowed target. */
  snapshotProtectionGroup(array: string, pg: string, opts: PgSnapshotOptions = {}): ProtectionGroupSnapshotRecord {
    if (opts.suffix !== undefined) checkName('suffix', opts.suffix);
    return this.call(array, 'snapshotProtectionGroup', () =>
      this.store.tx(() => {
        progressTransfers(this.store);
        pgs.refuseReplicaSnapshot(this.store, array, pg);
        const snap = pgSnaps.snapshotPg(this.store, array, pg, {
          suffix: opts.suffix,
          retained: opts.apply_retention ?? true,
          forReplication: opts.for_replication === true,
        });
        if (opts.replicate_now || opts.replicate) queueReplication(this.store, snap);
        return pgSnaps.toPgSnapshot(this.store, snap);
      }),
    );
  }

  /** `pg` filters by the group as named on this array (`<source>:<pg>` for copies). */
  listProtectionGroupSnapshots(array: string, pg?: string): ProtectionGroupSnapshotRecord[] {
    return this.call(array, 'listProtectionGroupSnapshots', () => this.transfersToNow(() => pgSnaps.listPgSnapshots(this.store, array, pg)));
  }

  getProtectionGroupSnapshot(array: string, name: string): ProtectionGroupSnapshotRecord {
    return this.call(array, 'getProtectionGroupSnapshot', () =>
      this.transfersToNow(() => pgSnaps.toPgSnapshot(this.store, pgSnapshotRow(this.store, array, name))),
    );
  }

  /** Destroys a snapshot or a copy pending eradication; a copy still transferring stops. */
  destroyProtectionGroupSnapshot(array: string, name: string): ProtectionGroupSnapshotRecord {
    return this.call(array, 'destroyProtectionGroupSnapshot', () => this.store.tx(() => {
      progressTransfers(this.store);
      return pgSnaps.destroyPgSnapshot(this.store, array, name);
    }));
  }

  recoverProtectionGroupSnapshot(array: string, name: string): ProtectionGroupSnapshotRecord {
    return this.call(array, 'recoverProtectionGroupSnapshot', () => this.store.tx(() => {
      progressTransfers(this.store);
      return pgSnaps.recoverPgSnapshot(this.store, array, name);
    }));
  }

  /**
   * Eradicates a snapshot or copy. By default in any state (destroying it first), the shortcut the
   * mock storage driver takes; `{ requireDestroyed: true }` refuses a live one, as the array's DELETE does.
   */
  eradicateProtectionGroupSnapshot(array: string, name: string, opts: { requireDestroyed?: boolean } = {}): void {
    this.call(array, 'eradicateProtectionGroupSnapshot', () =>
      this.store.tx(() => {
        progressTransfers(this.store);
        pgSnaps.eradicatePgSnapshot(this.store, array, name, { force: !opts.requireDestroyed });
      }),
    );
  }

  /** Per-target transfer state of a source snapshot `<pg>.<suffix>`. */
  listTransfers(array: string, snapshot: string): TransferRecord[] {
    return this.call(array, 'listTransfers', () =>
      this.transfersToNow(() => {
        pgSnapshotRow(this.store, array, snapshot);
        return listTransfers(this.store, array, snapshot);
      }),
    );
  }

  /**
   * Applies everything due at the clock's now: transfers progress, due schedules fire, transfers
   * progress again (so an instant transfer completes), retention prunes, and destroyed objects
   * whose pending-eradication period ran out (and due for_replication snapshots) are eradicated. Arrays that are down do nothing. `only` limits schedules, retention
   * and eradication to those arrays (a process ticking the array it hosts, when several
   * processes share one file); transfers and pods are shared state and always move on.
   */
  tick(only?: readonly string[]): TickResult {
    const s = this.store;
    return s.tx(() => {
      const out: TickResult = { snapshots: [], completed: progressTransfers(s), eradicated: [] };
      pods.settle(s);
      const up = arrays.listArrays(s).filter((a) => !arrays.isDown(s, a.name) && (!only || only.includes(a.name)));
      for (const a of up) out.snapshots.push(...fireSchedules(s, a.name));
      out.completed.push(...progressTransfers(s));
      for (const a of up) {
        out.eradicated.push(...applyRetention(s, a.name));
        const gone = [
          ...pgs.eradicateExpiredGroups(s, a.name),
          ...pgSnaps.eradicateExpiredPgSnapshots(s, a.name),
          ...snaps.eradicateExpiredVolumeSnapshots(s, a.name),
          ...vols.eradicateExpiredVolumes(s, a.name),
        ];
        out.eradicated.push(...gone.map((n) => `${a.name}/${n}`));
      }
      out.eradicated.push(...pods.eradicateExpiredPods(s).map((n) => `pod/${n}`));
      return out;
    });
  }
}
