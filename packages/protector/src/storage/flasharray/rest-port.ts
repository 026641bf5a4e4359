import { isStorageError } from '../errors.js';
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

export type Query = Record<string, string | number | boolean | string[] | undefined>;

/**
 * What the REST adapter needs of a session with one array (rest/session.ts: HTTPS, version
 * negotiation, login, retries, paging): JSON calls under `/api/<version>/`, answering items.
 */
export interface RestSession {
  list<T>(path: string, query?: Query): Promise<T[]>;
  post<T>(path: string, query?: Query, body?: unknown): Promise<T[]>;
  patch<T>(path: string, query?: Query, body?: unknown): Promise<T[]>;
  delete(path: string, query?: Query): Promise<void>;
  close(): Promise<void>;
}

// Wire shapes: only the fields read here (FA 2.x models name many more).
interface Ref {
  name: string;
}
interface WireVolume {
  name: string;
  provisioned: number;
  destroyed: boolean;
  source: Ref | null;
  pod: Ref | null;
}
interface WireGroup {
  name: string;
  source: Ref | null;
  is_local: boolean;
  destroyed: boolean;
  snapshot_schedule: { enabled: boolean; frequency: number };
  replication_schedule: { enabled: boolean; frequency: number };
  source_retention: ProtectionGroup['source_retention'];
  target_retention: ProtectionGroup['target_retention'];
}
interface WireMember {
  group: Ref;
  member: Ref;
  allowed?: boolean;
}
interface WireSnapshot {
  name: string;
  source: Ref;
  suffix: string;
  created: number;
  destroyed: boolean;
}
interface WirePod {
  name: string;
  destroyed: boolean;
  arrays: { name: string; status: string; frozen_at?: number | null; progress?: number | null }[];
  failover_preferences: Ref[] | null;
}

/** `null` for an object the array says does not exist. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isStorageError(err, 'not_found')) return null;
    throw err;
  }
}

/** A FlashArray `filter` string literal. */
const literal = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The REST 2.x adapter: each port call is the FlashArray REST call Cinder's Pure driver would
 * make (protection groups, their volumes and targets, protection-group snapshots and their
 * transfers, volume copies, pods), through a session that handles HTTPS, login and retries.
 */
export class RestArrayPort implements ArrayPort {
  constructor(
    private readonly session: RestSession,
    readonly name: string,
  ) {}

  close(): Promise<void> {
    return this.session.close();
  }

  async getArray(): Promise<ArrayInfo> {
    const [a] = await this.session.list<{ name: string; version: string }>('arrays');
    return { name: a?.name ?? this.name, version: a?.version ?? 'unknown' };
  }

  async listConnections(): Promise<ArrayConnection[]> {
    const items = await this.session.list<{ name: string; status: string; type: string }>('array-connections');
    return items.map((c) => ({ name: c.name, status: c.status, type: c.type }));
  }

  async getVolume(name: string): Promise<Volume | null> {
    const [v] = (await orNull(this.session.list<WireVolume>('volumes', { names: [name] }))) ?? [];
    return v ? volume(v) : null;
  }

  async listPodVolumes(pod: string): Promise<string[]> {
    const items = await this.session.list<WireVolume>('volumes', { filter: `pod.name=${literal(pod)}`, destroyed: false });
    return items.map((v) => v.name);
  }

  async copyVolume(source: string, name: string, opts: { overwrite: boolean }): Promise<Volume> {
    const [v] = await this.session.post<WireVolume>('volumes', { names: [name], overwrite: opts.overwrite || undefined }, { source: { name: source } });
    return v ? volume(v) : ((await this.getVolume(name)) as Volume);
  }

  async moveVolume(name: string, pod: string | null): Promise<Volume> {
    // An empty pod name moves the volume out of its pod.
    const [v] = await this.session.patch<WireVolume>('volumes', { names: [name] }, { pod: { name: pod ?? '' } });
    return volume(v!);
  }

  async destroyVolume(name: string): Promise<void> {
    await this.session.patch('volumes', { names: [name] }, { destroyed: true });
  }

  async eradicateVolume(name: string): Promise<void> {
    await this.session.delete('volumes', { names: [name] });
  }

  async getProtectionGroup(name: string): Promise<ProtectionGroup | null> {
    const [g] = (await orNull(this.session.list<WireGroup>('protection-groups', { names: [name] }))) ?? [];
    if (!g) return null;
    return {
      name: g.name,
      source: g.source?.name ?? this.name,
      is_local: g.is_local,
      destroyed: g.destroyed,
      snapshot_schedule: { enabled: g.snapshot_schedule.enabled, frequency: g.snapshot_schedule.frequency },
      replication_schedule: { enabled: g.replication_schedule.enabled, frequency: g.replication_schedule.frequency },
      source_retention: { ...g.source_retention },
      target_retention: { ...g.target_retention },
    };
  }

  async createProtectionGroup(name: string, settings: ProtectionGroupSettings): Promise<void> {
    // POST takes no settings on FlashArray: create, then set schedules and retention.
    await this.session.post('protection-groups', { names: [name] });
    await this.updateProtectionGroup(name, settings);
  }

  async updateProtectionGroup(name: string, settings: ProtectionGroupSettings): Promise<void> {
    await this.session.patch('protection-groups', { names: [name] }, settings);
  }

  async destroyProtectionGroup(name: string): Promise<void> {
    await this.session.patch('protection-groups', { names: [name] }, { destroyed: true });
  }

  async eradicateProtectionGroup(name: string): Promise<void> {
    await this.session.delete('protection-groups', { names: [name] });
  }

  async listGroupVolumes(group: string): Promise<string[]> {
    return (await this.session.list<WireMember>('protection-groups/volumes', { group_names: [group] })).map((m) => m.member.name);
  }

  async addGroupVolumes(group: string, volumes: string[]): Promise<void> {
    await this.session.post('protection-groups/volumes', { group_names: [group], member_names: volumes });
  }

  async removeGroupVolumes(group: string, volumes: string[]): Promise<void> {
    await this.session.delete('protection-groups/volumes', { group_names: [group], member_names: volumes });
  }

  async listGroupTargets(group: string): Promise<GroupTarget[]> {
    const items = await this.session.list<WireMember>('protection-groups/targets', { group_names: [group] });
    return items.map((m) => ({ name: m.member.name, allowed: m.allowed === true }));
  }

  async addGroupTargets(group: string, targets: string[]): Promise<void> {
    await this.session.post('protection-groups/targets', { group_names: [group], member_names: targets });
  }

  async allowReplicaGroup(replicaGroup: string, allowed: boolean): Promise<void> {
    await this.session.patch('protection-groups/targets', { group_names: [replicaGroup] }, { allowed });
  }

  async snapshotGroup(group: string, opts: { suffix?: string; replicateNow: boolean }): Promise<GroupSnapshot> {
    const [s] = await this.session.post<WireSnapshot>(
      'protection-group-snapshots',
      { source_names: [group], replicate_now: opts.replicateNow || undefined },
      opts.suffix === undefined ? undefined : { suffix: opts.suffix },
    );
    return snapshot(s!);
  }

  async getGroupSnapshot(name: string): Promise<GroupSnapshot | null> {
    const [s] = (await orNull(this.session.list<WireSnapshot>('protection-group-snapshots', { names: [name] }))) ?? [];
    return s ? snapshot(s) : null;
  }

  async listGroupSnapshots(group: string): Promise<GroupSnapshot[]> {
    const items = (await orNull(this.session.list<WireSnapshot>('protection-group-snapshots', { source_names: [group] }))) ?? [];
    return items.map(snapshot);
  }

  async listSnapshotsOfGroups(groups: string[]): Promise<GroupSnapshot[]> {
    return (await this.ofGroups(groups, (names) => this.session.list<WireSnapshot>('protection-group-snapshots', { source_names: names }))).map(snapshot);
  }

  async listTransfers(select: { names: string[] } | { group: string } | { groups: string[] }): Promise<SnapshotTransfer[]> {
    // A named snapshot that does not exist is 'not_found'; a group without snapshots has none.
    const path = 'protection-group-snapshots/transfer';
    const items =
      'names' in select
        ? await this.session.list<SnapshotTransfer>(path, { names: select.names })
        : 'group' in select
          ? ((await orNull(this.session.list<SnapshotTransfer>(path, { source_names: [select.group] }))) ?? [])
          : await this.ofGroups(select.groups, (names) => this.session.list<SnapshotTransfer>(path, { source_names: names }));
    return items.map((t) => ({
      name: t.name,
      progress: t.progress ?? null,
      started: t.started ?? null,
      completed: t.completed ?? null,
      data_transferred: t.data_transferred ?? null,
    }));
  }

  /**
   * `list` over `source_names` in chunks that keep the URL short. The array refuses a list naming
   * a group it does not have, so a refused chunk is asked again a group at one time, the missing
   * ones contributing nothing: the common case stays a few calls for every PG.
   */
  private async ofGroups<T>(groups: string[], list: (names: string[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (const chunk of chunks(groups, SOURCE_NAMES_CHARS)) {
      const got = await orNull(list(chunk));
      if (got) out.push(...got);
      else for (const g of chunk) out.push(...((await orNull(list([g]))) ?? []));
    }
    return out;
  }

  async listSnapshotVolumes(group: string): Promise<Map<string, string[]>> {
    // A group snapshot's volumes are volume snapshots named `<group>.<suffix>.<volume>`.
    const prefix = `${group}.`;
    const items = await this.session.list<{ name: string }>('volume-snapshots', { filter: `name=${literal(`${prefix}*`)}`, destroyed: false });
    const out = new Map<string, string[]>();
    for (const { name } of items) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      const dot = rest.indexOf('.');
      if (dot < 0) continue;
      const snap = `${prefix}${rest.slice(0, dot)}`;
      out.set(snap, [...(out.get(snap) ?? []), rest.slice(dot + 1)]);
    }
    return out;
  }

  async destroyGroupSnapshot(name: string): Promise<void> {
    await this.session.patch('protection-group-snapshots', { names: [name] }, { destroyed: true });
  }

  async eradicateGroupSnapshot(name: string): Promise<void> {
    await this.session.delete('protection-group-snapshots', { names: [name] });
  }

  async getPod(name: string): Promise<Pod | null> {
    const [p] = (await orNull(this.session.list<WirePod>('pods', { names: [name] }))) ?? [];
    return p ? pod(p) : null;
  }

  async listPods(names: string[]): Promise<Pod[]> {
    // Every pod in one call (a site has few): naming them would fail the call for one that is gone.
    const wanted = new Set(names);
    return (await this.session.list<WirePod>('pods')).filter((p) => wanted.has(p.name)).map(pod);
  }

  async createPod(name: string, failoverPreferences: string[]): Promise<void> {
    await this.session.post('pods', { names: [name] }, { failover_preferences: failoverPreferences.map((n) => ({ name: n })) });
  }

  async setPodPreferences(name: string, failoverPreferences: string[]): Promise<void> {
    await this.session.patch('pods', { names: [name] }, { failover_preferences: failoverPreferences.map((n) => ({ name: n })) });
  }

  async stretchPod(name: string, remote: string): Promise<void> {
    await this.session.post('pods/arrays', { group_names: [name], member_names: [remote] });
  }

  async unstretchPod(name: string, remote: string): Promise<void> {
    await this.session.delete('pods/arrays', { group_names: [name], member_names: [remote] });
  }

  async destroyPod(name: string): Promise<void> {
    await this.session.patch('pods', { names: [name] }, { destroyed: true });
  }

  async eradicatePod(name: string): Promise<void> {
    await this.session.delete('pods', { names: [name] });
  }
}

const volume = (v: WireVolume): Volume => ({
  name: v.name,
  provisioned: v.provisioned,
  destroyed: v.destroyed,
  source: v.source?.name ?? null,
  pod: v.pod?.name ? v.pod.name : null,
});

const pod = (p: WirePod): Pod => ({
  name: p.name,
  destroyed: p.destroyed,
  arrays: p.arrays.map((a) => ({ name: a.name, status: a.status, frozen_at: a.frozen_at ?? null, progress: a.progress ?? null })),
  failover_preferences: (p.failover_preferences ?? []).map((r) => r.name),
});

/** Characters of names per `source_names` query: a few KB, well inside any server's URL limit. */
const SOURCE_NAMES_CHARS = 4000;

/** `names` split so each chunk's comma-joined length stays within `maxChars` (a longer name alone). */
function chunks(names: string[], maxChars: number): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  for (const n of names) {
    if (cur.length > 0 && len + n.length + 1 > maxChars) {
      out.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(n);
    len += n.length + 1;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

const snapshot = (s: WireSnapshot): GroupSnapshot => ({ name: s.name, source: s.source.name, suffix: s.suffix, created: s.created, destroyed: s.destroyed });
