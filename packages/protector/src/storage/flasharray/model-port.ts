import { ArrayError, type ArrayModel, type PodRecord, type ProtectionGroupRecord, type ProtectionGroupSnapshotRecord, type VolumeRecord } from '@protector/arraysim';
import { StorageError, type StorageErrorCode } from '../errors.js';
import type {
  ArrayConnection,
  ArrayInfo,
  ArrayPort,
  GroupSnapshot,
  GroupTarget,
  Pod,
  ProtectionGroup,
  ProtectionGroupSettings,
  SnapshotTransfer,
  Volume,
} from './port.js';

/**
 * The in-process adapter: one simulated array, reached by calling the array model directly (the
 * mock driver's speed: no HTTP, no JSON). It answers what the array's REST face would answer
 * for the same call, so the FlashArray driver above cannot tell the two apart.
 */
export class ModelArrayPort implements ArrayPort {
  constructor(
    private readonly model: ArrayModel,
    readonly name: string,
  ) {}

  async close(): Promise<void> {}

  /** Runs one model call, turning array errors into StorageErrors that name the array and call. */
  private run<T>(call: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw portError(this.name, call, err);
    }
  }

  /** As `run`, but an object that does not exist is null. */
  private find<T>(call: string, fn: () => T): T | null {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ArrayError && err.code === 'not_found') return null;
      throw portError(this.name, call, err);
    }
  }

  async getArray(): Promise<ArrayInfo> {
    const a = this.run('GET arrays', () => this.model.getArray(this.name));
    return { name: a.name, version: a.version };
  }

  async listConnections(): Promise<ArrayConnection[]> {
    return this.run('GET array-connections', () => this.model.listArrayConnections(this.name)).map((c) => ({ name: c.name, status: c.status, type: c.type }));
  }

  async getVolume(name: string): Promise<Volume | null> {
    const v = this.find(`GET volumes ${name}`, () => this.model.getVolume(this.name, name));
    return v && volume(v);
  }

  async listPodVolumes(pod: string): Promise<string[]> {
    return this.run(`GET volumes in pod ${pod}`, () => this.model.getPod(this.name, pod).volumes);
  }

  async copyVolume(source: string, name: string, opts: { overwrite: boolean }): Promise<Volume> {
    return volume(this.run(`POST volumes ${name} from ${source}`, () => this.model.copyVolume(this.name, source, name, { overwrite: opts.overwrite })));
  }

  async moveVolume(name: string, pod: string | null): Promise<Volume> {
    return volume(this.run(`PATCH volumes ${name} pod`, () => this.model.moveVolume(this.name, name, pod)));
  }

  async destroyVolume(name: string): Promise<void> {
    this.run(`PATCH volumes ${name} destroyed`, () => this.model.destroyVolume(this.name, name));
  }

  async eradicateVolume(name: string): Promise<void> {
    this.run(`DELETE volumes ${name}`, () => this.model.eradicateVolume(this.name, name));
  }

  async getProtectionGroup(name: string): Promise<ProtectionGroup | null> {
    const g = this.find(`GET protection-groups ${name}`, () => this.model.getProtectionGroup(this.name, name));
    return g && group(g);
  }

  async createProtectionGroup(name: string, settings: ProtectionGroupSettings): Promise<void> {
    this.run(`POST protection-groups ${name}`, () => this.model.createProtectionGroup(this.name, name, settings));
  }

  async updateProtectionGroup(name: string, settings: ProtectionGroupSettings): Promise<void> {
    this.run(`PATCH protection-groups ${name}`, () => this.model.updateProtectionGroup(this.name, name, settings));
  }

  async destroyProtectionGroup(name: string): Promise<void> {
    this.run(`PATCH protection-groups ${name} destroyed`, () => this.model.destroyProtectionGroup(this.name, name));
  }

  async eradicateProtectionGroup(name: string): Promise<void> {
    this.run(`DELETE protection-groups ${name}`, () => this.model.eradicateProtectionGroup(this.name, name));
  }

  async listGroupVolumes(group: string): Promise<string[]> {
    return this.run(`GET protection-groups/volumes ${group}`, () => this.model.getProtectionGroup(this.name, group).volumes);
  }

  async addGroupVolumes(group: string, volumes: string[]): Promise<void> {
    this.run(`POST protection-groups/volumes ${group}`, () => this.model.addProtectionGroupVolumes(this.name, group, volumes, { strict: true }));
  }

  async removeGroupVolumes(group: string, volumes: string[]): Promise<void> {
    this.run(`DELETE protection-groups/volumes ${group}`, () => this.model.removeProtectionGroupVolumes(this.name, group, volumes));
  }

  async listGroupTargets(group: string): Promise<GroupTarget[]> {
    return this.run(`GET protection-groups/targets ${group}`, () => this.model.getProtectionGroup(this.name, group).targets.map((t) => ({ ...t })));
  }

  async addGroupTargets(group: string, targets: string[]): Promise<void> {
    this.run(`POST protection-groups/targets ${group}`, () => this.model.addProtectionGroupTargets(this.name, group, targets, true, { strict: true }));
  }

  async allowReplicaGroup(replicaGroup: string, allowed: boolean): Promise<void> {
    const sep = replicaGroup.indexOf(':');
    const call = `PATCH protection-groups/targets ${replicaGroup}`;
    if (sep < 0) throw new StorageError('invalid', `array '${this.name}': ${call}: '${replicaGroup}' is not a replica group name (<source>:<group>)`);
    this.run(call, () => {
      this.model.getArray(this.name);
      this.model.setProtectionGroupTargetAllowed(replicaGroup.slice(0, sep), replicaGroup.slice(sep + 1), this.name, allowed);
    });
  }

  async snapshotGroup(group: string, opts: { suffix?: string; replicateNow: boolean }): Promise<GroupSnapshot> {
    const s = this.run(`POST protection-group-snapshots ${group}`, () =>
      this.model.snapshotProtectionGroup(this.name, group, { suffix: opts.suffix, replicate_now: opts.replicateNow }),
    );
    return snapshot(s);
  }

  async getGroupSnapshot(name: string): Promise<GroupSnapshot | null> {
    const s = this.find(`GET protection-group-snapshots ${name}`, () => this.model.getProtectionGroupSnapshot(this.name, name));
    return s && snapshot(s);
  }

  async listGroupSnapshots(group: string): Promise<GroupSnapshot[]> {
    return this.run(`GET protection-group-snapshots of ${group}`, () => this.model.listProtectionGroupSnapshots(this.name, group)).map(snapshot);
  }

  async listSnapshotsOfGroups(groups: string[]): Promise<GroupSnapshot[]> {
    return this.run(`GET protection-group-snapshots of ${groups.length} groups`, () => this.snapshotsOf(groups)).map(snapshot);
  }

  /** Every snapshot of the groups in one model read, as GET with source_names answers it. */
  private snapshotsOf(groups: string[]): ProtectionGroupSnapshotRecord[] {
    const wanted = new Set(groups);
    return this.model.listProtectionGroupSnapshots(this.name).filter((s) => wanted.has(s.source.name));
  }

  async listTransfers(select: { names: string[] } | { group: string } | { groups: string[] }): Promise<SnapshotTransfer[]> {
    const what = 'names' in select ? select.names.join(',') : 'group' in select ? select.group : `${select.groups.length} groups`;
    return this.run(`GET protection-group-snapshots/transfer ${what}`, () => {
      const snaps =
        'names' in select
          ? select.names.map((n) => this.model.getProtectionGroupSnapshot(this.name, n))
          : 'group' in select
            ? this.model.listProtectionGroupSnapshots(this.name, select.group)
            : this.snapshotsOf(select.groups);
      return snaps.flatMap((s): SnapshotTransfer[] => {
        // A copy on a target carries its own transfer; a source snapshot one per target.
        if (s.source.name.includes(':')) return [{ name: s.name, progress: s.progress, started: s.started, completed: s.completed, data_transferred: s.data_transferred }];
        const ts = this.model.listTransfers(this.name, s.name);
        if (ts.length === 0) return [{ name: s.name, progress: null, started: null, completed: null, data_transferred: null }];
        return ts.map((t) => ({ name: s.name, progress: t.progress, started: t.started, completed: t.completed, data_transferred: t.data_transferred }));
      });
    });
  }

  async listSnapshotVolumes(group: string): Promise<Map<string, string[]>> {
    const snaps = this.run(`GET volume-snapshots of ${group}`, () => this.model.listProtectionGroupSnapshots(this.name, group));
    return new Map(snaps.map((s) => [s.name, [...s.volumes]]));
  }

  async destroyGroupSnapshot(name: string): Promise<void> {
    this.run(`PATCH protection-group-snapshots ${name} destroyed`, () => this.model.destroyProtectionGroupSnapshot(this.name, name));
  }

  async eradicateGroupSnapshot(name: string): Promise<void> {
    this.run(`DELETE protection-group-snapshots ${name}`, () => this.model.eradicateProtectionGroupSnapshot(this.name, name, { requireDestroyed: true }));
  }

  async getPod(name: string): Promise<Pod | null> {
    const p = this.find(`GET pods ${name}`, () => this.model.getPod(this.name, name));
    return p && pod(p);
  }

  async listPods(names: string[]): Promise<Pod[]> {
    const wanted = new Set(names);
    return this.run(`GET pods ${names.length} names`, () => this.model.listPods(this.name)).filter((p) => wanted.has(p.name)).map(pod);
  }

  async createPod(name: string, failoverPreferences: string[]): Promise<void> {
    this.run(`POST pods ${name}`, () => this.model.createPod(this.name, name, { failover_preferences: failoverPreferences }));
  }

  async setPodPreferences(name: string, failoverPreferences: string[]): Promise<void> {
    this.run(`PATCH pods ${name} failover_preferences`, () => this.model.updatePod(this.name, name, { failover_preferences: failoverPreferences }));
  }

  async stretchPod(name: string, remote: string): Promise<void> {
    this.run(`POST pods/arrays ${name} ${remote}`, () => this.model.addPodArray(this.name, name, remote));
  }

  async unstretchPod(name: string, remote: string): Promise<void> {
    this.run(`DELETE pods/arrays ${name} ${remote}`, () => this.model.removePodArray(this.name, name, remote));
  }

  async destroyPod(name: string): Promise<void> {
    this.run(`PATCH pods ${name} destroyed`, () => this.model.destroyPod(this.name, name));
  }

  async eradicatePod(name: string): Promise<void> {
    this.run(`DELETE pods ${name}`, () => this.model.eradicatePod(this.name, name));
  }
}

const CODES: Record<ArrayError['code'], StorageErrorCode> = {
  not_found: 'not_found',
  conflict: 'conflict',
  unreachable: 'unreachable',
  invalid: 'invalid',
  failed: 'failed',
};

function portError(array: string, call: string, err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const msg = `array '${array}': ${call}: ${err instanceof Error ? err.message : String(err)}`;
  // SQLite errors (a busy shared file) and the like: the array call failed.
  return new StorageError(err instanceof ArrayError ? CODES[err.code] : 'failed', msg, { cause: err });
}

function group(g: ProtectionGroupRecord): ProtectionGroup {
  return {
    name: g.name,
    source: g.source.name,
    is_local: g.is_local,
    destroyed: g.destroyed,
    snapshot_schedule: { enabled: g.snapshot_schedule.enabled, frequency: g.snapshot_schedule.frequency },
    replication_schedule: { enabled: g.replication_schedule.enabled, frequency: g.replication_schedule.frequency },
    source_retention: { ...g.source_retention },
    target_retention: { ...g.target_retention },
  };
}

const volume = (v: VolumeRecord): Volume => ({ name: v.name, provisioned: v.provisioned, destroyed: v.destroyed, source: v.source?.name ?? null, pod: v.pod?.name ?? null });

const snapshot = (s: ProtectionGroupSnapshotRecord): GroupSnapshot => ({ name: s.name, source: s.source.name, suffix: s.suffix, created: s.created, destroyed: s.destroyed });

const pod = (p: PodRecord): Pod => ({
  name: p.name,
  destroyed: p.destroyed,
  arrays: p.arrays.map((a) => ({ name: a.name, status: a.status, frozen_at: a.frozen_at, progress: a.progress })),
  failover_preferences: p.failover_preferences.map((r) => r.name),
});
