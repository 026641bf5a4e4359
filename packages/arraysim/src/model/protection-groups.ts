import { connectionRow } from './arrays.js';
import {
  alreadyExists,
  alreadyIncludes,
  alreadyMember,
  destroyed,
  invalid,
  mustDestroyFirst,
  namePendingEradication,
  notDestroyed,
  notMember,
} from './errors.js';
import { checkInt, checkName } from './names.js';
import { eradicatePgSnapshotRow, pgRow, toPg, type PgRow, type PgSnapshotRow } from './pg-rows.js';
import type { ProtectionGroupRecord, ReplicationSchedule, Retention, Schedule } from './records.js';
import { findReplicaGroup, listReplicaGroups, refuseReplicaChange } from './replica-groups.js';
import { newId, type Store } from './store.js';
import { liveVolume } from './volumes.js';

/** FlashArray's defaults: hourly snapshots and 4-hourly replication, both off; keep 1 day, then 4 a day for 7 days. */
const DEFAULT_RETENTION: Retention = { all_for_sec: 86400, per_day: 4, days: 7 };
const DAY_MS = 86400 * 1000;

export interface ProtectionGroupSettings {
  snapshot_schedule?: Partial<Schedule>;
  replication_schedule?: Partial<ReplicationSchedule>;
  source_retention?: Partial<Retention>;
  target_retention?: Partial<Retention>;
}

/** A group this array owns, for a change: a replica is refused with its own message, a destroyed one unless `destroyedOk`. */
function ownPg(s: Store, array: string, name: string, opts: { destroyedOk?: boolean } = {}): PgRow {
  refuseReplicaChange(s, array, name);
  const r = pgRow(s, array, name);
  if (!opts.destroyedOk && r.destroyed_at !== null) throw destroyed(`protection group '${name}' on array '${array}'`);
  return r;
}

function checkRetention(field: string, r: Retention): Retention {
  checkInt(`${field}.all_for_sec`, r.all_for_sec, 0);
  checkInt(`${field}.per_day`, r.per_day, 0);
  checkInt(`${field}.days`, r.days, 0);
  return r;
}

function applySettings(s: Store, r: PgRow, set: ProtectionGroupSettings): void {
  const cur = toPg(s, r);
  const snap = { ...cur.snapshot_schedule, ...set.snapshot_schedule };
  const repl = { ...cur.replication_schedule, ...set.replication_schedule };
  checkInt('snapshot_schedule.frequency', snap.frequency, 1000);
  checkInt('replication_schedule.frequency', repl.frequency, 1000);
  if (repl.blackout) {
    checkInt('replication_schedule.blackout.start', repl.blackout.start, 0, DAY_MS - 1);
    checkInt('replication_schedule.blackout.end', repl.blackout.end, 0, DAY_MS - 1);
  }
  const src = checkRetention('source_retention', { ...cur.source_retention, ...set.source_retention });
  const tgt = checkRetention('target_retention', { ...cur.target_retention, ...set.target_retention });
  const now = s.now();
  // Turning a schedule on starts its period now rather than firing at once for the time it was off.
  const snapLast = snap.enabled && !cur.snapshot_schedule.enabled ? now : r.snap_last;
  const replLast = repl.enabled && !cur.replication_schedule.enabled ? now : r.repl_last;
  s.run(
    `UPDATE fa_pgroups SET snap_enabled = ?, snap_frequency = ?, snap_last = ?, repl_enabled = ?, repl_frequency = ?, repl_last = ?,
       repl_blackout_start = ?, repl_blackout_end = ?, src_all_for = ?, src_per_day = ?, src_days = ?,
       tgt_all_for = ?, tgt_per_day = ?, tgt_days = ? WHERE array = ? AND name = ?`,
    snap.enabled ? 1 : 0, snap.frequency, snapLast, repl.enabled ? 1 : 0, repl.frequency, replLast,
    repl.blackout?.start ?? null, repl.blackout?.end ?? null, src.all_for_sec, src.per_day, src.days,
    tgt.all_for_sec, tgt.per_day, tgt.days, r.array, r.name,
  );
}

export function createProtectionGroup(s: Store, array: string, name: string, settings: ProtectionGroupSettings = {}): ProtectionGroupRecord {
  checkName('name', name);
  return s.tx(() => {
    const old = s.get<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? AND name = ?', array, name);
    if (old) {
      const what = `protection group '${name}' on array '${array}'`;
      throw old.destroyed_at === null ? alreadyExists(what) : namePendingEradication(what);
    }
    const now = s.now();
    const d = DEFAULT_RETENTION;
    s.run(
      `INSERT INTO fa_pgroups (array, name, id, created, snap_enabled, snap_frequency, snap_last, repl_enabled, repl_frequency, repl_last,
         src_all_for, src_per_day, src_days, tgt_all_for, tgt_per_day, tgt_days)
       VALUES (?, ?, ?, ?, 0, 3600000, ?, 0, 14400000, ?, ?, ?, ?, ?, ?, ?)`,
      array, name, newId(), now, now, now, d.all_for_sec, d.per_day, d.days, d.all_for_sec, d.per_day, d.days,
    );
    applySettings(s, pgRow(s, array, name), settings);
    return getProtectionGroup(s, array, name);
  });
}

/** A group of this array, or a replica `<source>:<pg>` it shows. */
export const getProtectionGroup = (s: Store, array: string, name: string): ProtectionGroupRecord =>
  findReplicaGroup(s, array, name) ?? toPg(s, pgRow(s, array, name));

/** This array's own groups (destroyed ones too, as the array lists them), then the replicas it shows. */
export const listProtectionGroups = (s: Store, array: string): ProtectionGroupRecord[] => [
  ...s.all<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? ORDER BY name', array).map((r) => toPg(s, r)),
  ...listReplicaGroups(s, array),
];

export function updateProtectionGroup(s: Store, array: string, name: string, settings: ProtectionGroupSettings): ProtectionGroupRecord {
  return s.tx(() => {
    applySettings(s, ownPg(s, array, name), settings);
    return getProtectionGroup(s, array, name);
  });
}

const memberName = (v: string): string => `volume '${v}'`;
const groupName = (array: string, pg: string): string => `protection group '${pg}' on array '${array}'`;

/** Adds volumes; members already in the group are skipped unless `strict` (the REST face's POST). */
export function addVolumes(s: Store, array: string, pg: string, volumes: string[], opts: { strict?: boolean } = {}): void {
  s.tx(() => {
    ownPg(s, array, pg);
    for (const v of volumes) {
      liveVolume(s, array, v);
      const added = s.run('INSERT OR IGNORE INTO fa_pgroup_volumes (array, pg, volume) VALUES (?, ?, ?)', array, pg, v);
      if (!added && opts.strict) throw alreadyMember(memberName(v), groupName(array, pg));
    }
  });
}

export function removeVolumes(s: Store, array: string, pg: string, volumes: string[]): void {
  s.tx(() => {
    ownPg(s, array, pg);
    for (const v of volumes) {
      if (!s.run('DELETE FROM fa_pgroup_volumes WHERE array = ? AND pg = ? AND volume = ?', array, pg, v)) {
        throw notMember(memberName(v), groupName(array, pg));
      }
    }
  });
}

/**
 * Targets must be arrays this one is connected to; `allowed` defaults to true (the target's
 * consent). A target already there keeps its flag, or is refused with "already includes" if `strict`.
 */
export function addTargets(s: Store, array: string, pg: string, targets: string[], allowed = true, opts: { strict?: boolean } = {}): void {
  s.tx(() => {
    ownPg(s, array, pg);
    for (const t of targets) {
      if (!connectionRow(s, array, t)) throw invalid('targets', `array '${array}' is not connected to '${t}'`);
      const there = s.get('SELECT 1 FROM fa_pgroup_targets WHERE array = ? AND pg = ? AND target = ?', array, pg, t);
      if (there && opts.strict) throw alreadyIncludes(groupName(array, pg), `target array '${t}'`);
      s.run('INSERT OR REPLACE INTO fa_pgroup_targets (array, pg, target, allowed) VALUES (?, ?, ?, ?)', array, pg, t, allowed ? 1 : 0);
    }
  });
}

export function removeTargets(s: Store, array: string, pg: string, targets: string[]): void {
  s.tx(() => {
    ownPg(s, array, pg, { destroyedOk: true });
    for (const t of targets) {
      if (!s.run('DELETE FROM fa_pgroup_targets WHERE array = ? AND pg = ? AND target = ?', array, pg, t)) {
        throw notMember(`target array '${t}'`, groupName(array, pg));
      }
    }
  });
}

/** The target's consent, set on the source's record of its target. */
export function setTargetAllowed(s: Store, array: string, pg: string, target: string, allowed: boolean): void {
  s.tx(() => {
    pgRow(s, array, pg);
    if (!s.run('UPDATE fa_pgroup_targets SET allowed = ? WHERE array = ? AND pg = ? AND target = ?', allowed ? 1 : 0, array, pg, target)) {
      throw notMember(`target array '${target}'`, groupName(array, pg));
    }
  });
}

/**
 * Destroys a group pending eradication: its snapshots are destroyed with it, schedules stop and
 * its transfers pause; recovering it brings all of that back. Its name stays taken until eradicated.
 */
export function destroyProtectionGroup(s: Store, array: string, name: string): ProtectionGroupRecord {
  return s.tx(() => {
    ownPg(s, array, name);
    s.run('UPDATE fa_pgroups SET destroyed_at = ? WHERE array = ? AND name = ?', s.now(), array, name);
    return getProtectionGroup(s, array, name);
  });
}

export function recoverProtectionGroup(s: Store, array: string, name: string): ProtectionGroupRecord {
  return s.tx(() => {
    const r = ownPg(s, array, name, { destroyedOk: true });
    if (r.destroyed_at === null) throw notDestroyed(groupName(array, name));
    s.run('UPDATE fa_pgroups SET destroyed_at = NULL WHERE array = ? AND name = ?', array, name);
    return getProtectionGroup(s, array, name);
  });
}

/** Removes a group and its own snapshots; copies already on targets stay there. */
function dropGroup(s: Store, array: string, name: string): void {
  for (const r of s.all<PgSnapshotRow>('SELECT * FROM fa_pg_snapshots WHERE array = ? AND pg_array = ? AND pg = ? AND replicated = 0', array, array, name)) {
    eradicatePgSnapshotRow(s, r);
  }
  s.run('DELETE FROM fa_pgroups WHERE array = ? AND name = ?', array, name);
}

/** Eradicates a destroyed group, as the array does. */
export function eradicateProtectionGroup(s: Store, array: string, name: string): void {
  s.tx(() => {
    if (ownPg(s, array, name, { destroyedOk: true }).destroyed_at === null) throw mustDestroyFirst(groupName(array, name));
    dropGroup(s, array, name);
  });
}

/** Destroys and eradicates at once, whatever the state: the shortcut model users (the mock storage driver) take. */
export function deleteProtectionGroup(s: Store, array: string, name: string): void {
  s.tx(() => {
    ownPg(s, array, name, { destroyedOk: true });
    dropGroup(s, array, name);
  });
}

/** Snapshots are taken of a group on its source array; a replica cannot be snapshotted on the target. */
export function refuseReplicaSnapshot(s: Store, array: string, name: string): void {
  refuseReplicaChange(s, array, name);
}

/** Eradicates groups whose pending-eradication period has run out. */
export function eradicateExpiredGroups(s: Store, array: string): string[] {
  const due = s.expiredNames('fa_pgroups', array);
  for (const name of due) dropGroup(s, array, name);
  return due;
}
