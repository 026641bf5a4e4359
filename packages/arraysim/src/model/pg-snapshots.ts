import { cloneContent } from './content.js';
import { alreadyExists, conflict, destroyed, mustDestroyFirst, notDestroyed } from './errors.js';
import { checkName } from './names.js';
import { eradicatePgSnapshotRow, pgRow, pgSnapshotRow, snapshotDestroyedAt, snapshotGroupName, type PgSnapshotRow } from './pg-rows.js';
import type { ProtectionGroupSnapshotRecord } from './records.js';
import { newId, serial, type Store } from './store.js';

/** for_replication snapshots are destroyed and eradicated an hour after they are taken, as on the array. */
export const FOR_REPLICATION_MS = 3600 * 1000;

export function toPgSnapshot(s: Store, r: PgSnapshotRow): ProtectionGroupSnapshotRecord {
  const gone = snapshotDestroyedAt(s, r);
  return {
    name: r.name,
    id: r.id,
    source: { name: snapshotGroupName(r) },
    suffix: r.suffix,
    created: r.created,
    destroyed: gone !== null,
    time_remaining: s.timeRemaining(gone),
    volumes: s.all<{ volume: string }>('SELECT volume FROM fa_pg_snapshot_volumes WHERE seq = ? ORDER BY volume', r.seq).map((v) => v.volume),
    progress: r.progress,
    started: r.started,
    completed: r.completed,
    data_transferred: r.data_transferred,
  };
}

/** `pg` filters by the group as named on this array (`<source>:<pg>` for copies). */
export function listPgSnapshots(s: Store, array: string, pg?: string): ProtectionGroupSnapshotRecord[] {
  const rows = s.all<PgSnapshotRow>('SELECT * FROM fa_pg_snapshots WHERE array = ? ORDER BY seq', array);
  return rows.filter((r) => pg === undefined || snapshotGroupName(r) === pg).map((r) => toPgSnapshot(s, r));
}

/** Where and what a new snapshot row is (the row's fields, with flags as booleans). */
export type SnapshotPlacement = Pick<PgSnapshotRow, 'array' | 'name' | 'pg_array' | 'pg' | 'suffix' | 'created'> & {
  replicated: boolean;
  retained: boolean;
  eradicate_at?: number | null;
};

/** Inserts a snapshot row and one content clone per member; all in the caller's transaction, so it is one instant. */
export function insertPgSnapshot(s: Store, at: SnapshotPlacement, members: { volume: string; provisioned: number; content_id: number }[]): PgSnapshotRow {
  if (s.get('SELECT 1 FROM fa_pg_snapshots WHERE array = ? AND name = ?', at.array, at.name)) {
    throw alreadyExists(`protection group snapshot '${at.name}' on array '${at.array}'`);
  }
  const seq = Number(
    s.db
      .prepare(
        `INSERT INTO fa_pg_snapshots (id, array, name, pg_array, pg, suffix, created, replicated, progress, data_transferred, retained, eradicate_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        newId(), at.array, at.name, at.pg_array, at.pg, at.suffix, at.created, at.replicated ? 1 : 0,
        at.replicated ? 0 : null, at.replicated ? 0 : null, at.retained ? 1 : 0, at.eradicate_at ?? null,
      ).lastInsertRowid,
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

export interface SnapshotOptions {
  suffix?: string;
  /** Whether retention policies prune it (default true, as for scheduled snapshots). */
  retained?: boolean;
  /** Destroyed and eradicated an hour after it is taken. */
  forReplication?: boolean;
}

/** Snapshots every live member volume of `pg` at this instant (`<pg>.<suffix>`), without replicating. */
export function snapshotPg(s: Store, array: string, pg: string, opts: SnapshotOptions = {}): PgSnapshotRow {
  const { suffix } = opts;
  if (suffix !== undefined) checkName('suffix', suffix);
  const g = pgRow(s, array, pg);
  if (g.destroyed_at !== null) throw destroyed(`protection group '${pg}' on array '${array}'`);
  const sfx = suffix ?? String(g.next_suffix);
  if (suffix === undefined) s.run('UPDATE fa_pgroups SET next_suffix = next_suffix + 1 WHERE array = ? AND name = ?', array, pg);
  const members = s.all<{ volume: string; provisioned: number; content_id: number }>(
    `SELECT v.name AS volume, v.provisioned, v.content_id FROM fa_pgroup_volumes m
       JOIN fa_volumes v ON v.array = m.array AND v.name = m.volume
     WHERE m.array = ? AND m.pg = ? AND v.destroyed_at IS NULL ORDER BY v.name`,
    array,
    pg,
  );
  const now = s.now();
  return insertPgSnapshot(
    s,
    {
      array, name: `${pg}.${sfx}`, pg_array: array, pg, suffix: sfx, created: now, replicated: false,
      retained: opts.retained ?? true, eradicate_at: opts.forReplication ? now + FOR_REPLICATION_MS : null,
    },
    members,
  );
}

/** Destroys a snapshot or a replicated copy: it waits out the eradication delay; a copy in transfer stops. */
export function destroyPgSnapshot(s: Store, array: string, name: string): ProtectionGroupSnapshotRecord {
  const r = pgSnapshotRow(s, array, name);
  if (snapshotDestroyedAt(s, r) !== null) throw destroyed(`protection group snapshot '${name}' on array '${array}'`);
  s.run('UPDATE fa_pg_snapshots SET destroyed_at = ? WHERE seq = ?', s.now(), r.seq);
  return toPgSnapshot(s, pgSnapshotRow(s, array, name));
}

export function recoverPgSnapshot(s: Store, array: string, name: string): ProtectionGroupSnapshotRecord {
  const r = pgSnapshotRow(s, array, name);
  if (!r.replicated && pgRow(s, array, r.pg).destroyed_at !== null) {
    throw conflict(`protection group '${r.pg}' on array '${array}' has been destroyed; recover the protection group to recover its snapshots`);
  }
  if (r.destroyed_at === null) throw notDestroyed(`protection group snapshot '${name}' on array '${array}'`);
  s.run('UPDATE fa_pg_snapshots SET destroyed_at = NULL WHERE seq = ?', r.seq);
  return toPgSnapshot(s, pgSnapshotRow(s, array, name));
}

/** Eradicates a destroyed snapshot, as the array does; `force` also takes a live one (model users' shortcut). */
export function eradicatePgSnapshot(s: Store, array: string, name: string, opts: { force?: boolean } = {}): void {
  const r = pgSnapshotRow(s, array, name);
  if (!opts.force && snapshotDestroyedAt(s, r) === null) throw mustDestroyFirst(`protection group snapshot '${name}' on array '${array}'`);
  eradicatePgSnapshotRow(s, r);
}

/** Eradicates snapshots whose pending-eradication period has run out, and for_replication ones that are due. */
export function eradicateExpiredPgSnapshots(s: Store, array: string): string[] {
  const now = s.now();
  const due = s.all<PgSnapshotRow>(
    'SELECT * FROM fa_pg_snapshots WHERE array = ? AND ((destroyed_at IS NOT NULL AND destroyed_at + ? <= ?) OR eradicate_at <= ?) ORDER BY seq',
    array, s.eradicationDelayMs, now, now,
  );
  for (const r of due) eradicatePgSnapshotRow(s, r);
  return due.map((r) => r.name);
}
