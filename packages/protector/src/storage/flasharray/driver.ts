import type { StorageDriver, TransferWaitOptions } from '../driver.js';
import { StorageError } from '../errors.js';
import { replicationGroupName } from '../naming.js';
import type {
  ArrayReport,
  ConnectionReport,
  GroupVolume,
  PendingRecoveryPoint,
  RecoveryPoint,
  ReplicationGroupHandle,
  ReplicationGroupSpec,
  ReplicationSchedulePolicy,
  ReplicationStatus,
  RestoreMapping,
  RestoredVolume,
  Side,
  StorageClock,
  TransferProgress,
} from '../types.js';
import type { Construct, StatusRead } from './construct.js';
import { direction, doing, inContext, linkFrom, linkState, linkStates, type ArrayPair, type LinkReport } from './pair.js';
import { PodConstruct } from './pod.js';
import type { ArrayInfo, ArrayPort } from './port.js';
import { ProtectionGroupConstruct } from './protection-group.js';
import { ARRAY_NAME, baseName, groupSettings, SUFFIX } from './settings.js';

export interface FlashArrayDriverOptions {
  /** 'mock' (in-process adapter) or 'pure' (REST adapter): what `StorageDriver.name` reports. */
  name: string;
  /** This site's array and the peer site's, each through its adapter. */
  local: ArrayPort;
  peer: ArrayPort;
  clock?: StorageClock;
  /** Between polls of the arrays while waiting; default 1000 ms. */
  pollIntervalMs?: number;
  /** How a poll waits; tests on a manual clock advance it (and tick the arrays) here. */
  sleep?: (ms: number) => Promise<void>;
  /** How long a target may take to show a new replica group; default 60 s. */
  replicaWaitMs?: number;
}

/** Volume names are checked before any call: the array would refuse them with a less precise message. */
function checkVolumeNames(names: string[]): void {
  const bad = names.filter((n) => !ARRAY_NAME.test(n));
  if (bad.length > 0) {
    throw new StorageError('invalid', `not valid FlashArray volume names: ${bad.map((n) => `'${n}'`).join(', ')} (1 to 63 letters, digits and '-', starting with a letter or digit)`);
  }
}

const systemClock: StorageClock = { now: () => Date.now() };
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The StorageDriver for Pure FlashArrays, written once over the array port: with in-process
 * ports it is the mock driver (the simulated arrays' model, no network), with REST ports the
 * production driver. Handles, waits, restores and errors are decided here; what is done on the
 * arrays for each replication type is in ProtectionGroupConstruct (async) and PodConstruct (sync).
 */
export class FlashArrayDriver implements StorageDriver {
  readonly name: string;
  readonly localArray: string;
  readonly peerArray: string;
  private readonly pair: ArrayPair;
  private readonly ports: Map<string, ArrayPort>;
  private readonly constructs: Record<ReplicationGroupHandle['type'], Construct>;

  constructor(opts: FlashArrayDriverOptions) {
    const { local, peer } = opts;
    if (!local.name || !peer.name || local.name === peer.name) {
      throw new StorageError('invalid', `${opts.name} storage driver needs two different arrays (local '${local.name}', peer '${peer.name}')`);
    }
    this.name = opts.name;
    this.localArray = local.name;
    this.peerArray = peer.name;
    this.ports = new Map([
      [local.name, local],
      [peer.name, peer],
    ]);
    const ports = this.ports;
    this.pair = {
      port(array: string): ArrayPort {
        const p = ports.get(array);
        if (!p) throw new StorageError('invalid', `array '${array}' is not one this driver is configured with`);
        return p;
      },
      clock: opts.clock ?? systemClock,
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      sleep: opts.sleep ?? realSleep,
      replicaWaitMs: opts.replicaWaitMs ?? 60_000,
    };
    this.constructs = { async: new ProtectionGroupConstruct(this.pair), sync: new PodConstruct(this.pair) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.ports.values()].map((p) => p.close()));
  }

  private arrayOf(side: Side): string {
    if (side !== 'local' && side !== 'peer') throw new StorageError('invalid', `side must be 'local' or 'peer', got '${String(side)}'`);
    return side === 'local' ? this.localArray : this.peerArray;
  }

  /** The construct for a handle, once the handle is known to be this driver's. */
  private on(h: ReplicationGroupHandle): Construct {
    const mine = [this.localArray, this.peerArray];
    if (!mine.includes(h.sourceArray) || !mine.includes(h.targetArray) || h.sourceArray === h.targetArray) {
      throw new StorageError(
        'invalid',
        `replication group '${h.name}' spans arrays '${h.sourceArray}' and '${h.targetArray}', but this site's driver is configured for '${this.localArray}' and '${this.peerArray}'`,
      );
    }
    if (h.type !== 'async' && h.type !== 'sync') throw new StorageError('invalid', `unknown replication type '${String(h.type)}'`);
    if (!ARRAY_NAME.test(h.name)) throw new StorageError('invalid', `'${h.name}' is not a valid array object name`);
    return this.constructs[h.type];
  }

  async validateConnection(): Promise<ConnectionReport> {
    // Each array is asked once; its answer (or failure) also says whether the other's link can be up.
    const [local, peer] = await Promise.allSettled([this.pair.port(this.localArray).getArray(), this.pair.port(this.peerArray).getArray()]);
    const report = async (side: Side, info: PromiseSettledResult<ArrayInfo>, remoteUp: boolean): Promise<ArrayReport> => {
      const array = this.arrayOf(side);
      const remote = side === 'local' ? this.peerArray : this.localArray;
      const port = this.pair.port(array);
      try {
        if (info.status === 'rejected') throw info.reason;
        const a = info.value;
        const link = await linkFrom(port, remote, remoteUp);
        const error =
          link.state === 'not_connected'
            ? `array '${array}' is not connected to '${remote}'`
            : link.state === 'down'
              ? `replication link from '${array}' to '${remote}' is down`
              : null;
        return { side, array, reachable: true, version: a.version, link, error };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { side, array, reachable: false, version: null, link: { remote, state: 'down', type: null }, error: message };
      }
    };
    const arrays = await Promise.all([report('local', local, peer.status === 'fulfilled'), report('peer', peer, local.status === 'fulfilled')]);
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
    await doing(`creating ${h.type} replication group '${name}' (PG '${spec.name}') on '${h.sourceArray}' -> '${h.targetArray}'`, () => this.on(h).create(h, spec));
    return h;
  }

  async updateReplicationSchedule(h: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void> {
    const c = this.on(h);
    groupSettings(policy, true); // validated for sync too, which has no schedule to apply it to
    await doing(`updating the schedule of '${h.name}' on '${h.sourceArray}'`, () => c.updateSchedule(h, policy));
  }

  async deleteReplicationGroup(h: ReplicationGroupHandle, opts: { removeMembers?: boolean } = {}): Promise<void> {
    const c = this.on(h);
    await doing(`deleting replication group '${h.name}'`, () => c.delete(h, opts.removeMembers === true));
  }

  async addVolumes(h: ReplicationGroupHandle, volumes: string[]): Promise<GroupVolume[]> {
    const c = this.on(h);
    checkVolumeNames(volumes.map(baseName));
    return doing(`adding volumes to replication group '${h.name}' on '${h.sourceArray}'`, () => c.addVolumes(h, volumes));
  }

  async removeVolumes(h: ReplicationGroupHandle, volumes: string[]): Promise<GroupVolume[]> {
    const c = this.on(h);
    return doing(`removing volumes from replication group '${h.name}' on '${h.sourceArray}'`, () => c.removeVolumes(h, volumes));
  }

  async snapshotNow(h: ReplicationGroupHandle, opts: { replicate: boolean; suffix?: string }): Promise<PendingRecoveryPoint> {
    const c = this.on(h);
    if (opts.suffix !== undefined && !SUFFIX.test(opts.suffix)) throw new StorageError('invalid', `snapshot suffix '${opts.suffix}' is not a valid name`);
    return doing(`snapshotting replication group '${h.name}' on '${h.sourceArray}'`, () => c.snapshotNow(h, opts));
  }

  async listRecoveryPoints(h: ReplicationGroupHandle): Promise<RecoveryPoint[]> {
    const c = this.on(h);
    return doing(`listing recovery points of '${h.name}' on '${h.targetArray}'`, () => c.listRecoveryPoints(h));
  }

  async replicationStatus(h: ReplicationGroupHandle): Promise<ReplicationStatus> {
    const [s] = await this.replicationStatuses([h]);
    if (s instanceof StorageError) throw s;
    return s!;
  }

  async replicationStatuses(handles: ReplicationGroupHandle[]): Promise<(ReplicationStatus | StorageError)[]> {
    const out: (ReplicationStatus | StorageError)[] = [];
    const valid: { h: ReplicationGroupHandle; i: number }[] = [];
    handles.forEach((h, i) => {
      try {
        this.on(h);
        valid.push({ h, i });
      } catch (err) {
        out[i] = inContext(`reading the replication state of '${h.name}'`, err);
      }
    });
    if (valid.length === 0) return out;
    let links: Map<string, LinkReport>;
    try {
      links = await linkStates(this.pair, valid.map(({ h }): [string, string] => [h.sourceArray, h.targetArray]));
    } catch (err) {
      for (const { h, i } of valid) out[i] = inContext(`checking the link for '${h.name}'`, err);
      return out;
    }
    // One batch per replication type: each construct reads every group of its type at once.
    await Promise.all(
      (['async', 'sync'] as const).map(async (type) => {
        const items = valid.filter(({ h }) => h.type === type);
        if (items.length === 0) return;
        const reads = items.map(({ h }): StatusRead => {
          const link = links.get(direction(h.sourceArray, h.targetArray))!;
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
          return { h, base, link };
        });
        const got = await this.constructs[type].statuses(reads);
        items.forEach(({ h, i }, k) => {
          const s = got[k]!;
          out[i] = s instanceof StorageError ? inContext(`reading the replication state of '${h.name}'`, s) : s;
        });
      }),
    );
    return out;
  }

  async waitForTransfer(
    h: ReplicationGroupHandle,
    recoveryPoint: string,
    timeoutMs: number,
    onProgress?: (p: TransferProgress) => void,
    opts: TransferWaitOptions = {},
  ): Promise<RecoveryPoint> {
    const c = this.on(h);
    const { clock } = this.pair;
    const deadline = clock.now() + Math.max(0, timeoutMs);
    const name = c.recoveryPointName(h, recoveryPoint);
    const what = h.type === 'sync' ? `resync of pod '${h.name}' to '${h.targetArray}'` : `transfer of '${name}' to '${h.targetArray}'`;
    let downSince: number | null = null;
    let last: TransferProgress = { recoveryPoint: name, progress: 0, startedAt: null, bytesTransferred: 0 };
    let lastError: StorageError | null;
    for (;;) {
      let polled: RecoveryPoint | TransferProgress | StorageError;
      try {
        polled = await doing(`waiting for '${name}' on '${h.targetArray}'`, () => c.poll(h, name));
      } catch (err) {
        polled = err as StorageError;
        // An array that stops answering may come back before the deadline; anything else is final.
        if (polled.code !== 'unreachable') throw polled;
      }
      lastError = polled instanceof StorageError ? polled : null;
      if (!(polled instanceof StorageError)) {
        if (!('recoveryPoint' in polled)) return polled;
        last = polled;
        onProgress?.(last);
      }
      const now = clock.now();
      if (opts.deadLinkGraceMs !== undefined) {
        // A transfer cannot progress over a dead link: say so after the grace, not the timeout.
        const link = await linkState(this.pair, h.sourceArray, h.targetArray);
        downSince = link.state === 'down' ? (downSince ?? now) : null;
        if (downSince !== null && now - downSince >= opts.deadLinkGraceMs) {
          throw new StorageError(
            'unreachable',
            `${what} cannot complete: ${link.why} for ${Math.round((now - downSince) / 1000)} s (grace ${Math.round(opts.deadLinkGraceMs / 1000)} s; progress ${Math.floor(last.progress * 100)}%)`,
          );
        }
      }
      if (now >= deadline) break;
      await this.pair.sleep(Math.min(this.pair.pollIntervalMs, deadline - now));
    }
    const link = await doing(`checking the link for '${h.name}'`, () => linkState(this.pair, h.sourceArray, h.targetArray));
    const msg = `${what} did not complete within ${Math.round(timeoutMs / 1000)} s (progress ${Math.floor(last.progress * 100)}%, ${link.why})`;
    if (lastError) throw new StorageError('unreachable', `${msg}: ${lastError.message}`, { cause: lastError });
    throw new StorageError('failed', msg);
  }

  async restoreVolumes(h: ReplicationGroupHandle, recoveryPoint: string, volumes: RestoreMapping[], opts: { overwrite: boolean }): Promise<RestoredVolume[]> {
    const c = this.on(h);
    const array = h.targetArray;
    const port = this.pair.port(array);
    const ctx = `restoring from recovery point '${recoveryPoint}' of '${h.name}' on '${array}'`;
    checkVolumeNames(volumes.map((m) => m.target));
    return doing(ctx, async () => {
      // Resolve every mapping before copying anything, so a bad one changes nothing.
      const from = await c.restoreSources(h, recoveryPoint, volumes.map((m) => m.source), ctx);
      const out: RestoredVolume[] = [];
      for (const [i, m] of volumes.entries()) {
        const source = from[i]!;
        if (!opts.overwrite) {
          const v = await port.getVolume(m.target);
          if (v && !v.destroyed) {
            // A retried call finds its own copy; anything else is someone else's volume.
            if (v.source !== source) {
              throw new StorageError('conflict', `volume '${m.target}' already exists on '${array}' and is not a copy of '${source}' (restore with overwrite to replace it)`);
            }
            out.push({ array, name: v.name, size: v.provisioned, source: m.source });
            continue;
          }
        }
        const v = await port.copyVolume(source, m.target, { overwrite: opts.overwrite });
        out.push({ array, name: v.name, size: v.provisioned, source: m.source });
      }
      return out;
    });
  }

  async promote(h: ReplicationGroupHandle): Promise<void> {
    const c = this.on(h);
    await doing(`promoting '${h.name}' on '${h.targetArray}'`, () => c.promote(h));
  }

  async demote(h: ReplicationGroupHandle): Promise<void> {
    const c = this.on(h);
    await doing(`demoting '${h.name}' on '${h.sourceArray}'`, () => c.demote(h));
  }

  async reverseReplication(h: ReplicationGroupHandle, opts: { volumes: string[]; policy: ReplicationSchedulePolicy }): Promise<ReplicationGroupHandle> {
    const c = this.on(h);
    const reversed: ReplicationGroupHandle = { ...h, sourceArray: h.targetArray, targetArray: h.sourceArray };
    await doing(`reversing replication of '${h.name}' to '${reversed.sourceArray}' -> '${reversed.targetArray}'`, () => c.reverse(h, reversed, opts.volumes, opts.policy));
    return reversed;
  }

  async resumeReplication(h: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void> {
    const c = this.on(h);
    await doing(`resuming replication of '${h.name}' from '${h.sourceArray}' to '${h.targetArray}'`, () => c.resume(h, policy));
  }

  async deleteVolumes(side: Side, names: string[], opts: { eradicate: boolean }): Promise<void> {
    const array = this.arrayOf(side);
    const port = this.pair.port(array);
    for (const name of names) {
      await doing(`deleting volume '${name}' on '${array}'`, async () => {
        const v = await port.getVolume(name);
        if (!v) return;
        if (!v.destroyed) await port.destroyVolume(name);
        if (opts.eradicate) await port.eradicateVolume(name);
      });
    }
  }
}
