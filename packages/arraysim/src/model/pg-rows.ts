import { dropContent } from './content.js';
import { notFound } from './errors.js';
import type { ProtectionGroupRecord } from './records.js';
import type { Store } from './store.js';

/*
 * The rows behind protection groups and their snapshots, and how a group row reads as a record;
 * shared by the group, snapshot, replica, retention and replication modules.
 */

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
  destroyed_at: number | null;
}

export interface PgSnapshotRow {
  seq: number;
  id: string;
  /** The array holding the snapshot: the source, or a target for a replicated copy. */
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
  destroyed_at: number | null;
  /** 1 when retention policies apply to it (schedules, apply_retention=true). */
  retained: number;
  /** for_replication snapshots are eradicated at this time. */
  eradicate_at: number | null;
}

export function pgRow(s: Store, array: string, name: string): PgRow {
  const r = s.get<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? AND name = ?', array, name);
  if (!r) throw notFound(`protection group '${name}' on array '${array}'`);
  return r;
}

export function pgSnapshotRow(s: Store, array: string, name: string): PgSnapshotRow {
  const r = s.get<PgSnapshotRow>('SELECT * FROM fa_pg_snapshots WHERE array = ? AND name = ?', array, name);
  if (!r) throw notFound(`protection group snapshot '${name}' on array '${array}'`);
  return r;
}

/**
 * When a snapshot was destroyed, or null if it is live: a source snapshot is destroyed with its
 * group too (and recovered with it), so the earlier of the two applies. Copies stand alone.
 */
export function snapshotDestroyedAt(s: Store, r: Pick<PgSnapshotRow, 'array' | 'pg' | 'replicated' | 'destroyed_at'>): number | null {
  if (r.replicated) return r.destroyed_at;
  const g = s.get<{ destroyed_at: number | null }>('SELECT destroyed_at FROM fa_pgroups WHERE array = ? AND name = ?', r.array, r.pg)?.destroyed_at ?? null;
  if (g === null || r.destroyed_at === null) return g ?? r.destroyed_at;
  return Math.min(g, r.destroyed_at);
}

/** The group's name as the array holding the snapshot knows it: `<source>:<pg>` on a target. */
export const snapshotGroupName = (r: Pick<PgSnapshotRow, 'replicated' | 'pg_array' | 'pg'>): string => (r.replicated ? `${r.pg_array}:${r.pg}` : r.pg);

export function eradicatePgSnapshotRow(s: Store, r: PgSnapshotRow): void {
  const contents = s.all<{ content_id: number }>('SELECT content_id FROM fa_pg_snapshot_volumes WHERE seq = ?', r.seq);
  s.run('DELETE FROM fa_pg_snapshot_volumes WHERE seq = ?', r.seq);
  s.run('DELETE FROM fa_pg_snapshots WHERE seq = ?', r.seq);
  for (const c of contents) dropContent(s, c.content_id);
}

/** A group row as the array shows it on the array that owns it. */
export function toPg(s: Store, r: PgRow): ProtectionGroupRecord {
  return {
    name: r.name,
    id: r.id,
    source: { name: r.array },
    is_local: true,
    created: r.created,
    destroyed: r.destroyed_at !== null,
    time_remaining: s.timeRemaining(r.destroyed_at),
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
