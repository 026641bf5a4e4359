import { ArrayError, ArrayModel, type PodRecord, type ProtectionGroupRecord, type ProtectionGroupSnapshotRecord, type ProtectionGroupSettings } from '@protector/arraysim';
import type { StorageDriver, TransferWaitOptions } from '../driver.js';
import { StorageError, type StorageErrorCode } from '../errors.js';
import type {
  ArrayReport,
  ConnectionReport,
  GroupVolume,
  LinkState,
  PendingRecoveryPoint,
  RecoveryPoint,
  ReplicationGroupHandle,
  ReplicationGroupSpec,
  ReplicationSchedulePolicy,
  ReplicationStatus,
  RestoreMapping,
  RestoredVolume,
  RetentionPolicy,
  Side,
  StorageClock,
  TransferProgress,
} from '../types.js';
import { replicationGroupName } from '../naming.js';

interface MockDriverCommon {
  localArray: string;
  peerArray: string;
  /** Must be the clock the model runs on (the model takes it at open). */
  clock?: StorageClock;
  /** Between polls of waitForTransfer; default 1000 ms. */
  pollIntervalMs?: number;
  /** How a poll waits; tests on a manual clock advance it (and tick the arrays) here. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * `path`: the shared array file (the lab's one file both sites' cloudsim processes open); the
 * driver opens and closes it. `model`: an already open model (tests on ':memory:', which a
 * second open would not share); the caller closes it.
 */
export type MockDriverConfig = MockDriverCommon & ({ path: string } | { model: ArrayModel });

const systemClock: StorageClock = { now: () => Date.now() };
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** FlashArray object names; construct names must be valid before the array is asked. */
const ARRAY_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const POD_SEP = '::';
const NOW = 'now';

function toStorageError(err: unknown, context: string): StorageError {
  if (err instanceof StorageError) return err;
  if (err instanceof ArrayError) {
    const codes: Record<ArrayError['code'], StorageErrorCode> = {
      not_found: 'not_found',
      conflict: 'conflict',
      unreachable: 'unreachable',
      invalid: 'invalid',
      failed: 'failed',
    };
    return new StorageError(codes[err.code], `${context}: ${err.message}`, { cause: err });
  }
  // SQLite errors (a busy shared file) and the like: the array call failed.
  return new StorageError('failed', `${context}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

const isArrayError = (err: unknown, code: ArrayError['code']): boolean => err instanceof ArrayError && err.code === code;

function retentionSettings(r: RetentionPolicy): { all_for_sec: number; per_day: number; days: number } {
  return { all_for_sec: r.keepAllForSeconds, per_day: r.perDay, days: r.days };
}

function pgSettings(policy: ReplicationSchedulePolicy): Required<Pick<ProtectionGroupSettings, 'replication_schedule' | 'snapshot_schedule' | 'source_retention' | 'target_retention'>> {
  if (!Number.isInteger(policy.intervalSeconds) || policy.intervalSeconds < 1) {
    throw new StorageError('invalid', `replication interval must be a whole number of seconds, at least 1 (got ${policy.intervalSeconds})`);
  }
  return {
    // Only replicated snapshots are recovery points, so the local-only schedule stays off.
    snapshot_schedule: { enabled: false },
    replication_schedule: { enabled: true, frequency: policy.intervalSeconds * 1000 },
    target_retention: retentionSettings(policy.retention),
    source_retention: retentionSettings(policy.sourceRetention ?? policy.retention),
  };
}

/** Which of the wanted settings the group does not have (empty when it matches). */
function settingsDiff(pg: ProtectionGroupRecord, want: ReturnType<typeof pgSettings>): string[] {
  const diff: string[] = [];
  if (!pg.replication_schedule.enabled || pg.replication_schedule.frequency !== want.replication_schedule.frequency) {
    diff.push(`replication every ${pg.replication_schedule.frequency / 1000} s (${pg.replication_schedule.enabled ? 'enabled' : 'disabled'})`);
  }
  for (const key of ['source_retention', 'target_retention'] as const) {
    const have = pg[key];
    const w = want[key];
    if (have.all_for_sec !== w.all_for_sec || have.per_day !== w.per_day || have.days !== w.days) {
      diff.push(`${key} ${have.all_for_sec}s/${have.per_day} per day/${have.days} days`);
    }
  }
  return diff;
}

const baseName = (name: string): string => {
  const i = name.indexOf(POD_SEP);
  return i < 0 ? name : name.slice(i + POD_SEP.length);
};

/**
 * The StorageDriver over the simulated FlashArray pair (arraysim's ArrayModel). Every action is
 * a call the array itself offers (protection groups, targets, PG snapshots with replicate_now,
 * copies from snapshots, pods), made on the array it would be made on, so faults and content
 * behave as on the array: what a restore brings back is what the snapshot captured. The model
 * does not advance time by itself: whoever hosts it (cloudsim's sites in the lab, the tests
 * here) calls `tick`; this driver only reads what the arrays report.
 */
export class MockStorageDriver implements StorageDriver {
  readonly name = 'mock';
  readonly localArray: string;
  readonly peerArray: string;
  /** The model, for tests and the lab (fault injection, reading content); not part of the contract. */
  readonly model: ArrayModel;
  private readonly ownsModel: boolean;
  private readonly clock: StorageClock;
  private readonly pollIntervalMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(config: MockDriverConfig) {
    if (!config.localArray || !config.peerArray || config.localArray === config.peerArray) {
      throw new StorageError('invalid', `mock storage driver needs two different arrays (local '${config.localArray}', peer '${config.peerArray}')`);
    }
    this.localArray = config.localArray;
    this.peerArray = config.peerArray;
    this.clock = config.clock ?? systemClock;
    this.pollIntervalMs = config.pollIntervalMs ?? 1000;
    this.sleep = config.sleep ?? realSleep;
    if ('model' in config) {
      this.model = config.model;
      this.ownsModel = false;
    } else {
      try {
        this.model = ArrayModel.open(config.path, this.clock);
      } catch (err) {
        throw toStorageError(err, `cannot open the simulated array file '${config.path}'`);
      }
      this.ownsModel = true;
    }
  }

  async close(): Promise<void> {
    if (this.ownsModel) this.model.close();
  }

  // ---- helpers ----

  private arrayOf(side: Side): string {
    if (side !== 'local' && side !== 'peer') throw new StorageError('invalid', `side must be 'local' or 'peer', got '${String(side)}'`);
    return side === 'local' ? this.localArray : this.peerArray;
  }

  /** Runs model calls, turning array errors into StorageErrors that say what was being done. */
  private run<T>(context: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStorageError(err, context);
    }
  }

  private checkHandle(h: ReplicationGroupHandle): void {
    const mine = [this.localArray, this.peerArray];
    if (!mine.includes(h.sourceArray) || !mine.includes(h.targetArray) || h.sourceArray === h.targetArray) {
      throw new StorageError(
        'invalid',
        `replication group '${h.name}' spans arrays '${h.sourceArray}' and '${h.targetArray}', but this site's driver is configured for '${this.localArray}' and '${this.peerArray}'`,
      );
    }
    if (h.type !== 'async' && h.type !== 'sync') throw new StorageError('invalid', `unknown replication type '${String(h.type)}'`);
    if (!ARRAY_NAME.test(h.name)) throw new StorageError('invalid', `'${h.name}' is not a valid array object name`);
  }

  private reachable(array: string): boolean {
    try {
      this.model.getArray(array);
      return true;
    } catch {
      return false;
    }
  }

  /** The protection group on `array`, or null when it does not exist there. */
  private findPg(array: string, name: string): ProtectionGroupRecord | null {
    try {
      return this.model.getProtectionGroup(array, name);
    } catch (err) {
      if (isArrayError(err, 'not_found')) return null;
      throw err;
    }
  }

  private findPod(array: string, name: string): PodRecord | null {
    try {
      return this.model.getPod(array, name);
    } catch (err) {
      if (isArrayError(err, 'not_found')) return null;
      throw err;
    }
  }

  private volumeExists(array: string, name: string): boolean {
    try {
      return !this.model.getVolume(array, name).destroyed;
    } catch (err) {
      if (isArrayError(err, 'not_found')) return false;
      throw err;
    }
  }

  /** Link between the two arrays as `from` reports it, given whether the other answers. */
  private linkFrom(from: string, to: string, toReachable: boolean): ArrayReport['link'] {
    const c = this.model.listArrayConnections(from).find((x) => x.name === to);
    if (!c) return { remote: to, state: 'not_connected', type: null };
    const state: LinkState = c.status === 'connected' && toReachable ? 'connected' : 'down';
    return { remote: to, state, type: c.type === 'sync-replication' ? 'sync' : 'async' };
  }

  private linkState(a: string, b: string): { state: LinkState; aUp: boolean; bUp: boolean; why: string } {
    const aUp = this.reachable(a);
    const bUp = this.reachable(b);
    if (!aUp || !bUp) {
      const down = [aUp ? null : a, bUp ? null : b].filter((x) => x !== null).join(' and ');
      return { state: 'down', aUp, bUp, why: `array ${down} unreachable` };
    }
    const link = this.linkFrom(a, b, true);
    if (link.state === 'not_connected') return { state: 'down', aUp, bUp, why: `arrays '${a}' and '${b}' are not connected` };
    if (link.state === 'down') return { state: 'down', aUp, bUp, why: `replication link between '${a}' and '${b}' is down` };
    return { state: 'connected', aUp, bUp, why: `replication link between '${a}' and '${b}' is up` };
  }

  private rpName(h: ReplicationGroupHandle, name: string): string {
    return name.includes(':') ? name : `${h.sourceArray}:${name}`;
  }

  private toRecoveryPoint(h: ReplicationGroupHandle, s: ProtectionGroupSnapshotRecord): RecoveryPoint {
    return {
      name: s.name,
      kind: 'snapshot',
      array: h.targetArray,
      sourceArray: h.sourceArray,
      createdAt: s.created,
      completedAt: s.completed ?? s.created,
      volumes: s.volumes,
    };
  }

  private nowPoint(h: ReplicationGroupHandle, pod: PodRecord): RecoveryPoint {
    const now = this.clock.now();
    return { name: NOW, kind: 'now', array: h.targetArray, sourceArray: h.sourceArray, createdAt: now, completedAt: now, volumes: pod.volumes };
  }

  private podCopy(pod: PodRecord, array: string): PodRecord['arrays'][number] | undefined {
    return pod.arrays.find((a) => a.name === array);
  }

  /** The pod as the target array sees it, and whether the target's copy is in sync. */
  private podOnTarget(h: ReplicationGroupHandle): { pod: PodRecord; inSync: boolean } {
    const pod = this.model.getPod(h.targetArray, h.name);
    return { pod, inSync: this.podCopy(pod, h.targetArray)?.status === 'online' };
  }

  /** Stretches the pod to the other array when it is not (creation, or a retried removeVolumes). */
  private ensureStretched(array: string, other: string, pod: string): void {
    const p = this.model.getPod(array, pod);
    if (!p.arrays.some((a) => a.name === other)) this.model.addPodArray(array, pod, other);
  }

  // ---- contract ----

  async validateConnection(): Promise<ConnectionReport> {
    const up = { local: this.reachable(this.localArray), peer: this.reachable(this.peerArray) };
    const report = (side: Side): ArrayReport => {
      const array = this.arrayOf(side);
      const remote = side === 'local' ? this.peerArray : this.localArray;
      const remoteUp = side === 'local' ? up.peer : up.local;
      try {
        const a = this.model.getArray(array);
        const link = this.linkFrom(array, remote, remoteUp);
        const error =
          link.state === 'not_connected'
            ? `array '${array}' is not connected to '${remote}'`
            : link.state === 'down'
              ? `replication link from '${array}' to '${remote}' is down`
              : null;
        return { side, array, reachable: true, version: a.version, link, error };
      } catch (err) {
        const e = toStorageError(err, `array '${array}'`);
        return { side, array, reachable: false, version: null, link: { remote, state: 'down', type: null }, error: e.message };
      }
    };
    const arrays = [report('local'), report('peer')];
    return { ok: arrays.every((a) => a.reachable && a.error === null), arrays };
  }

  async createReplicationGroup(spec: ReplicationGroupSpec): Promise<ReplicationGroupHandle> {
    const name = replicationGroupName(spec.id);
    if (!ARRAY_NAME.test(name)) {
      throw new StorageError('invalid', `protection group id '${spec.id}' cannot name an array object (letters, digits and '-', at most 53 characters)`);
    }
    if (spec.replicationType !== 'async' && spec.replicationType !== 'sync') {
      throw new StorageError('invalid', `replication type must be 'async' or 'sync', got '${String(spec.replicationType)}'`);
    }
    const h: ReplicationGroupHandle = { type: spec.replicationType, name, sourceArray: this.localArray, targetArray: this.peerArray };
    const ctx = `creating ${h.type} replication group '${name}' (PG '${spec.name}') on '${h.sourceArray}' -> '${h.targetArray}'`;
    if (h.type === 'async') {
      const want = pgSettings(spec);
      this.run(ctx, () => {
        this.model.getArray(h.targetArray); // the target must answer too: the group is useless without it
        const pg = this.findPg(h.sourceArray, name);
        if (pg) {
          const diff = settingsDiff(pg, want);
          if (diff.length > 0) {
            throw new StorageError('conflict', `${ctx}: protection group '${name}' already exists on '${h.sourceArray}' with other settings (${diff.join('; ')})`);
          }
        } else {
          this.model.createProtectionGroup(h.sourceArray, name, want);
        }
        // A crash after creating the group leaves it without its target: a retry adds it here.
        const t = (pg ?? this.model.getProtectionGroup(h.sourceArray, name)).targets.find((x) => x.name === h.targetArray);
        if (!t) this.model.addProtectionGroupTargets(h.sourceArray, name, [h.targetArray], true);
        else if (!t.allowed) this.model.setProtectionGroupTargetAllowed(h.sourceArray, name, h.targetArray, true);
      });
      return h;
    }
    this.run(ctx, () => {
      this.model.getArray(h.targetArray);
      const pod = this.findPod(h.sourceArray, name);
      if (pod) {
        const others = pod.arrays.map((a) => a.name).filter((a) => a !== h.sourceArray && a !== h.targetArray);
        if (others.length > 0) throw new StorageError('conflict', `${ctx}: pod '${name}' already exists and is stretched to '${others.join(', ')}'`);
      } else {
        this.model.createPod(h.sourceArray, name, { failover_preferences: [h.sourceArray] });
      }
      this.ensureStretched(h.sourceArray, h.targetArray, name);
    });
    return h;
  }

  async updateReplicationSchedule(h: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void> {
    this.checkHandle(h);
    const want = pgSettings(policy);
    if (h.type === 'sync') return;
    this.run(`updating the schedule of protection group '${h.name}' on '${h.sourceArray}'`, () => {
      this.model.updateProtectionGroup(h.sourceArray, h.name, want);
    });
  }

  async deleteReplicationGroup(h: ReplicationGroupHandle, opts: { removeMembers?: boolean } = {}): Promise<void> {
    this.checkHandle(h);
    const ctx = `deleting replication group '${h.name}'`;
    const arrays = [h.sourceArray, h.targetArray];
    if (h.type === 'async') {
      this.run(ctx, () => {
        // Check everything before removing anything, so a refusal leaves the group whole.
        const pgs = arrays.map((a) => ({ array: a, pg: this.findPg(a, h.name) }));
        const withMembers = pgs.filter((x) => x.pg !== null && x.pg.volumes.length > 0);
        if (withMembers.length > 0 && !opts.removeMembers) {
          const list = withMembers.map((x) => `${x.array}: ${x.pg?.volumes.join(', ')}`).join('; ');
          throw new StorageError('conflict', `${ctx}: it still has member volumes (${list}); remove them first or delete with removeMembers`);
        }
        for (const { array, pg } of pgs) {
          if (!pg) continue;
          if (pg.volumes.length > 0) this.model.removeProtectionGroupVolumes(array, h.name, pg.volumes);
          this.model.deleteProtectionGroup(array, h.name);
        }
        // The replicated copies on each array belong to the group too.
        for (const [array, from] of [[h.targetArray, h.sourceArray], [h.sourceArray, h.targetArray]] as const) {
          for (const s of this.model.listProtectionGroupSnapshots(array, `${from}:${h.name}`)) {
            this.model.eradicateProtectionGroupSnapshot(array, s.name);
          }
        }
      });
      return;
    }
    this.run(ctx, () => {
      const here = arrays.map((a) => this.findPod(a, h.name)).find((p) => p !== null);
      if (!here) return;
      if (here.volumes.length > 0 && !opts.removeMembers) {
        throw new StorageError('conflict', `${ctx}: pod '${h.name}' still holds volumes (${here.volumes.join(', ')}); remove them first or delete with removeMembers`);
      }
      // Keep the copy that is in sync (the source unless the target took over), drop the other.
      const keep = this.podCopy(here, h.sourceArray)?.status === 'online' || !here.arrays.some((a) => a.name === h.targetArray) ? h.sourceArray : h.targetArray;
      const other = keep === h.sourceArray ? h.targetArray : h.sourceArray;
      if (here.arrays.some((a) => a.name === other)) this.model.removePodArray(keep, h.name, other);
      for (const v of this.model.getPod(keep, h.name).volumes) this.model.moveVolume(keep, v, null);
      const p = this.model.getPod(keep, h.name);
      if (!p.destroyed) this.model.destroyPod(keep, h.name);
      this.model.eradicatePod(keep, h.name);
    });
  }

  async addVolumes(h: ReplicationGroupHandle, volumes: string[]): Promise<GroupVolume[]> {
    this.checkHandle(h);
    const ctx = `adding volumes to replication group '${h.name}' on '${h.sourceArray}'`;
    if (h.type === 'async') {
      return this.run(ctx, () => {
        this.model.addProtectionGroupVolumes(h.sourceArray, h.name, volumes);
        return volumes.map((v) => ({ requested: v, name: v }));
      });
    }
    return this.run(ctx, () =>
      volumes.map((v) => {
        const inPod = `${h.name}${POD_SEP}${baseName(v)}`;
        // Already moved by an earlier attempt: the plain name is gone and the pod name exists.
        if (this.volumeExists(h.sourceArray, inPod)) return { requested: v, name: inPod };
        return { requested: v, name: this.model.moveVolume(h.sourceArray, baseName(v), h.name).name };
      }),
    );
  }

  async removeVolumes(h: ReplicationGroupHandle, volumes: string[]): Promise<GroupVolume[]> {
    this.checkHandle(h);
    const ctx = `removing volumes from replication group '${h.name}' on '${h.sourceArray}'`;
    if (h.type === 'async') {
      return this.run(ctx, () => {
        const members = new Set(this.model.getProtectionGroup(h.sourceArray, h.name).volumes);
        const present = volumes.filter((v) => members.has(v));
        if (present.length > 0) this.model.removeProtectionGroupVolumes(h.sourceArray, h.name, present);
        return volumes.map((v) => ({ requested: v, name: v }));
      });
    }
    return this.run(ctx, () => {
      const pod = this.model.getPod(h.sourceArray, h.name);
      const members = new Set(pod.volumes);
      const leaving = volumes.map((v) => `${h.name}${POD_SEP}${baseName(v)}`).filter((v) => members.has(v));
      if (leaving.length > 0) {
        // The array moves volumes out of an unstretched pod only.
        if (pod.arrays.some((a) => a.name === h.targetArray)) this.model.removePodArray(h.sourceArray, h.name, h.targetArray);
        for (const v of leaving) this.model.moveVolume(h.sourceArray, v, null);
      }
      // Also completes a previous attempt that stopped while the pod was unstretched.
      this.ensureStretched(h.sourceArray, h.targetArray, h.name);
      return volumes.map((v) => ({ requested: v, name: baseName(v) }));
    });
  }

  async snapshotNow(h: ReplicationGroupHandle, opts: { replicate: boolean; suffix?: string }): Promise<PendingRecoveryPoint> {
    this.checkHandle(h);
    const ctx = `snapshotting replication group '${h.name}' on '${h.sourceArray}'`;
    if (h.type === 'sync') {
      return this.run(ctx, () => {
        this.model.getPod(h.sourceArray, h.name);
        return { name: NOW, snapshot: NOW, sourceArray: h.sourceArray, targetArray: h.targetArray, createdAt: this.clock.now(), replicating: false };
      });
    }
    if (opts.suffix !== undefined && !ARRAY_NAME.test(opts.suffix)) throw new StorageError('invalid', `snapshot suffix '${opts.suffix}' is not a valid name`);
    return this.run(ctx, () => {
      const pg = this.model.getProtectionGroup(h.sourceArray, h.name);
      if (opts.replicate && !pg.targets.some((t) => t.name === h.targetArray && t.allowed)) {
        throw new StorageError('conflict', `${ctx}: replication to '${h.targetArray}' is disabled for this group (it was promoted or reversed)`);
      }
      let snap: ProtectionGroupSnapshotRecord | null = null;
      if (opts.suffix !== undefined) {
        try {
          snap = this.model.getProtectionGroupSnapshot(h.sourceArray, `${h.name}.${opts.suffix}`);
        } catch (err) {
          if (!isArrayError(err, 'not_found')) throw err;
        }
      }
      snap ??= this.model.snapshotProtectionGroup(h.sourceArray, h.name, { suffix: opts.suffix, replicate_now: opts.replicate });
      const replicating = this.model.listTransfers(h.sourceArray, snap.name).some((t) => t.target === h.targetArray);
      return {
        name: replicating ? `${h.sourceArray}:${snap.name}` : null,
        snapshot: snap.name,
        sourceArray: h.sourceArray,
        targetArray: h.targetArray,
        createdAt: snap.created,
        replicating,
      };
    });
  }

  async listRecoveryPoints(h: ReplicationGroupHandle): Promise<RecoveryPoint[]> {
    this.checkHandle(h);
    return this.run(`listing recovery points of '${h.name}' on '${h.targetArray}'`, () => {
      if (h.type === 'sync') {
        const { pod, inSync } = this.podOnTarget(h);
        return inSync ? [this.nowPoint(h, pod)] : [];
      }
      return this.model
        .listProtectionGroupSnapshots(h.targetArray, `${h.sourceArray}:${h.name}`)
        .filter((s) => s.completed !== null && !s.destroyed)
        .sort((a, b) => b.created - a.created || b.name.localeCompare(a.name))
        .map((s) => this.toRecoveryPoint(h, s));
    });
  }

  async replicationStatus(h: ReplicationGroupHandle): Promise<ReplicationStatus> {
    this.checkHandle(h);
    const link = this.run(`checking the link for '${h.name}'`, () => this.linkState(h.sourceArray, h.targetArray));
    const base: ReplicationStatus = {
      type: h.type,
      sourceArray: h.sourceArray,
      targetArray: h.targetArray,
      link: link.state,
      sourceReachable: link.aUp,
      targetReachable: link.bUp,
      lagMs: null,
      lastTransferAt: null,
      newestRecoveryPoint: null,
      inFlight: [],
      detail: link.why,
    };
    const now = this.clock.now();
    if (h.type === 'sync') {
      // Either array's view of the pod will do; prefer the target's (it holds the recovery data).
      const viewer = link.bUp ? h.targetArray : link.aUp ? h.sourceArray : null;
      if (viewer === null) return base;
      const pod = this.run(`reading pod '${h.name}' on '${viewer}'`, () => this.model.getPod(viewer, h.name));
      const copy = this.podCopy(pod, h.targetArray);
      if (copy?.status === 'online') return { ...base, lagMs: 0, lastTransferAt: now, newestRecoveryPoint: NOW };
      const inFlight: TransferProgress[] = copy?.status === 'resyncing' ? [{ recoveryPoint: NOW, progress: copy.progress ?? 0, startedAt: null, bytesTransferred: 0 }] : [];
      const frozen = copy?.frozen_at ?? null;
      return {
        ...base,
        lagMs: frozen === null ? null : now - frozen,
        lastTransferAt: frozen,
        inFlight,
        detail: `${link.why}; pod copy on '${h.targetArray}' is ${copy?.status ?? 'missing'}`,
      };
    }
    if (!link.bUp) return base;
    const copies = this.run(`reading recovery points of '${h.name}' on '${h.targetArray}'`, () =>
      this.model.listProtectionGroupSnapshots(h.targetArray, `${h.sourceArray}:${h.name}`),
    );
    const done = copies.filter((s) => s.completed !== null).sort((a, b) => b.created - a.created);
    const newest = done[0];
    const inFlight = copies
      .filter((s) => s.completed === null)
      .map((s): TransferProgress => ({ recoveryPoint: s.name, progress: s.progress ?? 0, startedAt: s.started, bytesTransferred: s.data_transferred ?? 0 }));
    const lastTransferAt = done.reduce<number | null>((m, s) => (s.completed !== null && (m === null || s.completed > m) ? s.completed : m), null);
    return {
      ...base,
      lagMs: newest ? now - newest.created : null,
      lastTransferAt,
      newestRecoveryPoint: newest?.name ?? null,
      inFlight,
      detail: inFlight.length > 0 ? `${link.why}; ${inFlight.length} transfer(s) in flight` : link.why,
    };
  }

  async waitForTransfer(
    h: ReplicationGroupHandle,
    recoveryPoint: string,
    timeoutMs: number,
    onProgress?: (p: TransferProgress) => void,
    opts: TransferWaitOptions = {},
  ): Promise<RecoveryPoint> {
    this.checkHandle(h);
    const start = this.clock.now();
    let downSince: number | null = null;
    const deadline = start + Math.max(0, timeoutMs);
    const name = h.type === 'sync' ? NOW : this.rpName(h, recoveryPoint);
    let last: TransferProgress = { recoveryPoint: name, progress: 0, startedAt: null, bytesTransferred: 0 };
    let lastError: StorageError | null;
    for (;;) {
      let polled: RecoveryPoint | TransferProgress | StorageError;
      try {
        polled = this.pollTransfer(h, name);
      } catch (err) {
        polled = toStorageError(err, `waiting for '${name}' on '${h.targetArray}'`);
        // An array that stops answering may come back before the deadline; anything else is final.
        if (polled.code !== 'unreachable') throw polled;
      }
      lastError = polled instanceof StorageError ? polled : null;
      if (!(polled instanceof StorageError)) {
        if (!('recoveryPoint' in polled)) return polled;
        last = polled;
        onProgress?.(last);
      }
      const now = this.clock.now();
      if (opts.deadLinkGraceMs !== undefined) {
        // A transfer cannot progress over a dead link: say so after the grace, not the timeout.
        const link = this.linkState(h.sourceArray, h.targetArray);
        downSince = link.state === 'down' ? (downSince ?? now) : null;
        if (downSince !== null && now - downSince >= opts.deadLinkGraceMs) {
          const what = h.type === 'sync' ? `resync of pod '${h.name}' to '${h.targetArray}'` : `transfer of '${name}' to '${h.targetArray}'`;
          throw new StorageError('unreachable', `${what} cannot complete: ${link.why} for ${Math.round((now - downSince) / 1000)} s (grace ${Math.round(opts.deadLinkGraceMs / 1000)} s; progress ${Math.floor(last.progress * 100)}%)`);
        }
      }
      if (now >= deadline) break;
      await this.sleep(Math.min(this.pollIntervalMs, deadline - now));
    }
    const link = this.run(`checking the link for '${h.name}'`, () => this.linkState(h.sourceArray, h.targetArray));
    const pct = Math.floor(last.progress * 100);
    const what = h.type === 'sync' ? `resync of pod '${h.name}' to '${h.targetArray}'` : `transfer of '${name}' to '${h.targetArray}'`;
    const msg = `${what} did not complete within ${Math.round(timeoutMs / 1000)} s (progress ${pct}%, ${link.why})`;
    if (lastError) throw new StorageError('unreachable', `${msg}: ${lastError.message}`, { cause: lastError });
    throw new StorageError('failed', msg);
  }

  /** The recovery point when complete, else its progress. */
  private pollTransfer(h: ReplicationGroupHandle, name: string): RecoveryPoint | TransferProgress {
    if (h.type === 'sync') {
      const { pod, inSync } = this.podOnTarget(h);
      if (inSync) return this.nowPoint(h, pod);
      const copy = this.podCopy(pod, h.targetArray);
      return { recoveryPoint: NOW, progress: copy?.progress ?? 0, startedAt: null, bytesTransferred: 0 };
    }
    const s = this.model.getProtectionGroupSnapshot(h.targetArray, name);
    if (s.completed !== null) return this.toRecoveryPoint(h, s);
    return { recoveryPoint: name, progress: s.progress ?? 0, startedAt: s.started, bytesTransferred: s.data_transferred ?? 0 };
  }

  async restoreVolumes(h: ReplicationGroupHandle, recoveryPoint: string, volumes: RestoreMapping[], opts: { overwrite: boolean }): Promise<RestoredVolume[]> {
    this.checkHandle(h);
    const array = h.targetArray;
    const ctx = `restoring from recovery point '${recoveryPoint}' of '${h.name}' on '${array}'`;
    return this.run(ctx, () => {
      let sourceOf: (v: string) => string;
      if (h.type === 'sync') {
        if (recoveryPoint !== NOW) throw new StorageError('not_found', `${ctx}: a sync group has only the recovery point 'now'`);
        const { pod, inSync } = this.podOnTarget(h);
        if (!inSync) throw new StorageError('conflict', `${ctx}: the pod's copy on '${array}' is not in sync`);
        const members = new Set(pod.volumes);
        sourceOf = (v) => {
          const n = `${h.name}${POD_SEP}${baseName(v)}`;
          if (!members.has(n)) throw new StorageError('not_found', `${ctx}: volume '${v}' is not in pod '${h.name}'`);
          return n;
        };
      } else {
        const rp = this.rpName(h, recoveryPoint);
        const snap = this.model.getProtectionGroupSnapshot(array, rp);
        if (snap.completed === null) throw new StorageError('conflict', `${ctx}: it has not finished transferring (${Math.floor((snap.progress ?? 0) * 100)}%)`);
        const members = new Set(snap.volumes);
        sourceOf = (v) => {
          if (!members.has(v)) throw new StorageError('not_found', `${ctx}: volume '${v}' is not in the recovery point (it holds ${snap.volumes.join(', ') || 'no volumes'})`);
          return `${rp}.${v}`;
        };
      }
      // Resolve every mapping before copying anything, so a bad one changes nothing.
      const plan = volumes.map((m) => ({ ...m, from: sourceOf(m.source) }));
      return plan.map((m): RestoredVolume => {
        if (!opts.overwrite && this.volumeExists(array, m.target)) {
          const v = this.model.getVolume(array, m.target);
          // A retried call finds its own copy; anything else is someone else's volume.
          if (v.source?.name !== m.from) {
            throw new StorageError('conflict', `${ctx}: volume '${m.target}' already exists on '${array}' and is not a copy of '${m.from}' (restore with overwrite to replace it)`);
          }
          return { array, name: v.name, size: v.provisioned, source: m.source };
        }
        const v = this.model.copyVolume(array, m.from, m.target, { overwrite: opts.overwrite });
        return { array, name: v.name, size: v.provisioned, source: m.source };
      });
    });
  }

  async promote(h: ReplicationGroupHandle): Promise<void> {
    this.checkHandle(h);
    const ctx = `promoting '${h.name}' on '${h.targetArray}'`;
    this.run(ctx, () => {
      if (h.type === 'sync') {
        const { inSync } = this.podOnTarget(h);
        if (!inSync) throw new StorageError('conflict', `${ctx}: the pod's copy on '${h.targetArray}' is not in sync and cannot serve the group`);
        this.model.updatePod(h.targetArray, h.name, { failover_preferences: [h.targetArray] });
        return;
      }
      this.model.getArray(h.targetArray);
      // In an unplanned failover the source is gone; reverseReplication stops it when it returns.
      if (!this.reachable(h.sourceArray)) return;
      const pg = this.findPg(h.sourceArray, h.name);
      if (pg?.targets.some((t) => t.name === h.targetArray && t.allowed)) {
        this.model.setProtectionGroupTargetAllowed(h.sourceArray, h.name, h.targetArray, false);
      }
    });
  }

  async demote(h: ReplicationGroupHandle): Promise<void> {
    this.checkHandle(h);
    this.run(`demoting '${h.name}' on '${h.sourceArray}'`, () => {
      if (h.type === 'sync') {
        this.model.updatePod(h.sourceArray, h.name, { failover_preferences: [h.targetArray] });
        return;
      }
      this.model.updateProtectionGroup(h.sourceArray, h.name, { replication_schedule: { enabled: false }, snapshot_schedule: { enabled: false } });
    });
  }

  async reverseReplication(h: ReplicationGroupHandle, opts: { volumes: string[]; policy: ReplicationSchedulePolicy }): Promise<ReplicationGroupHandle> {
    this.checkHandle(h);
    const reversed: ReplicationGroupHandle = { ...h, sourceArray: h.targetArray, targetArray: h.sourceArray };
    const ctx = `reversing replication of '${h.name}' to '${reversed.sourceArray}' -> '${reversed.targetArray}'`;
    if (h.type === 'sync') {
      this.run(ctx, () => {
        this.model.getArray(reversed.targetArray);
        this.ensureStretched(reversed.sourceArray, reversed.targetArray, h.name);
        for (const v of opts.volumes) {
          // Already moved by an earlier attempt: only the pod name exists now.
          if (!this.volumeExists(reversed.sourceArray, `${h.name}${POD_SEP}${baseName(v)}`)) this.model.moveVolume(reversed.sourceArray, baseName(v), h.name);
        }
        this.model.updatePod(reversed.sourceArray, h.name, { failover_preferences: [reversed.sourceArray] });
      });
      return reversed;
    }
    const want = pgSettings(opts.policy);
    this.run(ctx, () => {
      // Both arrays must answer: the old source is stopped first so it can never send stale copies.
      this.model.getArray(reversed.sourceArray);
      this.model.getArray(reversed.targetArray);
      const old = this.findPg(reversed.targetArray, h.name);
      if (old) {
        if (old.replication_schedule.enabled || old.snapshot_schedule.enabled) {
          this.model.updateProtectionGroup(reversed.targetArray, h.name, { replication_schedule: { enabled: false }, snapshot_schedule: { enabled: false } });
        }
        if (old.targets.some((t) => t.name === reversed.sourceArray && t.allowed)) {
          this.model.setProtectionGroupTargetAllowed(reversed.targetArray, h.name, reversed.sourceArray, false);
        }
      }
      const pg = this.findPg(reversed.sourceArray, h.name) ?? this.model.createProtectionGroup(reversed.sourceArray, h.name, want);
      if (settingsDiff(pg, want).length > 0) this.model.updateProtectionGroup(reversed.sourceArray, h.name, want);
      // Members are exactly the new primary's volumes (failback replaces the older set).
      const wanted = new Set(opts.volumes);
      const extra = pg.volumes.filter((v) => !wanted.has(v));
      if (extra.length > 0) this.model.removeProtectionGroupVolumes(reversed.sourceArray, h.name, extra);
      if (opts.volumes.length > 0) this.model.addProtectionGroupVolumes(reversed.sourceArray, h.name, opts.volumes);
      const t = pg.targets.find((x) => x.name === reversed.targetArray);
      if (!t) this.model.addProtectionGroupTargets(reversed.sourceArray, h.name, [reversed.targetArray], true);
      else if (!t.allowed) this.model.setProtectionGroupTargetAllowed(reversed.sourceArray, h.name, reversed.targetArray, true);
    });
    return reversed;
  }

  async resumeReplication(h: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void> {
    this.checkHandle(h);
    const ctx = `resuming replication of '${h.name}' from '${h.sourceArray}' to '${h.targetArray}'`;
    if (h.type === 'sync') {
      this.run(ctx, () => this.model.updatePod(h.sourceArray, h.name, { failover_preferences: [h.sourceArray] }));
      return;
    }
    const want = pgSettings(policy);
    this.run(ctx, () => {
      this.model.getArray(h.targetArray);
      const mirror = this.findPg(h.targetArray, h.name);
      if (mirror) {
        if (mirror.replication_schedule.enabled || mirror.snapshot_schedule.enabled) {
          this.model.updateProtectionGroup(h.targetArray, h.name, { replication_schedule: { enabled: false }, snapshot_schedule: { enabled: false } });
        }
        if (mirror.targets.some((t) => t.name === h.sourceArray && t.allowed)) this.model.setProtectionGroupTargetAllowed(h.targetArray, h.name, h.sourceArray, false);
      }
      const pg = this.model.getProtectionGroup(h.sourceArray, h.name);
      if (settingsDiff(pg, want).length > 0) this.model.updateProtectionGroup(h.sourceArray, h.name, want);
      const t = pg.targets.find((x) => x.name === h.targetArray);
      if (!t) this.model.addProtectionGroupTargets(h.sourceArray, h.name, [h.targetArray], true);
      else if (!t.allowed) this.model.setProtectionGroupTargetAllowed(h.sourceArray, h.name, h.targetArray, true);
    });
  }

  async deleteVolumes(side: Side, names: string[], opts: { eradicate: boolean }): Promise<void> {
    const array = this.arrayOf(side);
    for (const name of names) {
      this.run(`deleting volume '${name}' on '${array}'`, () => {
        let v;
        try {
          v = this.model.getVolume(array, name);
        } catch (err) {
          if (isArrayError(err, 'not_found')) return;
          throw err;
        }
        if (!v.destroyed) this.model.destroyVolume(array, name);
        if (opts.eradicate) this.model.eradicateVolume(array, name);
      });
    }
  }
}
