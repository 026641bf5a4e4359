import { connectionRow, getArray, isDown } from './arrays.js';
import { BLOCK_SIZE, changedBytes, cloneContent, copyBlockRange, dropContent, replaceContent } from './content.js';
import { alreadyExists, conflict, destroyed, invalid, mustDestroyFirst, notFound } from './errors.js';
import { checkName, POD_SEP, podOf } from './names.js';
import type { PodArrayStatus, PodRecord, PodReplicaLinkRecord, ReplicaLinkStatus } from './records.js';
import { newId, type Store } from './store.js';
import { moveVolumeRow, type VolumeRow } from './volumes.js';

/*
 * Pods, as ActiveCluster and ActiveDR run them.
 *
 * Stretched pod (ActiveCluster): one pod with a copy on each of (at most) two arrays. A copy is
 * `synced` when it holds every acknowledged write. Writes are accepted only by synced copies and
 * are applied to every synced copy before they return, so an acknowledged write is never held by
 * one array alone while the other still serves. The invariant that makes this safe: while the two
 * arrays cannot reach each other, at most one copy is synced. When they lose each other (link
 * down, or one array down), `reconcile` elects the survivor: the array that is still up or, when
 * both are, the first of `failover_preferences` (else the array the pod was created on); the other
 * copy goes offline (frozen). When they see each other again the offline copy resyncs: it takes
 * (bytes that differ) / bandwidth + latency, then copies the survivor's state and is online again.
 * The mediator is taken to be always reachable, so a lone surviving array always stays online.
 *
 * Linked pods (ActiveDR): a replica link between a pod on one array and a pod on another. The
 * promoted pod takes writes; a demoted pod is read-only and receives the promoted pod's volumes
 * whenever the link is up (continuous replication, modelled with no lag). Demoting the source and
 * promoting the target reverses the direction.
 *
 * Link and array state change only through model calls that `settle` first, so the lazily applied
 * effects here (resync completion, linked-pod replication) are exact at every observation.
 */

interface PodRow {
  id: string;
  name: string;
  source_array: string;
  created: number;
  destroyed_at: number | null;
  failover_preferences: string;
  promotion: 'promoted' | 'demoted';
}

interface PodArrayRow {
  pod_id: string;
  array: string;
  array_id: string;
  synced: number;
  frozen_at: number | null;
  resync_started: number | null;
  resync_until: number | null;
}

interface LinkRow {
  id: string;
  a_pod: string;
  b_pod: string;
  paused: number;
  recovery_point: number | null;
  dirty: number;
}

/** What a change to a pod does; requested_promotion_state demotes or promotes. */
export interface PodChange {
  failover_preferences?: string[];
  requested_promotion_state?: 'promoted' | 'demoted';
  /** Demote only after the target holds everything (needs a healthy link). */
  quiesce?: boolean;
  /** Demote at once; what the target has not received is given up. */
  skip_quiesce?: boolean;
  destroyed?: boolean;
}

// ---- lookups ----

const podById = (s: Store, id: string): PodRow => {
  const p = s.get<PodRow>('SELECT * FROM fa_pods WHERE id = ?', id);
  if (!p) throw new Error(`pod ${id} vanished`);
  return p;
};

function findPod(s: Store, array: string, name: string): PodRow | undefined {
  return s.get<PodRow>(
    'SELECT p.* FROM fa_pods p JOIN fa_pod_arrays a ON a.pod_id = p.id WHERE a.array = ? AND p.name = ?',
    array,
    name,
  );
}

export function podRow(s: Store, array: string, name: string): PodRow {
  const p = findPod(s, array, name);
  if (!p) throw notFound(`pod '${name}' on array '${array}'`);
  return p;
}

const podArrays = (s: Store, podId: string): PodArrayRow[] =>
  s.all<PodArrayRow>('SELECT * FROM fa_pod_arrays WHERE pod_id = ? ORDER BY array', podId);

function podArray(s: Store, podId: string, array: string): PodArrayRow {
  const r = s.get<PodArrayRow>('SELECT * FROM fa_pod_arrays WHERE pod_id = ? AND array = ?', podId, array);
  if (!r) throw new Error(`pod ${podId} has no copy on ${array}`);
  return r;
}

const linksOf = (s: Store, podId: string): LinkRow[] =>
  s.all<LinkRow>('SELECT * FROM fa_pod_links WHERE a_pod = ? OR b_pod = ? ORDER BY id', podId, podId);

/** The pod's only array, for linked pods (which are never stretched). */
const homeArray = (s: Store, podId: string): string => podArrays(s, podId)[0]?.array ?? '';

/** Both arrays up and the connection between them connected. */
function reachable(s: Store, x: string, y: string): boolean {
  const c = connectionRow(s, x, y);
  return c !== undefined && c.status === 'connected' && !isDown(s, x) && !isDown(s, y);
}

const podVolumes = (s: Store, array: string, pod: string): VolumeRow[] =>
  s.all<VolumeRow>('SELECT * FROM fa_volumes WHERE array = ? AND substr(name, 1, ?) = ? ORDER BY name', array, pod.length + 2, pod + POD_SEP);

// ---- records ----

function arrayStatus(s: Store, r: PodArrayRow): PodArrayStatus {
  const now = s.now();
  let status: PodArrayStatus['status'];
  let progress: number | null = null;
  if (isDown(s, r.array)) status = 'offline';
  else if (r.resync_until !== null && r.resync_started !== null) {
    status = 'resyncing';
    const span = r.resync_until - r.resync_started;
    progress = span <= 0 ? 1 : Math.min(1, (now - r.resync_started) / span);
  } else status = r.synced ? 'online' : 'offline';
  return { name: r.array, id: r.array_id, status, frozen_at: r.frozen_at, progress, mediator_status: 'online', pre_elected: false };
}

/** The link's source pod: the promoted side when exactly one is, else the side it was created from. */
function linkSource(s: Store, l: LinkRow): { source: PodRow; target: PodRow } {
  const a = podById(s, l.a_pod);
  const b = podById(s, l.b_pod);
  if (a.promotion === 'demoted' && b.promotion === 'promoted') return { source: b, target: a };
  return { source: a, target: b };
}

function linkStatus(s: Store, l: LinkRow): ReplicaLinkStatus {
  const { source, target } = linkSource(s, l);
  if (l.paused) return 'paused';
  if (!reachable(s, homeArray(s, source.id), homeArray(s, target.id))) return 'unhealthy';
  if (source.promotion === 'promoted' && target.promotion === 'demoted') return l.recovery_point === null ? 'baselining' : 'replicating';
  return 'idle';
}

function toPod(s: Store, p: PodRow, array: string): PodRecord {
  const arrays = podArrays(s, p.id).map((r) => arrayStatus(s, r));
  let sources = 0;
  let targets = 0;
  for (const l of linksOf(s, p.id)) {
    if (linkSource(s, l).source.id === p.id) targets++;
    else sources++;
  }
  return {
    name: p.name,
    id: p.id,
    arrays,
    array_count: arrays.length,
    destroyed: p.destroyed_at !== null,
    time_remaining: s.timeRemaining(p.destroyed_at),
    failover_preferences: (JSON.parse(p.failover_preferences) as string[]).map((name) => ({ name })),
    mediator: 'purestorage',
    source: { name: p.source_array },
    promotion_status: p.promotion,
    requested_promotion_state: p.promotion,
    link_source_count: sources,
    link_target_count: targets,
    volumes: podVolumes(s, array, p.name)
      .filter((v) => v.destroyed_at === null)
      .map((v) => v.name),
  };
}

function toLink(s: Store, l: LinkRow, array: string): PodReplicaLinkRecord {
  const a = podById(s, l.a_pod);
  const b = podById(s, l.b_pod);
  const local = homeArray(s, a.id) === array ? a : b;
  const remote = local === a ? b : a;
  const remoteArray = homeArray(s, remote.id);
  const status = linkStatus(s, l);
  return {
    id: l.id,
    direction: linkSource(s, l).source.id === local.id ? 'outbound' : 'inbound',
    local_pod: { name: local.name, id: local.id },
    remote_pod: { name: remote.name, id: remote.id },
    remotes: [{ name: remoteArray, id: getArray(s, remoteArray).id }],
    status,
    paused: l.paused === 1,
    recovery_point: l.recovery_point,
    lag: l.recovery_point === null ? null : Math.max(0, s.now() - l.recovery_point),
  };
}

// ---- copying pod state between arrays ----

/**
 * Makes volume `dst` on array `to` what `src` is on `from`: created, updated or removed. Copies of
 * a stretched volume keep its id and serial (hosts see one volume); linked-pod copies get their own.
 */
function copyVolumeState(s: Store, from: string, src: string, to: string, dst: string, sameIdentity: boolean): void {
  const a = s.get<VolumeRow>('SELECT * FROM fa_volumes WHERE array = ? AND name = ?', from, src);
  const b = s.get<VolumeRow>('SELECT * FROM fa_volumes WHERE array = ? AND name = ?', to, dst);
  if (!a) {
    if (b) dropVolumeCopy(s, b);
    return;
  }
  if (b) {
    if (b.content_id !== a.content_id) replaceContent(s, b.content_id, a.content_id);
    s.run(
      'UPDATE fa_volumes SET provisioned = ?, destroyed_at = ?, source = ? WHERE array = ? AND name = ?',
      a.provisioned, a.destroyed_at, a.source, to, dst,
    );
    return;
  }
  s.run(
    `INSERT INTO fa_volumes (array, name, id, serial, provisioned, created, destroyed_at, source, content_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    to, dst, sameIdentity ? a.id : newId(), sameIdentity ? a.serial : newSerialLike(a.serial), a.provisioned,
    sameIdentity ? a.created : s.now(), a.destroyed_at, a.source, cloneContent(s, a.content_id),
  );
}

function dropVolumeCopy(s: Store, v: VolumeRow): void {
  s.run('DELETE FROM fa_pgroup_volumes WHERE array = ? AND volume = ?', v.array, v.name);
  s.run('DELETE FROM fa_volumes WHERE array = ? AND name = ?', v.array, v.name);
  dropContent(s, v.content_id);
}

/** A fresh serial for a linked-pod copy (24 hex digits, as every serial). */
const newSerialLike = (serial: string): string =>
  Array.from(serial, () => '0123456789ABCDEF'[Math.floor(Math.random() * 16)]).join('');

/** Makes pod `dstPod` on `to` hold exactly the volumes of `srcPod` on `from`. */
function copyPodState(s: Store, from: string, srcPod: string, to: string, dstPod: string, sameIdentity: boolean): void {
  const names = new Set<string>();
  for (const v of podVolumes(s, from, srcPod)) names.add(v.name.slice(srcPod.length + 2));
  for (const v of podVolumes(s, to, dstPod)) names.add(v.name.slice(dstPod.length + 2));
  for (const n of names) copyVolumeState(s, from, srcPod + POD_SEP + n, to, dstPod + POD_SEP + n, sameIdentity);
}

function bytesToResync(s: Store, from: string, to: string, pod: string): number {
  let bytes = 0;
  for (const v of podVolumes(s, from, pod)) {
    const other = s.get<{ content_id: number }>('SELECT content_id FROM fa_volumes WHERE array = ? AND name = ?', to, v.name);
    bytes += changedBytes(s, v.content_id, other?.content_id ?? null);
  }
  return bytes;
}

// ---- state machine ----

function preferred(p: PodRow, candidates: PodArrayRow[]): PodArrayRow | undefined {
  const prefs = JSON.parse(p.failover_preferences) as string[];
  for (const name of prefs) {
    const c = candidates.find((r) => r.array === name);
    if (c) return c;
  }
  return candidates.find((r) => r.array === p.source_array) ?? candidates[0];
}

function startResync(s: Store, p: PodRow, r: PodArrayRow, from: PodArrayRow): void {
  const c = connectionRow(s, r.array, from.array);
  if (!c) return;
  const bytes = bytesToResync(s, from.array, r.array, p.name);
  const now = s.now();
  const until = now + Math.ceil((bytes / c.bandwidth) * 1000) + c.latency_ms;
  s.run('UPDATE fa_pod_arrays SET resync_started = ?, resync_until = ? WHERE pod_id = ? AND array = ?', now, until, p.id, r.array);
}

/** Applies the current link and array state to one stretched pod (see the header comment). */
function reconcilePod(s: Store, p: PodRow): void {
  const rows = podArrays(s, p.id);
  if (rows.length < 2) return;
  const [x, y] = rows as [PodArrayRow, PodArrayRow];
  const now = s.now();
  if (reachable(s, x.array, y.array)) {
    for (const [r, peer] of [[x, y], [y, x]] as const) {
      if (!r.synced && r.resync_until === null && peer.synced) startResync(s, p, r, peer);
    }
    return;
  }
  s.run('UPDATE fa_pod_arrays SET resync_started = NULL, resync_until = NULL WHERE pod_id = ? AND resync_until IS NOT NULL', p.id);
  const synced = rows.filter((r) => r.synced === 1);
  if (synced.length < 2) return;
  const up = synced.filter((r) => !isDown(s, r.array));
  // Both down: neither takes writes, so both still hold everything; decide when one returns.
  if (up.length === 0) return;
  const winner = up.length === 1 ? up[0] : preferred(p, up);
  for (const r of synced) {
    if (r !== winner) s.run('UPDATE fa_pod_arrays SET synced = 0, frozen_at = ? WHERE pod_id = ? AND array = ?', now, p.id, r.array);
  }
}

function completeResyncs(s: Store): void {
  const due = s.all<PodArrayRow>('SELECT * FROM fa_pod_arrays WHERE resync_until IS NOT NULL AND resync_until <= ?', s.now());
  for (const r of due) {
    const p = podById(s, r.pod_id);
    const from = podArrays(s, p.id).find((x) => x.array !== r.array && x.synced === 1);
    if (!from) continue;
    copyPodState(s, from.array, p.name, r.array, p.name, true);
    s.run(
      'UPDATE fa_pod_arrays SET synced = 1, frozen_at = NULL, resync_started = NULL, resync_until = NULL WHERE pod_id = ? AND array = ?',
      p.id, r.array,
    );
  }
}

/** Linked pods: a healthy, unpaused link brings the demoted pod up to the promoted one now. */
function replicateLinks(s: Store): void {
  for (const l of s.all<LinkRow>('SELECT * FROM fa_pod_links')) {
    const status = linkStatus(s, l);
    if (status !== 'replicating' && status !== 'baselining') continue;
    const { source, target } = linkSource(s, l);
    if (l.dirty) copyPodState(s, homeArray(s, source.id), source.name, homeArray(s, target.id), target.name, false);
    s.run('UPDATE fa_pod_links SET dirty = 0, recovery_point = ? WHERE id = ?', s.now(), l.id);
  }
}

/** Brings every pod to now: reconciles stretched pods, completes due resyncs, replicates links. */
export function settle(s: Store): void {
  for (const p of s.all<PodRow>('SELECT * FROM fa_pods')) reconcilePod(s, p);
  completeResyncs(s);
  replicateLinks(s);
}

/** Eradicates pods whose 24 h pending-eradication period has run out. */
export function eradicateExpiredPods(s: Store): string[] {
  const due = s.all<PodRow>('SELECT * FROM fa_pods WHERE destroyed_at IS NOT NULL AND destroyed_at + ? <= ?', s.eradicationDelayMs, s.now());
  for (const p of due) deletePodRows(s, p);
  return due.map((p) => p.name);
}

// ---- volume access inside pods ----

/**
 * Checks `array` may serve I/O for a volume (or destination) named `name`; names outside pods
 * always may. Writes need a promoted pod whose copy here is synced and not resyncing.
 */
export function checkAccess(s: Store, array: string, name: string, mode: 'read' | 'write'): void {
  const pod = podOf(name);
  if (pod === null) return;
  settle(s);
  const p = podRow(s, array, pod);
  if (p.destroyed_at !== null) throw destroyed(`pod '${pod}' on array '${array}'`);
  const r = podArray(s, p.id, array);
  if (!r.synced || r.resync_until !== null) throw conflict(`pod '${pod}' is offline on array '${array}' (its copy is not in sync)`);
  if (mode === 'write' && p.promotion === 'demoted') throw conflict(`pod '${pod}' on array '${array}' is demoted and does not accept writes`);
}

/** Every other copy that must hold what was just written on `array` (synced copies of a stretched pod). */
function mirrors(s: Store, array: string, name: string): { p: PodRow; others: string[] } | null {
  const pod = podOf(name);
  if (pod === null) return null;
  const p = podRow(s, array, pod);
  const others = podArrays(s, p.id)
    .filter((r) => r.array !== array && r.synced === 1 && r.resync_until === null)
    .map((r) => r.array);
  return { p, others };
}

function markLinksDirty(s: Store, podId: string): void {
  s.run('UPDATE fa_pod_links SET dirty = 1 WHERE a_pod = ? OR b_pod = ?', podId, podId);
}

/** After a write of `length` bytes at `offset` to a pod volume: the same blocks on every other synced copy. */
export function mirrorWrite(s: Store, array: string, name: string, offset: number, length: number): void {
  const m = mirrors(s, array, name);
  if (!m) return;
  markLinksDirty(s, m.p.id);
  if (length === 0) return;
  const src = s.get<VolumeRow>('SELECT * FROM fa_volumes WHERE array = ? AND name = ?', array, name);
  if (!src) return;
  const first = Math.floor(offset / BLOCK_SIZE);
  const last = Math.floor((offset + length - 1) / BLOCK_SIZE);
  for (const other of m.others) {
    const dst = s.get<VolumeRow>('SELECT * FROM fa_volumes WHERE array = ? AND name = ?', other, name);
    if (dst) copyBlockRange(s, dst.content_id, src.content_id, first, last);
    else copyVolumeState(s, array, name, other, name, true);
  }
}

/** After any other change to pod volumes `names` on `array` (create, resize, destroy, rename, copy). */
export function mirrorVolumes(s: Store, array: string, names: string[]): void {
  for (const name of names) {
    const m = mirrors(s, array, name);
    if (!m) continue;
    markLinksDirty(s, m.p.id);
    for (const other of m.others) copyVolumeState(s, array, name, other, name, true);
  }
}

// ---- pods ----

function podNameTaken(s: Store, array: string, name: string): boolean {
  return findPod(s, array, name) !== undefined;
}

export function createPod(s: Store, array: string, name: string, opts: { failover_preferences?: string[] } = {}): PodRecord {
  checkName('name', name);
  return s.tx(() => {
    const a = getArray(s, array);
    if (podNameTaken(s, array, name)) throw alreadyExists(`pod '${name}' on array '${array}'`);
    const prefs = checkPreferences(opts.failover_preferences ?? [], [array]);
    const id = newId();
    s.run(
      'INSERT INTO fa_pods (id, name, source_array, created, failover_preferences) VALUES (?, ?, ?, ?, ?)',
      id, name, array, s.now(), JSON.stringify(prefs),
    );
    s.run('INSERT INTO fa_pod_arrays (pod_id, array, array_id, synced) VALUES (?, ?, ?, 1)', id, array, a.id);
    return toPod(s, podById(s, id), array);
  });
}

function checkPreferences(prefs: unknown, members: string[]): string[] {
  if (!Array.isArray(prefs)) throw invalid('failover_preferences', 'expected a list of array names');
  for (const p of prefs) {
    if (typeof p !== 'string' || !members.includes(p)) {
      throw invalid('failover_preferences', `'${String(p)}' is not an array of this pod (${members.join(', ')})`);
    }
  }
  return [...new Set(prefs as string[])];
}

// Reads settle first, which may write (a resync completes, a link replicates): hence the transactions.
export function getPod(s: Store, array: string, name: string): PodRecord {
  return s.tx(() => {
    settle(s);
    return toPod(s, podRow(s, array, name), array);
  });
}

export function listPods(s: Store, array: string): PodRecord[] {
  return s.tx(() => {
    settle(s);
    return s
      .all<PodRow>('SELECT p.* FROM fa_pods p JOIN fa_pod_arrays a ON a.pod_id = p.id WHERE a.array = ? ORDER BY p.name', array)
      .map((p) => toPod(s, p, array));
  });
}

export function updatePod(s: Store, array: string, name: string, change: PodChange): PodRecord {
  return s.tx(() => {
    settle(s);
    const p = podRow(s, array, name);
    if (change.destroyed !== undefined) setDestroyed(s, p, change.destroyed);
    if (change.failover_preferences !== undefined) {
      const prefs = checkPreferences(change.failover_preferences, podArrays(s, p.id).map((r) => r.array));
      s.run('UPDATE fa_pods SET failover_preferences = ? WHERE id = ?', JSON.stringify(prefs), p.id);
    }
    const want = change.requested_promotion_state;
    if (want !== undefined && want !== 'promoted' && want !== 'demoted') {
      throw invalid('requested_promotion_state', `expected 'promoted' or 'demoted', got '${String(want)}'`);
    }
    if (want === 'demoted' && p.promotion === 'promoted') demote(s, p, change);
    if (want === 'promoted' && p.promotion === 'demoted') promote(s, p);
    return toPod(s, podById(s, p.id), array);
  });
}

function demote(s: Store, p: PodRow, change: PodChange): void {
  if (podArrays(s, p.id).length > 1) throw conflict(`pod '${p.name}' is stretched; unstretch it before demoting`);
  if (change.quiesce && change.skip_quiesce) throw invalid('quiesce', 'quiesce and skip_quiesce cannot both be set');
  const outbound = linksOf(s, p.id).filter((l) => {
    const { source, target } = linkSource(s, l);
    return source.id === p.id && target.promotion === 'demoted';
  });
  if (outbound.length > 0 && !change.quiesce && !change.skip_quiesce) {
    throw invalid('quiesce', `pod '${p.name}' replicates to a linked pod: demote with quiesce (wait for the target) or skip_quiesce`);
  }
  if (change.quiesce) {
    for (const l of outbound) {
      const status = linkStatus(s, l);
      if (status !== 'replicating' && status !== 'baselining') {
        throw conflict(`cannot quiesce pod '${p.name}': its replica link is ${status}; demote with skip_quiesce to give up what was not replicated`);
      }
    }
    replicateLinks(s);
  }
  s.run("UPDATE fa_pods SET promotion = 'demoted' WHERE id = ?", p.id);
}

function promote(s: Store, p: PodRow): void {
  // The pod keeps what it received up to now; from here it takes writes.
  s.run("UPDATE fa_pods SET promotion = 'promoted' WHERE id = ?", p.id);
  for (const l of linksOf(s, p.id)) s.run('UPDATE fa_pod_links SET dirty = 1 WHERE id = ?', l.id);
}

function setDestroyed(s: Store, p: PodRow, destroyed: boolean): void {
  if (!destroyed) {
    s.run('UPDATE fa_pods SET destroyed_at = NULL WHERE id = ?', p.id);
    return;
  }
  if (p.destroyed_at !== null) return;
  if (podArrays(s, p.id).length > 1) throw conflict(`pod '${p.name}' is stretched; unstretch it before destroying it`);
  if (linksOf(s, p.id).length > 0) throw conflict(`pod '${p.name}' has a replica link; delete the link before destroying it`);
  if (podVolumes(s, homeArray(s, p.id), p.name).length > 0) throw conflict(`pod '${p.name}' still contains volumes`);
  s.run('UPDATE fa_pods SET destroyed_at = ? WHERE id = ?', s.now(), p.id);
}

export function eradicatePod(s: Store, array: string, name: string): void {
  s.tx(() => {
    const p = podRow(s, array, name);
    if (p.destroyed_at === null) throw mustDestroyFirst(`pod '${name}' on array '${array}'`);
    deletePodRows(s, p);
  });
}

function deletePodRows(s: Store, p: PodRow): void {
  s.run('DELETE FROM fa_pod_arrays WHERE pod_id = ?', p.id);
  s.run('DELETE FROM fa_pods WHERE id = ?', p.id);
}

/** Stretches a pod to `remote` (needs a sync-replication connection); the new copy resyncs first. */
export function addPodArray(s: Store, array: string, name: string, remote: string): PodRecord {
  return s.tx(() => {
    settle(s);
    const p = podRow(s, array, name);
    const r = getArray(s, remote);
    const rows = podArrays(s, p.id);
    if (rows.some((x) => x.array === remote)) throw alreadyExists(`array '${remote}' in pod '${name}'`);
    if (rows.length >= 2) throw conflict(`pod '${name}' is already stretched over two arrays`);
    const c = connectionRow(s, array, remote);
    if (!c || c.type !== 'sync-replication') throw invalid('arrays', `array '${array}' is not connected to '${remote}' for sync replication`);
    if (p.destroyed_at !== null) throw destroyed(`pod '${name}'`);
    if (p.promotion !== 'promoted') throw conflict(`pod '${name}' is demoted; only a promoted pod can be stretched`);
    if (linksOf(s, p.id).length > 0) throw conflict(`pod '${name}' has a replica link and cannot be stretched`);
    if (podNameTaken(s, remote, name)) throw alreadyExists(`pod '${name}' on array '${remote}'`);
    if (podVolumes(s, remote, name).length > 0) throw conflict(`array '${remote}' already has volumes named '${name}::…'`);
    s.run('INSERT INTO fa_pod_arrays (pod_id, array, array_id, synced) VALUES (?, ?, ?, 0)', p.id, remote, r.id);
    settle(s);
    return toPod(s, podById(s, p.id), array);
  });
}

/** Unstretches: `remote` leaves the pod and its copies are removed. The copy that stays must be in sync. */
export function removePodArray(s: Store, array: string, name: string, remote: string): PodRecord {
  return s.tx(() => {
    settle(s);
    const p = podRow(s, array, name);
    const rows = podArrays(s, p.id);
    const leaving = rows.find((x) => x.array === remote);
    if (!leaving) throw notFound(`array '${remote}' in pod '${name}'`);
    const staying = rows.filter((x) => x !== leaving);
    if (staying.length === 0) throw conflict(`array '${remote}' is the only array of pod '${name}'; destroy the pod instead`);
    if (!staying.some((x) => x.synced === 1)) throw conflict(`the copy of pod '${name}' that would stay is not in sync; it would lose acknowledged writes`);
    for (const v of podVolumes(s, remote, name)) dropVolumeCopy(s, v);
    s.run('DELETE FROM fa_pod_arrays WHERE pod_id = ? AND array = ?', p.id, remote);
    const prefs = (JSON.parse(p.failover_preferences) as string[]).filter((x) => x !== remote);
    const newSource = p.source_array === remote ? (staying[0]?.array ?? p.source_array) : p.source_array;
    s.run('UPDATE fa_pods SET failover_preferences = ?, source_array = ? WHERE id = ?', JSON.stringify(prefs), newSource, p.id);
    return toPod(s, podById(s, p.id), array === remote ? (staying[0]?.array ?? array) : array);
  });
}

// ---- replica links ----

function linkRow(s: Store, array: string, localPod: string, remotePod: string): LinkRow {
  const local = podRow(s, array, localPod);
  for (const l of linksOf(s, local.id)) {
    const other = podById(s, l.a_pod === local.id ? l.b_pod : l.a_pod);
    if (other.name === remotePod) return l;
  }
  throw notFound(`replica link from pod '${localPod}' to pod '${remotePod}' on array '${array}'`);
}

/** Links a promoted pod here to an empty, demoted pod on `remoteArray`, which then receives it. */
export function createPodReplicaLink(s: Store, array: string, localPod: string, remoteArray: string, remotePod: string): PodReplicaLinkRecord {
  return s.tx(() => {
    settle(s);
    const local = podRow(s, array, localPod);
    getArray(s, remoteArray);
    const remote = podRow(s, remoteArray, remotePod);
    if (remoteArray === array) throw invalid('remote', 'a replica link joins pods on two different arrays');
    if (!connectionRow(s, array, remoteArray)) throw invalid('remote', `array '${array}' is not connected to '${remoteArray}'`);
    for (const p of [local, remote]) {
      if (podArrays(s, p.id).length > 1) throw conflict(`pod '${p.name}' is stretched and cannot be linked`);
      if (p.destroyed_at !== null) throw destroyed(`pod '${p.name}'`);
      if (linksOf(s, p.id).length > 0) throw conflict(`pod '${p.name}' already has a replica link`);
    }
    if (local.promotion !== 'promoted') throw conflict(`pod '${localPod}' is demoted; a link starts from a promoted pod`);
    if (remote.promotion !== 'demoted') throw conflict(`pod '${remotePod}' on array '${remoteArray}' must be demoted to receive replication`);
    if (podVolumes(s, remoteArray, remotePod).length > 0) throw conflict(`pod '${remotePod}' on array '${remoteArray}' must be empty`);
    const id = newId();
    s.run('INSERT INTO fa_pod_links (id, a_pod, b_pod) VALUES (?, ?, ?)', id, local.id, remote.id);
    settle(s);
    return toLink(s, linkRow(s, array, localPod, remotePod), array);
  });
}

export function listPodReplicaLinks(s: Store, array: string): PodReplicaLinkRecord[] {
  return s.tx(() => {
    settle(s);
    const rows = s.all<LinkRow>(
      `SELECT DISTINCT l.* FROM fa_pod_links l JOIN fa_pod_arrays a ON a.pod_id IN (l.a_pod, l.b_pod) WHERE a.array = ? ORDER BY l.id`,
      array,
    );
    return rows.map((l) => toLink(s, l, array));
  });
}

export function updatePodReplicaLink(s: Store, array: string, localPod: string, remotePod: string, change: { paused?: boolean }): PodReplicaLinkRecord {
  return s.tx(() => {
    settle(s);
    const l = linkRow(s, array, localPod, remotePod);
    if (change.paused !== undefined) {
      if (typeof change.paused !== 'boolean') throw invalid('paused', 'expected true or false');
      s.run('UPDATE fa_pod_links SET paused = ? WHERE id = ?', change.paused ? 1 : 0, l.id);
      settle(s);
    }
    return toLink(s, linkRow(s, array, localPod, remotePod), array);
  });
}

export function deletePodReplicaLink(s: Store, array: string, localPod: string, remotePod: string): void {
  s.tx(() => {
    settle(s);
    s.run('DELETE FROM fa_pod_links WHERE id = ?', linkRow(s, array, localPod, remotePod).id);
  });
}

/** Moves a volume into a pod (`pod`) or out of one (null), renaming it `<pod>::<name>` or back. */
export function moveVolume(s: Store, array: string, name: string, pod: string | null): string {
  return s.tx(() => {
    settle(s);
    const current = podOf(name);
    if (current === pod) return name;
    const base = current === null ? name : name.slice(current.length + 2);
    const dest = pod === null ? base : pod + POD_SEP + base;
    if (current !== null) {
      const p = podRow(s, array, current);
      if (podArrays(s, p.id).length > 1) throw conflict(`volume '${name}' is in stretched pod '${current}'; unstretch the pod to move it out`);
      checkAccess(s, array, name, 'write');
    }
    if (pod !== null) checkAccess(s, array, dest, 'write');
    moveVolumeRow(s, array, name, dest);
    mirrorVolumes(s, array, [name, dest]);
    return dest;
  });
}
