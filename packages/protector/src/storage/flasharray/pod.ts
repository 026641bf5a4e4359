import { StorageError } from '../errors.js';
import type {
  GroupVolume,
  PendingRecoveryPoint,
  RecoveryPoint,
  ReplicationGroupHandle as Handle,
  ReplicationStatus,
  TransferProgress,
} from '../types.js';
import type { Construct, StatusRead } from './construct.js';
import { asStorageError, groupBy, type ArrayPair } from './pair.js';
import type { ArrayPort, Pod, PodArray } from './port.js';
import { baseName, inPod, NOW } from './settings.js';

/**
 * Sync replication with ActiveCluster: a pod stretched over both arrays, volumes moved into it
 * (renamed `<pod>::<volume>`), the preferred array the one that keeps serving on link loss. The
 * only recovery point is "now", while the target's copy is in sync.
 */
export class PodConstruct implements Construct {
  constructor(private readonly pair: ArrayPair) {}

  private src(h: Handle): ArrayPort {
    return this.pair.port(h.sourceArray);
  }

  private tgt(h: Handle): ArrayPort {
    return this.pair.port(h.targetArray);
  }

  private async pod(port: ArrayPort, name: string): Promise<Pod> {
    const p = await port.getPod(name);
    if (!p || p.destroyed) throw new StorageError('not_found', `pod '${name}' does not exist on '${port.name}'`);
    return p;
  }

  private copy(pod: Pod, array: string): PodArray | undefined {
    return pod.arrays.find((a) => a.name === array);
  }

  /** The pod as the target sees it, and whether the target's copy is in sync. */
  private async onTarget(h: Handle): Promise<{ pod: Pod; inSync: boolean }> {
    const pod = await this.pod(this.tgt(h), h.name);
    return { pod, inSync: this.copy(pod, h.targetArray)?.status === 'online' };
  }

  /** Stretches the pod to the other array when it is not (creation, or a retried removeVolumes). */
  private async ensureStretched(array: string, other: string, name: string): Promise<void> {
    const port = this.pair.port(array);
    const p = await this.pod(port, name);
    if (!p.arrays.some((a) => a.name === other)) await port.stretchPod(name, other);
  }

  private async nowPoint(h: Handle): Promise<RecoveryPoint> {
    const volumes = await this.tgt(h).listPodVolumes(h.name);
    const now = this.pair.clock.now();
    return { name: NOW, kind: 'now', array: h.targetArray, sourceArray: h.sourceArray, createdAt: now, completedAt: now, volumes };
  }

  async create(h: Handle): Promise<void> {
    await this.tgt(h).getArray();
    const src = this.src(h);
    const pod = await src.getPod(h.name);
    if (pod && !pod.destroyed) {
      const others = pod.arrays.map((a) => a.name).filter((a) => a !== h.sourceArray && a !== h.targetArray);
      if (others.length > 0) throw new StorageError('conflict', `pod '${h.name}' already exists and is stretched to '${others.join(', ')}'`);
    } else {
      if (pod?.destroyed) await src.eradicatePod(h.name);
      await src.createPod(h.name, [h.sourceArray]);
    }
    await this.ensureStretched(h.sourceArray, h.targetArray, h.name);
  }

  async updateSchedule(): Promise<void> {
    // A pod has no schedule: every write is already on both arrays.
  }

  async delete(h: Handle, removeMembers: boolean): Promise<void> {
    let here: { port: ArrayPort; pod: Pod } | null = null;
    for (const a of [h.sourceArray, h.targetArray]) {
      const port = this.pair.port(a);
      const pod = await port.getPod(h.name);
      if (pod && !pod.destroyed) {
        here = { port, pod };
        break;
      }
    }
    if (!here) return;
    const members = await here.port.listPodVolumes(h.name);
    if (members.length > 0 && !removeMembers) {
      throw new StorageError('conflict', `pod '${h.name}' still holds volumes (${members.join(', ')}); remove them first or delete with removeMembers`);
    }
    // Keep the copy that is in sync (the source unless the target took over), drop the other.
    const pod = here.pod;
    const keep = this.copy(pod, h.sourceArray)?.status === 'online' || !pod.arrays.some((a) => a.name === h.targetArray) ? h.sourceArray : h.targetArray;
    const other = keep === h.sourceArray ? h.targetArray : h.sourceArray;
    const port = this.pair.port(keep);
    if (pod.arrays.some((a) => a.name === other)) await port.unstretchPod(h.name, other);
    for (const v of await port.listPodVolumes(h.name)) await port.moveVolume(v, null);
    if (!(await this.pod(port, h.name)).destroyed) await port.destroyPod(h.name);
    await port.eradicatePod(h.name);
  }

  async addVolumes(h: Handle, volumes: string[]): Promise<GroupVolume[]> {
    const src = this.src(h);
    const out: GroupVolume[] = [];
    for (const v of volumes) {
      const name = inPod(h.name, v);
      // Already moved by an earlier attempt: the plain name is gone and the pod name exists.
      const moved = await src.getVolume(name);
      out.push({ requested: v, name: moved && !moved.destroyed ? name : (await src.moveVolume(baseName(v), h.name)).name });
    }
    return out;
  }

  async removeVolumes(h: Handle, volumes: string[]): Promise<GroupVolume[]> {
    const src = this.src(h);
    const pod = await this.pod(src, h.name);
    const members = new Set(await src.listPodVolumes(h.name));
    const leaving = volumes.map((v) => inPod(h.name, v)).filter((v) => members.has(v));
    if (leaving.length > 0) {
      // The array moves volumes out of an unstretched pod only.
      if (pod.arrays.some((a) => a.name === h.targetArray)) await src.unstretchPod(h.name, h.targetArray);
      for (const v of leaving) await src.moveVolume(v, null);
    }
    // Also completes a previous attempt that stopped while the pod was unstretched.
    await this.ensureStretched(h.sourceArray, h.targetArray, h.name);
    return volumes.map((v) => ({ requested: v, name: baseName(v) }));
  }

  async snapshotNow(h: Handle): Promise<PendingRecoveryPoint> {
    await this.pod(this.src(h), h.name);
    return { name: NOW, snapshot: NOW, sourceArray: h.sourceArray, targetArray: h.targetArray, createdAt: this.pair.clock.now(), replicating: false };
  }

  async listRecoveryPoints(h: Handle): Promise<RecoveryPoint[]> {
    const { inSync } = await this.onTarget(h);
    return inSync ? [await this.nowPoint(h)] : [];
  }

  async statuses(reads: StatusRead[]): Promise<(ReplicationStatus | StorageError)[]> {
    const out: (ReplicationStatus | StorageError)[] = reads.map((r) => r.base);
    // Either array's view of a pod will do; prefer the target's (it holds the recovery data). One read per array viewed.
    const viewed = reads.flatMap((r, i) => {
      const viewer = r.link.bUp ? r.h.targetArray : r.link.aUp ? r.h.sourceArray : null;
      return viewer === null ? [] : [{ r, i, viewer }];
    });
    await Promise.all(
      [...groupBy(viewed, (x) => x.viewer)].map(async ([array, items]) => {
        try {
          const pods = new Map((await this.pair.port(array).listPods(items.map((x) => x.r.h.name))).map((p) => [p.name, p]));
          for (const x of items) {
            const pod = pods.get(x.r.h.name);
            out[x.i] = pod && !pod.destroyed ? this.statusOf(x.r, pod) : new StorageError('not_found', `pod '${x.r.h.name}' does not exist on '${array}'`);
          }
        } catch (err) {
          for (const x of items) out[x.i] = asStorageError(err);
        }
      }),
    );
    return out;
  }

  private statusOf({ h, base, link }: StatusRead, pod: Pod): ReplicationStatus {
    const copy = this.copy(pod, h.targetArray);
    const now = this.pair.clock.now();
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

  recoveryPointName(): string {
    return NOW;
  }

  async poll(h: Handle): Promise<RecoveryPoint | TransferProgress> {
    const { pod, inSync } = await this.onTarget(h);
    if (inSync) return this.nowPoint(h);
    return { recoveryPoint: NOW, progress: this.copy(pod, h.targetArray)?.progress ?? 0, startedAt: null, bytesTransferred: 0 };
  }

  async restoreSources(h: Handle, recoveryPoint: string, volumes: string[], ctx: string): Promise<string[]> {
    if (recoveryPoint !== NOW) throw new StorageError('not_found', `${ctx}: a sync group has only the recovery point 'now'`);
    const { inSync } = await this.onTarget(h);
    if (!inSync) throw new StorageError('conflict', `${ctx}: the pod's copy on '${h.targetArray}' is not in sync`);
    const members = new Set(await this.tgt(h).listPodVolumes(h.name));
    return volumes.map((v) => {
      const n = inPod(h.name, v);
      if (!members.has(n)) throw new StorageError('not_found', `${ctx}: volume '${v}' is not in pod '${h.name}'`);
      return n;
    });
  }

  async promote(h: Handle): Promise<void> {
    const { inSync } = await this.onTarget(h);
    if (!inSync) throw new StorageError('conflict', `the pod's copy on '${h.targetArray}' is not in sync and cannot serve the group`);
    await this.tgt(h).setPodPreferences(h.name, [h.targetArray]);
  }

  async demote(h: Handle): Promise<void> {
    // A stretched pod is never demoted: the source only stops being preferred.
    await this.src(h).setPodPreferences(h.name, [h.targetArray]);
  }

  async reverse(_h: Handle, reversed: Handle, volumes: string[]): Promise<void> {
    await this.tgt(reversed).getArray();
    await this.ensureStretched(reversed.sourceArray, reversed.targetArray, reversed.name);
    const src = this.src(reversed);
    for (const v of volumes) {
      // Already moved by an earlier attempt: only the pod name exists now.
      const moved = await src.getVolume(inPod(reversed.name, v));
      if (!moved || moved.destroyed) await src.moveVolume(baseName(v), reversed.name);
    }
    await src.setPodPreferences(reversed.name, [reversed.sourceArray]);
  }

  async resume(h: Handle): Promise<void> {
    await this.src(h).setPodPreferences(h.name, [h.sourceArray]);
  }
}
