import { systemClock, type Clock } from '../clock.js';
import { openDatabase, type Db } from '../database.js';
import * as arrays from './arrays.js';
import { checkName, podOf } from './names.js';
import * as pgs from './protection-groups.js';
import * as pods from './pods.js';
import type {
  ArrayConnectionRecord,
  ArrayRecord,
  PodRecord,
  PodReplicaLinkRecord,
  ProtectionGroupRecord,
  ProtectionGroupSnapshotRecord,
  TransferRecord,
  VolumeRecord,
  VolumeSnapshotRecord,
} from './records.js';
import { listTransfers, progressTransfers, queueReplication, rescaleTransfers } from './replication.js';
import { applyRetention } from './retention.js';
import { fireSchedules } from './schedules.js';
import { migrate } from './schema.js';
import * as snaps from './snapshots.js';
import { Store } from './store.js';
import * as vols from './volumes.js';

export interface TickResult {
  /** `<array>/<snapshot>` taken by schedules. */
  snapshots: string[];
  /** `<target>/<copy>` whose transfer completed. */
  completed: string[];
  /** `<array>/<name>` eradicated by retention or the 24 h pending-eradication period. */
  eradicated: string[];
}

/**
 * A set of simulated FlashArrays in one SQLite file. Every call names the array it is made on and
 * fails as the array would when it is down or a fault is injected. All state is in the database,
 * so two processes may open the same file; time comes from the clock, and `tick` applies what is
 * due (schedules, transfers, retention) up to the clock's now.
 */
export class ArrayModel {
  readonly store: Store;

  constructor(
    readonly db: Db,
    clock: Clock = systemClock,
  ) {
    // A second process waits for the writer's lock instead of failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    migrate(db);
    this.store = new Store(db, clock);
  }

  static open(path: string, clock: Clock = systemClock): ArrayModel {
    return new ArrayModel(openDatabase(path), clock);
  }

  close(): void {
    this.db.close();
  }

  private call<T>(array: string, call: string, fn: () => T): T {
    arrays.guard(this.store, array, call);
    return fn();
  }

  /**
   * A call on volumes `reads` and `writes` (names, possibly in pods): pods must let this array
   * serve them, and what it changes reaches every other synced copy of a stretched pod.
   */
  private volumeCall<T>(array: string, call: string, io: { reads?: string[]; writes?: string[] }, fn: () => T): T {
    const names = [...(io.reads ?? []), ...(io.writes ?? [])];
    // Volumes outside pods need none of this (and reads then take no write lock).
    if (!names.some((n) => podOf(n) !== null)) return this.call(array, call, fn);
    return this.call(array, call, () =>
      this.store.tx(() => {
        for (const n of io.reads ?? []) pods.checkAccess(this.store, array, n, 'read');
        for (const n of io.writes ?? []) pods.checkAccess(this.store, array, n, 'write');
        const out = fn();
        pods.mirrorVolumes(this.store, array, io.writes ?? []);
        return out;
      }),
    );
  }

  /** Link or array state changes: everything due is applied under the old state, then pods react. */
  private changeLinkState(fn: () => void): void {
    const s = this.store;
    s.tx(() => {
      progressTransfers(s);
      pods.settle(s);
      fn();
      pods.settle(s);
    });
  }

  // ---- arrays, connections and faults (administration: not subject to array faults) ----

  createArray(name: string): ArrayRecord {
    return arrays.createArray(this.store, name);
  }

  listArrays(): ArrayRecord[] {
    return arrays.listArrays(this.store);
  }

  getArray(name: string): ArrayRecord {
    return this.call(name, 'getArray', () => arrays.getArray(this.store, name));
  }

  connectArrays(local: string, remote: string, opts?: arrays.ConnectOptions): ArrayConnectionRecord {
    return this.call(local, 'connectArrays', () =>
      this.store.tx(() => {
        const c = arrays.connect(this.store, local, remote, opts);
        pods.settle(this.store);
        return c;
      }),
    );
  }

  listArrayConnections(array: string): ArrayConnectionRecord[] {
    return this.call(array, 'listArrayConnections', () => arrays.listConnections(this.store, array));
  }

  /**
   * Fault and tuning switch on the link (down/up, a slow link); transfers are brought to now
   * first, under the old state. Down shows as status 'connecting', as the array reports it.
   */
  setLink(a: string, b: string, change: { up?: boolean; bandwidth?: number; latency_ms?: number }): void {
    const s = this.store;
    this.changeLinkState(() => {
      const c = arrays.requireConnection(s, a, b);
      const status = change.up === undefined ? undefined : change.up ? 'connected' : 'connecting';
      arrays.updateConnection(s, a, b, { status, bandwidth: change.bandwidth, latency_ms: change.latency_ms });
      if (change.bandwidth !== undefined && change.bandwidth !== c.bandwidth) rescaleTransfers(s, c, change.bandwidth);
    });
  }

  linkDown(a: string, b: string): void {
    this.setLink(a, b, { up: false });
  }

  linkUp(a: string, b: string): void {
    this.setLink(a, b, { up: true });
  }

  /** Whether an array is off the network (does not consume injected call failures). */
  isArrayDown(name: string): boolean {
    return arrays.isDown(this.store, name);
  }

  /** Takes an array off the network: every call on it fails as unreachable until it is back. */
  setArrayDown(name: string, down: boolean): void {
    const s = this.store;
    this.changeLinkState(() => {
      arrays.getArray(s, name);
      arrays.setArrayDown(s, name, down);
    });
  }

  /** The next `times` calls of method `call` on `array` fail with code 'failed'. */
  failNext(array: string, call: string, times = 1): void {
    arrays.failNext(this.store, array, call, times);
  }

  /** Issues an API token for `user` (a given `token` is stored as is: seeds use fixed ones). */
  createApiToken(array: string, user: string, token?: string): string {
    return arrays.createApiToken(this.store, array, user, token);
  }

  /** The user an API token belongs to, or null; checked by the REST face's login. */
  apiTokenUser(array: string, token: string): string | null {
    return this.call(array, 'login', () => arrays.apiTokenUser(this.store, array, token));
  }

  revokeApiToken(array: string, token: string): void {
    arrays.revokeApiToken(this.store, array, token);
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
    return this.volumeCall(array, 'copyVolume', { reads: [source], writes: [dest] }, () => snaps.copyVolume(this.store, array, source, dest, opts));
  }

  // ---- volume snapshots ----

  createVolumeSnapshot(array: string, volume: string, suffix?: string): VolumeSnapshotRecord {
    return this.volumeCall(array, 'createVolumeSnapshot', { reads: [volume] }, () => snaps.createVolumeSnapshot(this.store, array, volume, suffix));
  }

  getVolumeSnapshot(array: string, name: string): VolumeSnapshotRecord {
    return this.call(array, 'getVolumeSnapshot', () => snaps.getVolumeSnapshot(this.store, array, name));
  }

  listVolumeSnapshots(array: string): VolumeSnapshotRecord[] {
    return this.call(array, 'listVolumeSnapshots', () => snaps.listVolumeSnapshots(this.store, array));
  }

  destroyVolumeSnapshot(array: string, name: string): VolumeSnapshotRecord {
    return this.call(array, 'destroyVolumeSnapshot', () => snaps.destroyVolumeSnapshot(this.store, array, name));
  }

  eradicateVolumeSnapshot(array: string, name: string): void {
    this.call(array, 'eradicateVolumeSnapshot', () => snaps.eradicateVolumeSnapshot(this.store, array, name));
  }

  /** Reads a volume snapshot or PG snapshot volume (`<pg>.<sfx>.<vol>`, `<src>:<pg>.<sfx>.<vol>`). */
  readSnapshot(array: string, name: string, offset: number, length: number): Buffer {
    return this.call(array, 'readSnapshot', () => snaps.readSnapshot(this.store, array, name, offset, length));
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

  // ---- protection groups ----

  createProtectionGroup(array: string, name: string, settings?: pgs.ProtectionGroupSettings): ProtectionGroupRecord {
    return this.call(array, 'createProtectionGroup', () => pgs.createProtectionGroup(this.store, array, name, settings));
  }

  getProtectionGroup(array: string, name: string): ProtectionGroupRecord {
    return this.call(array, 'getProtectionGroup', () => pgs.getProtectionGroup(this.store, array, name));
  }

  listProtectionGroups(array: string): ProtectionGroupRecord[] {
    return this.call(array, 'listProtectionGroups', () => pgs.listProtectionGroups(this.store, array));
  }

  updateProtectionGroup(array: string, name: string, settings: pgs.ProtectionGroupSettings): ProtectionGroupRecord {
    return this.call(array, 'updateProtectionGroup', () => pgs.updateProtectionGroup(this.store, array, name, settings));
  }

  deleteProtectionGroup(array: string, name: string): void {
    this.call(array, 'deleteProtectionGroup', () => pgs.deleteProtectionGroup(this.store, array, name));
  }

  addProtectionGroupVolumes(array: string, pg: string, volumes: string[]): void {
    this.call(array, 'addProtectionGroupVolumes', () => pgs.addVolumes(this.store, array, pg, volumes));
  }

  removeProtectionGroupVolumes(array: string, pg: string, volumes: string[]): void {
    this.call(array, 'removeProtectionGroupVolumes', () => pgs.removeVolumes(this.store, array, pg, volumes));
  }

  addProtectionGroupTargets(array: string, pg: string, targets: string[], allowed = true): void {
    this.call(array, 'addProtectionGroupTargets', () => pgs.addTargets(this.store, array, pg, targets, allowed));
  }

  removeProtectionGroupTargets(array: string, pg: string, targets: string[]): void {
    this.call(array, 'removeProtectionGroupTargets', () => pgs.removeTargets(this.store, array, pg, targets));
  }

  setProtectionGroupTargetAllowed(array: string, pg: string, target: string, allowed: boolean): void {
    this.call(array, 'setProtectionGroupTargetAllowed', () => pgs.setTargetAllowed(this.store, array, pg, target, allowed));
  }

  // ---- protection-group snapshots and replication ----

  /** Snapshots every member at one instant; with `replicate_now` the copy is queued to each allowed target. */
  snapshotProtectionGroup(array: string, pg: string, opts: { suffix?: string; replicate_now?: boolean } = {}): ProtectionGroupSnapshotRecord {
    if (opts.suffix !== undefined) checkName('suffix', opts.suffix);
    return this.call(array, 'snapshotProtectionGroup', () =>
      this.store.tx(() => {
        progressTransfers(this.store);
        const snap = pgs.snapshotPg(this.store, array, pg, opts.suffix);
        if (opts.replicate_now) queueReplication(this.store, snap);
        return pgs.toPgSnapshot(this.store, snap);
      }),
    );
  }

  /** `pg` filters by the group as named on this array (`<source>:<pg>` for copies). */
  listProtectionGroupSnapshots(array: string, pg?: string): ProtectionGroupSnapshotRecord[] {
    return this.call(array, 'listProtectionGroupSnapshots', () => pgs.listPgSnapshots(this.store, array, pg));
  }

  getProtectionGroupSnapshot(array: string, name: string): ProtectionGroupSnapshotRecord {
    return this.call(array, 'getProtectionGroupSnapshot', () => pgs.toPgSnapshot(this.store, pgs.pgSnapshotRow(this.store, array, name)));
  }

  eradicateProtectionGroupSnapshot(array: string, name: string): void {
    this.call(array, 'eradicateProtectionGroupSnapshot', () =>
      this.store.tx(() => {
        progressTransfers(this.store);
        pgs.eradicatePgSnapshotRow(this.store, pgs.pgSnapshotRow(this.store, array, name));
      }),
    );
  }

  /** Per-target transfer state of a source snapshot `<pg>.<suffix>`. */
  listTransfers(array: string, snapshot: string): TransferRecord[] {
    return this.call(array, 'listTransfers', () => {
      pgs.pgSnapshotRow(this.store, array, snapshot);
      return listTransfers(this.store, array, snapshot);
    });
  }

  /**
   * Applies everything due at the clock's now: transfers progress, due schedules fire, transfers
   * progress again (so an instant transfer completes), retention prunes and expired destroyed
   * volumes are eradicated. Arrays that are down do nothing. `only` limits schedules, retention
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
        out.eradicated.push(...vols.eradicateExpiredVolumes(s, a.name).map((n) => `${a.name}/${n}`));
      }
      out.eradicated.push(...pods.eradicateExpiredPods(s).map((n) => `pod/${n}`));
      return out;
    });
  }
}
