import { StorageError } from '../errors.js';
import type {
  GroupVolume,
  PendingRecoveryPoint,
  RecoveryPoint,
  ReplicationGroupHandle as Handle,
  ReplicationSchedulePolicy,
  ReplicationStatus,
  TransferProgress,
} from '../types.js';
import type { Construct, StatusRead } from './construct.js';
import { asStorageError, groupBy, ignoring, pollUntil, type ArrayPair } from './pair.js';
import type { ArrayPort, GroupSnapshot, ProtectionGroup, SnapshotTransfer } from './port.js';
import { groupSettings, isStopped, replicaName, settingsDiff, STOPPED } from './settings.js';

/**
 * Async replication the way Cinder's Pure driver sets it up: a protection group on the source
 * holding the volumes, schedule and retention; the target added; the replica group
 * `<source>:<pg>` waited for on the target and allowed there; then the replication schedule
 * enabled. Recovery points are the fully transferred copies on the target.
 */
export class ProtectionGroupConstruct implements Construct {
  constructor(private readonly pair: ArrayPair) {}

  private src(h: Handle): ArrayPort {
    return this.pair.port(h.sourceArray);
  }

  private tgt(h: Handle): ArrayPort {
    return this.pair.port(h.targetArray);
  }

  /**
   * The live local group on `port`: a destroyed one (pending eradication) is eradicated first
   * when `reuse`, since the name must be free to create it again.
   */
  private async liveGroup(port: ArrayPort, name: string, reuse: boolean): Promise<ProtectionGroup | null> {
    const pg = await port.getProtectionGroup(name);
    if (!pg?.destroyed) return pg;
    if (reuse) await ignoring(['not_found'], port.eradicateProtectionGroup(name));
    return null;
  }

  /**
   * Makes `from` replicate `name` to `to` on `policy`: group (created or updated), members when
   * given, target added, replica group visible on `to` and allowed there, schedule enabled.
   * Every step checks first, so a retry after a crash continues where the last attempt stopped.
   */
  private async replicateTo(from: string, to: string, name: string, policy: ReplicationSchedulePolicy, opts: { members?: string[]; conflictOnDiff?: string }): Promise<void> {
    const src = this.pair.port(from);
    const dst = this.pair.port(to);
    const want = groupSettings(policy, true);
    let pg = await this.liveGroup(src, name, true);
    if (pg && opts.conflictOnDiff !== undefined) {
      const diff = settingsDiff(pg, want);
      if (diff.length > 0) throw new StorageError('conflict', `${opts.conflictOnDiff}: protection group '${name}' already exists on '${from}' with other settings (${diff.join('; ')})`);
    }
    if (!pg) {
      // Created stopped: nothing is sent before the target has consented.
      await src.createProtectionGroup(name, groupSettings(policy, false));
      pg = await src.getProtectionGroup(name);
    } else if (settingsDiff(pg, want).length > 0) {
      await src.updateProtectionGroup(name, { ...want, replication_schedule: { frequency: want.replication_schedule.frequency } });
    }
    if (opts.members) {
      const have = await src.listGroupVolumes(name);
      const wanted = new Set(opts.members);
      const extra = have.filter((v) => !wanted.has(v));
      if (extra.length > 0) await src.removeGroupVolumes(name, extra);
      const missing = opts.members.filter((v) => !have.includes(v));
      if (missing.length > 0) await src.addGroupVolumes(name, missing);
    }
    let target = (await src.listGroupTargets(name)).find((t) => t.name === to);
    if (!target) {
      await src.addGroupTargets(name, [to]);
      target = (await src.listGroupTargets(name)).find((t) => t.name === to);
    }
    const replica = replicaName(from, name);
    const seen = await pollUntil(this.pair, this.pair.replicaWaitMs, async () => ((await dst.getProtectionGroup(replica)) ? true : null));
    if (!seen) {
      throw new StorageError('failed', `protection group '${replica}' did not appear on target '${to}' within ${Math.round(this.pair.replicaWaitMs / 1000)} s of adding it as a target`);
    }
    if (!target?.allowed) {
      await dst.allowReplicaGroup(replica, true);
      const allowed = await pollUntil(this.pair, this.pair.replicaWaitMs, async () =>
        (await src.listGroupTargets(name)).some((t) => t.name === to && t.allowed) ? true : null,
      );
      if (!allowed) throw new StorageError('failed', `'${from}' does not see replication of '${name}' allowed by '${to}' after allowing it there`);
    }
    if (!pg?.replication_schedule.enabled || pg.snapshot_schedule.enabled) {
      await src.updateProtectionGroup(name, { replication_schedule: { enabled: true }, snapshot_schedule: { enabled: false } });
    }
  }

  /** Stops `on` replicating `name` to `to` (schedules off, `to` no longer accepting); both when present. */
  private async stopReplicating(on: string, to: string, name: string): Promise<void> {
    const port = this.pair.port(on);
    const pg = await this.liveGroup(port, name, false);
    if (!pg) return;
    if (!isStopped(pg)) await port.updateProtectionGroup(name, STOPPED);
    if ((await port.listGroupTargets(name)).some((t) => t.name === to && t.allowed)) {
      await this.pair.port(to).allowReplicaGroup(replicaName(on, name), false);
    }
  }

  async create(h: Handle, policy: ReplicationSchedulePolicy): Promise<void> {
    await this.tgt(h).getArray(); // the group is useless without its target: it must answer too
    await this.replicateTo(h.sourceArray, h.targetArray, h.name, policy, { conflictOnDiff: `creating protection group '${h.name}'` });
  }

  async updateSchedule(h: Handle, policy: ReplicationSchedulePolicy): Promise<void> {
    const want = groupSettings(policy, true);
    await this.src(h).updateProtectionGroup(h.name, { ...want, replication_schedule: { frequency: want.replication_schedule.frequency } });
  }

  async delete(h: Handle, removeMembers: boolean): Promise<void> {
    const arrays = [h.sourceArray, h.targetArray];
    // Check everything before removing anything, so a refusal leaves the group whole.
    const groups = await Promise.all(
      arrays.map(async (a) => {
        const port = this.pair.port(a);
        const pg = await this.liveGroup(port, h.name, false);
        return { port, pg, members: pg ? await port.listGroupVolumes(h.name) : [] };
      }),
    );
    const withMembers = groups.filter((g) => g.members.length > 0);
    if (withMembers.length > 0 && !removeMembers) {
      const list = withMembers.map((g) => `${g.port.name}: ${g.members.join(', ')}`).join('; ');
      throw new StorageError('conflict', `it still has member volumes (${list}); remove them first or delete with removeMembers`);
    }
    for (const { port, pg, members } of groups) {
      if (!pg) continue;
      if (members.length > 0) await port.removeGroupVolumes(h.name, members);
      await ignoring(['not_found'], port.destroyProtectionGroup(h.name));
    }
    // Eradicated rather than left pending: the PG's name may be reused at once (a new PG, a failback).
    for (const { port } of groups) {
      const pg = await port.getProtectionGroup(h.name);
      if (pg?.destroyed) await ignoring(['not_found'], port.eradicateProtectionGroup(h.name));
    }
    // The replicated copies on each array belong to the group too.
    for (const [array, from] of [[h.targetArray, h.sourceArray], [h.sourceArray, h.targetArray]] as const) {
      const port = this.pair.port(array);
      for (const s of await port.listGroupSnapshots(replicaName(from, h.name))) {
        if (!s.destroyed) await ignoring(['not_found'], port.destroyGroupSnapshot(s.name));
        await ignoring(['not_found'], port.eradicateGroupSnapshot(s.name));
      }
    }
  }

  async addVolumes(h: Handle, volumes: string[]): Promise<GroupVolume[]> {
    const src = this.src(h);
    const have = new Set(await src.listGroupVolumes(h.name));
    const missing = volumes.filter((v) => !have.has(v));
    if (missing.length > 0) await src.addGroupVolumes(h.name, missing);
    return volumes.map((v) => ({ requested: v, name: v }));
  }

  async removeVolumes(h: Handle, volumes: string[]): Promise<GroupVolume[]> {
    const src = this.src(h);
    const members = new Set(await src.listGroupVolumes(h.name));
    const present = volumes.filter((v) => members.has(v));
    if (present.length > 0) await src.removeGroupVolumes(h.name, present);
    return volumes.map((v) => ({ requested: v, name: v }));
  }

  async snapshotNow(h: Handle, opts: { replicate: boolean; suffix?: string }): Promise<PendingRecoveryPoint> {
    const src = this.src(h);
    if (opts.replicate && !(await src.listGroupTargets(h.name)).some((t) => t.name === h.targetArray && t.allowed)) {
      throw new StorageError('conflict', `replication to '${h.targetArray}' is disabled for this group (it was promoted or reversed)`);
    }
    let snap: GroupSnapshot | null = null;
    if (opts.suffix !== undefined) {
      snap = await src.getGroupSnapshot(`${h.name}.${opts.suffix}`);
      if (snap?.destroyed) throw new StorageError('conflict', `snapshot '${snap.name}' exists but is destroyed (pending eradication)`);
    }
    snap ??= await src.snapshotGroup(h.name, { suffix: opts.suffix, replicateNow: opts.replicate });
    const transfers = await src.listTransfers({ names: [snap.name] });
    const replicating = transfers.some((t) => t.progress !== null);
    return {
      name: replicating ? replicaName(h.sourceArray, snap.name) : null,
      snapshot: snap.name,
      sourceArray: h.sourceArray,
      targetArray: h.targetArray,
      createdAt: snap.created,
      replicating,
    };
  }

  /** The copies on the target with their transfers and members, newest first. */
  private async copies(h: Handle): Promise<(Copy & { volumes: string[] })[]> {
    const tgt = this.tgt(h);
    const group = replicaName(h.sourceArray, h.name);
    const [snaps, transfers, volumes] = await Promise.all([tgt.listGroupSnapshots(group), tgt.listTransfers({ group }), tgt.listSnapshotVolumes(group)]);
    return newestFirst(snaps, transfers).map((c) => ({ ...c, volumes: volumes.get(c.snap.name) ?? [] }));
  }

  private point(h: Handle, s: GroupSnapshot, t: SnapshotTransfer | undefined, volumes: string[]): RecoveryPoint {
    return { name: s.name, kind: 'snapshot', array: h.targetArray, sourceArray: h.sourceArray, createdAt: s.created, completedAt: t?.completed ?? s.created, volumes };
  }

  async listRecoveryPoints(h: Handle): Promise<RecoveryPoint[]> {
    return (await this.copies(h)).filter((c) => c.transfer?.completed != null).map((c) => this.point(h, c.snap, c.transfer, c.volumes));
  }

  async statuses(reads: StatusRead[]): Promise<(ReplicationStatus | StorageError)[]> {
    const out: (ReplicationStatus | StorageError)[] = reads.map((r) => r.base);
    // Only a target that answers can say what it holds; each target is read once for all its groups.
    const byTarget = groupBy(
      reads.flatMap((r, i) => (r.link.bUp ? [{ r, i, group: replicaName(r.h.sourceArray, r.h.name) }] : [])),
      (x) => x.r.h.targetArray,
    );
    await Promise.all(
      [...byTarget].map(async ([array, items]) => {
        try {
          const tgt = this.pair.port(array);
          const groups = items.map((x) => x.group);
          const [snaps, transfers] = await Promise.all([tgt.listSnapshotsOfGroups(groups), tgt.listTransfers({ groups })]);
          const snapsOf = groupBy(snaps, (s) => s.source);
          for (const x of items) out[x.i] = this.statusOf(x.r, newestFirst(snapsOf.get(x.group) ?? [], transfers));
        } catch (err) {
          for (const x of items) out[x.i] = asStorageError(err);
        }
      }),
    );
    return out;
  }

  private statusOf({ base, link }: StatusRead, copies: Copy[]): ReplicationStatus {
    const done = copies.filter((c) => c.transfer?.completed != null);
    const newest = done[0];
    const inFlight = copies
      .filter((c) => c.transfer?.completed == null)
      .map((c): TransferProgress => ({ recoveryPoint: c.snap.name, progress: c.transfer?.progress ?? 0, startedAt: c.transfer?.started ?? null, bytesTransferred: c.transfer?.data_transferred ?? 0 }));
    const lastTransferAt = done.reduce<number | null>((m, c) => {
      const at = c.transfer?.completed ?? null;
      return at !== null && (m === null || at > m) ? at : m;
    }, null);
    return {
      ...base,
      lagMs: newest ? this.pair.clock.now() - newest.snap.created : null,
      lastTransferAt,
      newestRecoveryPoint: newest?.snap.name ?? null,
      inFlight,
      detail: inFlight.length > 0 ? `${link.why}; ${inFlight.length} transfer(s) in flight` : link.why,
    };
  }

  recoveryPointName(h: Handle, name: string): string {
    return name.includes(':') ? name : replicaName(h.sourceArray, name);
  }

  async poll(h: Handle, name: string): Promise<RecoveryPoint | TransferProgress> {
    const tgt = this.tgt(h);
    const [t] = await tgt.listTransfers({ names: [name] });
    if (t?.completed == null) return { recoveryPoint: name, progress: t?.progress ?? 0, startedAt: t?.started ?? null, bytesTransferred: t?.data_transferred ?? 0 };
    const snap = await tgt.getGroupSnapshot(name);
    if (!snap) throw new StorageError('not_found', `recovery point '${name}' does not exist on '${h.targetArray}'`);
    const volumes = (await tgt.listSnapshotVolumes(replicaName(h.sourceArray, h.name))).get(name) ?? [];
    return this.point(h, snap, t, volumes);
  }

  async restoreSources(h: Handle, recoveryPoint: string, volumes: string[], ctx: string): Promise<string[]> {
    const tgt = this.tgt(h);
    const rp = this.recoveryPointName(h, recoveryPoint);
    const snap = await tgt.getGroupSnapshot(rp);
    if (!snap || snap.destroyed) throw new StorageError('not_found', `${ctx}: recovery point '${rp}' does not exist on '${h.targetArray}'`);
    const [t] = await tgt.listTransfers({ names: [rp] });
    if (t?.completed == null) throw new StorageError('conflict', `${ctx}: it has not finished transferring (${Math.floor((t?.progress ?? 0) * 100)}%)`);
    const members = (await tgt.listSnapshotVolumes(replicaName(h.sourceArray, h.name))).get(rp) ?? [];
    return volumes.map((v) => {
      if (!members.includes(v)) throw new StorageError('not_found', `${ctx}: volume '${v}' is not in the recovery point (it holds ${members.join(', ') || 'no volumes'})`);
      return `${rp}.${v}`;
    });
  }

  async promote(h: Handle): Promise<void> {
    await this.tgt(h).getArray();
    // In an unplanned failover the source is gone; reverseReplication stops it when it returns.
    const src = this.src(h);
    let targets;
    try {
      targets = await src.listGroupTargets(h.name);
    } catch {
      return;
    }
    if (targets.some((t) => t.name === h.targetArray && t.allowed)) await this.tgt(h).allowReplicaGroup(replicaName(h.sourceArray, h.name), false);
  }

  async demote(h: Handle): Promise<void> {
    await this.src(h).updateProtectionGroup(h.name, STOPPED);
  }

  async reverse(h: Handle, reversed: Handle, volumes: string[], policy: ReplicationSchedulePolicy): Promise<void> {
    // Both arrays must answer: the old source is stopped first so it can never send stale copies.
    await this.src(reversed).getArray();
    await this.tgt(reversed).getArray();
    await this.stopReplicating(reversed.targetArray, reversed.sourceArray, h.name);
    // Members are exactly the new primary's volumes (failback replaces the older set).
    await this.replicateTo(reversed.sourceArray, reversed.targetArray, h.name, policy, { members: volumes });
  }

  async resume(h: Handle, policy: ReplicationSchedulePolicy): Promise<void> {
    await this.tgt(h).getArray();
    await this.stopReplicating(h.targetArray, h.sourceArray, h.name);
    const pg = await this.src(h).getProtectionGroup(h.name);
    if (!pg || pg.destroyed) throw new StorageError('not_found', `protection group '${h.name}' does not exist on '${h.sourceArray}'`);
    await this.replicateTo(h.sourceArray, h.targetArray, h.name, policy, {});
  }
}

/** A copy on the target: its snapshot and its transfer (absent when the array shows none). */
interface Copy {
  snap: GroupSnapshot;
  transfer: SnapshotTransfer | undefined;
}

/** The live copies of one group with their transfers, newest first. */
function newestFirst(snaps: GroupSnapshot[], transfers: SnapshotTransfer[]): Copy[] {
  const byName = new Map(transfers.map((t) => [t.name, t]));
  return snaps
    .filter((s) => !s.destroyed)
    .map((snap) => ({ snap, transfer: byName.get(snap.name) }))
    .sort((a, b) => b.snap.created - a.snap.created || b.snap.name.localeCompare(a.snap.name));
}
