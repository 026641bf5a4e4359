import { cloneContent, dropContent, readContent, replaceContent } from './content.js';
import { alreadyExists, conflict, destroyed, invalid, mustDestroyFirst, notDestroyed, notFound } from './errors.js';
import { checkInt, checkName, checkVolumeName } from './names.js';
import { snapshotDestroyedAt } from './pg-rows.js';
import type { VolumeRecord, VolumeSnapshotRecord } from './records.js';
import { newId, serial, type Store } from './store.js';
import { blockFields, getVolume, insertVolume, liveVolume } from './volumes.js';

interface SnapshotRow {
  array: string;
  name: string;
  id: string;
  serial: string;
  source: string;
  suffix: string;
  provisioned: number;
  created: number;
  destroyed_at: number | null;
  content_id: number;
}

const toSnapshot = (s: Store, r: SnapshotRow): VolumeSnapshotRecord => ({ ...blockFields(s, r), source: { name: r.source }, suffix: r.suffix });

function snapshotRow(s: Store, array: string, name: string): SnapshotRow {
  const r = s.get<SnapshotRow>('SELECT * FROM fa_volume_snapshots WHERE array = ? AND name = ?', array, name);
  if (!r) throw notFound(`volume snapshot '${name}' on array '${array}'`);
  return r;
}

/** Takes `<volume>.<suffix>`; the snapshot shares the volume's blocks, so nothing is copied. */
export function createVolumeSnapshot(s: Store, array: string, volume: string, suffix?: string): VolumeSnapshotRecord {
  if (suffix !== undefined) checkName('suffix', suffix);
  return s.tx(() => {
    const v = liveVolume(s, array, volume);
    const sfx = suffix ?? String(v.next_suffix);
    if (suffix === undefined) s.run('UPDATE fa_volumes SET next_suffix = next_suffix + 1 WHERE array = ? AND name = ?', array, volume);
    const name = `${volume}.${sfx}`;
    if (s.get('SELECT 1 FROM fa_volume_snapshots WHERE array = ? AND name = ?', array, name)) throw alreadyExists(`volume snapshot '${name}' on array '${array}'`);
    s.run(
      `INSERT INTO fa_volume_snapshots (array, name, id, serial, source, suffix, provisioned, created, content_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      array, name, newId(), serial(), volume, sfx, v.provisioned, s.now(), cloneContent(s, v.content_id),
    );
    return toSnapshot(s, snapshotRow(s, array, name));
  });
}

/** One volume of a PG snapshot, with what its snapshot's state needs (the array holding it, its group). */
interface PgVolumeRow {
  name: string;
  id: string;
  serial: string;
  volume: string;
  provisioned: number;
  content_id: number;
  suffix: string;
  created: number;
  replicated: number;
  completed: number | null;
  array: string;
  pg: string;
  snap_destroyed_at: number | null;
}

const PG_VOLUME_SQL = `SELECT v.name, v.id, v.serial, v.volume, v.provisioned, v.content_id, p.suffix, p.created, p.replicated,
  p.completed, p.array, p.pg, p.destroyed_at AS snap_destroyed_at FROM fa_pg_snapshot_volumes v JOIN fa_pg_snapshots p ON p.seq = v.seq`;

/** A PG snapshot's volume is destroyed when its snapshot is. */
const pgVolumeDestroyedAt = (s: Store, r: PgVolumeRow): number | null => snapshotDestroyedAt(s, { ...r, destroyed_at: r.snap_destroyed_at });

const pgVolumeToSnapshot = (s: Store, r: PgVolumeRow): VolumeSnapshotRecord => ({
  ...blockFields(s, { ...r, destroyed_at: pgVolumeDestroyedAt(s, r) }),
  source: { name: r.volume },
  suffix: r.suffix,
});

/** Volume snapshots and, as FlashArray lists them, the volumes of protection-group snapshots. */
export function listVolumeSnapshots(s: Store, array: string): VolumeSnapshotRecord[] {
  const own = s.all<SnapshotRow>('SELECT * FROM fa_volume_snapshots WHERE array = ? ORDER BY name', array).map((r) => toSnapshot(s, r));
  const pg = s
    .all<PgVolumeRow>(`${PG_VOLUME_SQL} WHERE v.array = ? AND (p.replicated = 0 OR p.completed IS NOT NULL) ORDER BY v.name`, array)
    .map((r) => pgVolumeToSnapshot(s, r));
  return [...own, ...pg];
}

export const getVolumeSnapshot = (s: Store, array: string, name: string): VolumeSnapshotRecord => toSnapshot(s, snapshotRow(s, array, name));

export function destroyVolumeSnapshot(s: Store, array: string, name: string): VolumeSnapshotRecord {
  return s.tx(() => {
    const r = snapshotRow(s, array, name);
    if (r.destroyed_at !== null) throw destroyed(`volume snapshot '${name}' on array '${array}'`);
    s.run('UPDATE fa_volume_snapshots SET destroyed_at = ? WHERE array = ? AND name = ?', s.now(), array, name);
    return toSnapshot(s, snapshotRow(s, array, name));
  });
}

export function recoverVolumeSnapshot(s: Store, array: string, name: string): VolumeSnapshotRecord {
  return s.tx(() => {
    const r = snapshotRow(s, array, name);
    if (r.destroyed_at === null) throw notDestroyed(`volume snapshot '${name}' on array '${array}'`);
    s.run('UPDATE fa_volume_snapshots SET destroyed_at = NULL WHERE array = ? AND name = ?', array, name);
    return toSnapshot(s, snapshotRow(s, array, name));
  });
}

export function eradicateVolumeSnapshot(s: Store, array: string, name: string): void {
  s.tx(() => {
    const r = snapshotRow(s, array, name);
    if (r.destroyed_at === null) throw mustDestroyFirst(`volume snapshot '${name}' on array '${array}'`);
    s.run('DELETE FROM fa_volume_snapshots WHERE array = ? AND name = ?', array, name);
    dropContent(s, r.content_id);
  });
}

interface Source {
  content_id: number;
  provisioned: number;
}

/**
 * Finds what a copy or read names: a volume, a volume snapshot `<vol>.<sfx>`, or a volume of a
 * protection-group snapshot `<pg>.<sfx>.<vol>` (on a target `<array>:<pg>.<sfx>.<vol>`, only once
 * its transfer has completed).
 */
export function resolveSource(s: Store, array: string, name: string): Source {
  if (!name.includes('.')) {
    const v = liveVolume(s, array, name);
    return v;
  }
  const snap = s.get<SnapshotRow>('SELECT * FROM fa_volume_snapshots WHERE array = ? AND name = ?', array, name);
  if (snap) {
    if (snap.destroyed_at !== null) throw destroyed(`volume snapshot '${name}' on array '${array}'`);
    return snap;
  }
  const pg = s.get<PgVolumeRow>(`${PG_VOLUME_SQL} WHERE v.array = ? AND v.name = ?`, array, name);
  if (!pg) throw notFound(`snapshot '${name}' on array '${array}'`);
  if (pgVolumeDestroyedAt(s, pg) !== null) throw destroyed(`snapshot '${name}' on array '${array}'`);
  if (pg.replicated && pg.completed === null) throw conflict(`snapshot '${name}' on array '${array}' has not finished transferring`);
  return pg;
}

export function readSnapshot(s: Store, array: string, name: string, offset: number, length: number): Buffer {
  checkInt('offset', offset, 0);
  checkInt('length', length, 0);
  const src = resolveSource(s, array, name);
  if (offset + length > src.provisioned) throw invalid('offset', `${offset}+${length} bytes runs past the end of '${name}' (${src.provisioned} bytes)`);
  return readContent(s, src.content_id, offset, length);
}

/**
 * Copies a volume or snapshot to `dest`. Without `overwrite` the destination must not exist; with
 * it an existing volume takes the source's content and size (its serial and id stay).
 */
export function copyVolume(s: Store, array: string, source: string, dest: string, opts: { overwrite?: boolean } = {}): VolumeRecord {
  checkVolumeName('name', dest);
  return s.tx(() => {
    const src = resolveSource(s, array, source);
    const existing = s.get('SELECT 1 FROM fa_volumes WHERE array = ? AND name = ?', array, dest);
    if (existing) {
      if (!opts.overwrite) throw conflict(`volume '${dest}' on array '${array}' already exists (copy with overwrite to replace it)`);
      const v = liveVolume(s, array, dest);
      if (v.content_id !== src.content_id) replaceContent(s, v.content_id, src.content_id);
      s.run('UPDATE fa_volumes SET provisioned = ?, source = ? WHERE array = ? AND name = ?', src.provisioned, source, array, dest);
    } else {
      insertVolume(s, array, dest, src.provisioned, cloneContent(s, src.content_id), source);
    }
    return getVolume(s, array, dest);
  });
}

/** Eradicates volume snapshots whose pending-eradication period has run out. */
export function eradicateExpiredVolumeSnapshots(s: Store, array: string): string[] {
  const due = s.expiredNames('fa_volume_snapshots', array);
  for (const name of due) eradicateVolumeSnapshot(s, array, name);
  return due;
}
