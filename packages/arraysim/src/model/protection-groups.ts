import { cloneContent, dropContent } from './content.js';
import { conflict, invalid, notFound } from './errors.js';
import { checkInt, checkName } from './names.js';
import type { ProtectionGroupRecord, ProtectionGroupSnapshotRecord, ReplicationSchedule, Retention, Schedule } from './records.js';
import { newId, serial, type Store } from './store.js';
import { liveVolume } from './volumes.js';
import { connectionRow } from './arrays.js';

export interface PgRow {
  array: string;
  name: string;
  id: string;
  created: number;
  next_suffix: number;
  snap_enabled: number;
  snap_frequency: number;
  snap_last: number;
  repl_enabled: number;
  repl_frequency: number;
  repl_last: number;
  repl_blackout_start: number | null;
  repl_blackout_end: number | null;
  src_all_for: number;
  src_per_day: number;
  src_days: number;
  tgt_all_for: number;
  tgt_per_day: number;
  tgt_days: number;
}

export interface PgSnapshotRow {
  seq: number;
  id: string;
  array: string;
  name: string;
  pg_array: string;
  pg: string;
  suffix: string;
  created: number;
  replicated: number;
  started: number | null;
  completed: number | null;
  progress: number | null;
  data_transferred: number | null;
  bytes_total: number | null;
  duration_ms: number | null;
  elapsed_ms: number | null;
}

/** FlashArray's defaults: hourly snapshots and 4-hourly replication, both off; keep 1 day, then 4 a day for 7 days. */
const DEFAULT_RETENTION: Retention = { all_for_sec: 86400, per_day: 4, days: 7 };
const DAY_MS = 86400 * 1000;

export interface ProtectionGroupSettings {
  snapshot_schedule?: Partial<Schedule>;
  replication_schedule?: Partial<ReplicationSchedule>;
  source_retention?: Partial<Retention>;
  target_retention?: Partial<Retention>;
}

export function pgRow(s: Store, array: string, name: string): PgRow {
  const r = s.get<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? AND name = ?', array, name);
  if (!r) throw notFound(`protection group '${name}' on array '${array}'`);
  return r;
}

function toPg(s: Store, r: PgRow): ProtectionGroupRecord {
  return {
    name: r.name,
    id: r.id,
    source: { name: r.array },
    created: r.created,
    snapshot_schedule: { enabled: r.snap_enabled === 1, frequency: r.snap_frequency },
    replication_schedule: {
      enabled: r.repl_enabled === 1,
      frequency: r.repl_frequency,
      blackout: r.repl_blackout_start === null || r.repl_blackout_end === null ? null : { start: r.repl_blackout_start, end: r.repl_blackout_end },
    },
    source_retention: { all_for_sec: r.src_all_for, per_day: r.src_per_day, days: r.src_days },
    target_retention: { all_for_sec: r.tgt_all_for, per_day: r.tgt_per_day, days: r.tgt_days },
    volumes: s.all<{ volume: string }>('SELECT volume FROM fa_pgroup_volumes WHERE array = ? AND pg = ? ORDER BY volume', r.array, r.name).map((v) => v.volume),
    targets: s
      .all<{ target: string; allowed: number }>('SELECT target, allowed FROM fa_pgroup_targets WHERE array = ? AND pg = ? ORDER BY target', r.array, r.name)
      .map((t) => ({ name: t.target, allowed: t.allowed === 1 })),
  };
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
    if (s.get('SELECT 1 FROM fa_pgroups WHERE array = ? AND name = ?', array, name)) {
      throw conflict(`protection group '${name}' already exists on array '${array}'`);
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

export const getProtectionGroup = (s: Store, array: string, name: string): ProtectionGroupRecord => toPg(s, pgRow(s, array, name));

export const listProtectionGroups = (s: Store, array: string): ProtectionGroupRecord[] =>
  s.all<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? ORDER BY name', array).map((r) => toPg(s, r));

export function updateProtectionGroup(s: Store, array: string, name: string, settings: ProtectionGroupSettings): ProtectionGroupRecord {
  return s.tx(() => {
    applySettings(s, pgRow(s, array, name), settings);
    return getProtectionGroup(s, array, name);
  });
}

export function addVolumes(s: Store, array: string, pg: string, volumes: string[]): void {
  s.tx(() => {
    pgRow(s, array, pg);
    for (const v of volumes) {
      liveVolume(s, array, v);
      s.run('INSERT OR IGNORE INTO fa_pgroup_volumes (array, pg, volume) VALUES (?, ?, ?)', array, pg, v);
    }
  });
}

export function removeVolumes(s: Store, array: string, pg: string, volumes: string[]): void {
  s.tx(() => {
    pgRow(s, array, pg);
    for (const v of volumes) {
      if (!s.run('DELETE FROM fa_pgroup_volumes WHERE array = ? AND pg = ? AND volume = ?', array, pg, v)) {
        throw notFound(`volume '${v}' in protection group '${pg}' on array '${array}'`);
      }
    }
  });
}

/** Targets must be arrays this one is connected to; `allowed` defaults to true (the target's consent). */
export function addTargets(s: Store, array: string, pg: string, targets: string[], allowed = true): void {
  s.tx(() => {
    pgRow(s, array, pg);
    for (const t of targets) {
      if (!connectionRow(s, array, t)) throw invalid('targets', `array '${array}' is not connected to '${t}'`);
      s.run('INSERT OR REPLACE INTO fa_pgroup_targets (array, pg, target, allowed) VALUES (?, ?, ?, ?)', array, pg, t, allowed ? 1 : 0);
    }
  });
}

export function removeTargets(s: Store, array: string, pg: string, targets: string[]): void {
  s.tx(() => {
    for (const t of targets) {
      if (!s.run('DELETE FROM fa_pgroup_targets WHERE array = ? AND pg = ? AND target = ?', array, pg, t)) {
        throw notFound(`target '${t}' of protection group '${pg}' on array '${array}'`);
      }
    }
  });
}

export function setTargetAllowed(s: Store, array: string, pg: string, target: string, allowed: boolean): void {
  s.tx(() => {
    if (!s.run('UPDATE fa_pgroup_targets SET allowed = ? WHERE array = ? AND pg = ? AND target = ?', allowed ? 1 : 0, array, pg, target)) {
      throw notFound(`target '${target}' of protection group '${pg}' on array '${array}'`);
    }
  });
}

export function pgSnapshotRow(s: Store, array: string, name: string): PgSnapshotRow {
  const r = s.get<PgSnapshotRow>('SELECT * FROM fa_pg_snapshots WHERE array = ? AND name = ?', array, name);
  if (!r) throw notFound(`protection group snapshot '${name}' on array '${array}'`);
  return r;
}

export function toPgSnapshot(s: Store, r: PgSnapshotRow): ProtectionGroupSnapshotRecord {
  return {
    name: r.name,
    id: r.id,
    source: { name: r.replicated ? `${r.pg_array}:${r.pg}` : r.pg },
    suffix: r.suffix,
    created: r.created,
    destroyed: false,
    volumes: s.all<{ volume: string }>('SELECT volume FROM fa_pg_snapshot_volumes WHERE seq = ? ORDER BY volume', r.seq).map((v) => v.volume),
    progress: r.progress,
    started: r.started,
    completed: r.completed,
    data_transferred: r.data_transferred,
  };
}

export function listPgSnapshots(s: Store, array: string, pg?: string): ProtectionGroupSnapshotRecord[] {
  const rows = s.all<PgSnapshotRow>('SELECT * FROM fa_pg_snapshots WHERE array = ? ORDER BY seq', array);
  return rows.filter((r) => pg === undefined || (r.replicated ? `${r.pg_array}:${r.pg}` : r.pg) === pg).map((r) => toPgSnapshot(s, r));
}

/** Inserts a snapshot row and one content clone per member; all in the caller's transaction, so it is one instant. */
export function insertPgSnapshot(
  s: Store,
  at: { array: string; name: string; pg_array: string; pg: string; suffix: string; created: number; replicated: boolean },
  members: { volume: string; provisioned: number; content_id: number }[],
): PgSnapshotRow {
  if (s.get('SELECT 1 FROM fa_pg_snapshots WHERE array = ? AND name = ?', at.array, at.name)) {
    throw conflict(`protection group snapshot '${at.name}' already exists on array '${at.array}'`);
  }
  const seq = Number(
    s.db
      .prepare('INSERT INTO fa_pg_snapshots (id, array, name, pg_array, pg, suffix, created, replicated, progress, data_transferred) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(newId(), at.array, at.name, at.pg_array, at.pg, at.suffix, at.created, at.replicated ? 1 : 0, at.replicated ? 0 : null, at.replicated ? 0 : null)
      .lastInsertRowid,
  );
  for (const m of members) {
    s.run(
      'INSERT INTO fa_pg_snapshot_volumes (seq, volume, array, name, id, serial, provisioned, content_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      seq, m.volume, at.array, `${at.name}.${m.volume}`, newId(), serial(), m.provisioned, cloneContent(s, m.content_id),
    );
  }
  const row = s.get<PgSnapshotRow>('SELECT * FROM fa_pg_snapshots WHERE seq = ?', seq);
  if (!row) throw new Error('protection group snapshot vanished while being written');
  return row;
}

/** Snapshots every live member volume of `pg` at this instant (`<pg>.<suffix>`), without replicating. */
export function snapshotPg(s: Store, array: string, pg: string, suffix?: string): PgSnapshotRow {
  if (suffix !== undefined) checkName('suffix', suffix);
  const g = pgRow(s, array, pg);
  const sfx = suffix ?? String(g.next_suffix);
  if (suffix === undefined) s.run('UPDATE fa_pgroups SET next_suffix = next_suffix + 1 WHERE array = ? AND name = ?', array, pg);
  const members = s.all<{ volume: string; provisioned: number; content_id: number }>(
    `SELECT v.name AS volume, v.provisioned, v.content_id FROM fa_pgroup_volumes m
       JOIN fa_volumes v ON v.array = m.array AND v.name = m.volume
     WHERE m.array = ? AND m.pg = ? AND v.destroyed_at IS NULL ORDER BY v.name`,
    array,
    pg,
  );
  return insertPgSnapshot(s, { array, name: `${pg}.${sfx}`, pg_array: array, pg, suffix: sfx, created: s.now(), replicated: false }, members);
}

export function eradicatePgSnapshotRow(s: Store, r: PgSnapshotRow): void {
  const contents = s.all<{ content_id: number }>('SELECT content_id FROM fa_pg_snapshot_volumes WHERE seq = ?', r.seq);
  s.run('DELETE FROM fa_pg_snapshot_volumes WHERE seq = ?', r.seq);
  s.run('DELETE FROM fa_pg_snapshots WHERE seq = ?', r.seq);
  for (const c of contents) dropContent(s, c.content_id);
}

/** Deletes a protection group and its source snapshots; replicated copies on targets stay. */
export function deleteProtectionGroup(s: Store, array: string, name: string): void {
  s.tx(() => {
    pgRow(s, array, name);
    for (const r of s.all<PgSnapshotRow>('SELECT * FROM fa_pg_snapshots WHERE array = ? AND pg_array = ? AND pg = ? AND replicated = 0', array, array, name)) {
      eradicatePgSnapshotRow(s, r);
    }
    s.run('DELETE FROM fa_pgroups WHERE array = ? AND name = ?', array, name);
  });
}
