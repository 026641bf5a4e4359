import { eradicatePgSnapshotRow, type PgRow, type PgSnapshotRow } from './pg-rows.js';
import type { Retention } from './records.js';
import type { Store } from './store.js';

const DAY_MS = 86400 * 1000;

/**
 * Which snapshots a retention policy drops. Every one younger than all_for is kept. Older ones are
 * thinned to one per slot of (1 day / per_day), slots fixed on the epoch, keeping the first taken
 * in each: a snapshot kept once stays kept as it ages, until it is older than all_for + days.
 */
export function expired<T extends { created: number }>(snaps: T[], r: Retention, now: number): T[] {
  const allFor = r.all_for_sec * 1000;
  const slot = r.per_day > 0 ? DAY_MS / r.per_day : 0;
  const kept = new Set<number>();
  const drop: T[] = [];
  for (const snap of [...snaps].sort((x, y) => x.created - y.created)) {
    const age = now - snap.created;
    if (age < allFor) continue;
    const s = slot ? Math.floor(snap.created / slot) : -1;
    if (slot && age < allFor + r.days * DAY_MS && !kept.has(s)) kept.add(s);
    else drop.push(snap);
  }
  return drop;
}

/**
 * Applies source retention to `array`'s own PG snapshots and target retention to copies it holds.
 * Only snapshots retention applies to (scheduled ones, apply_retention) and that are not destroyed
 * count; a destroyed group's snapshots wait for the group's eradication instead.
 */
export function applyRetention(s: Store, array: string): string[] {
  const now = s.now();
  const gone: string[] = [];
  for (const g of s.all<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? AND destroyed_at IS NULL', array)) {
    const own = s.all<PgSnapshotRow>(
      'SELECT * FROM fa_pg_snapshots WHERE array = ? AND pg_array = ? AND pg = ? AND replicated = 0 AND retained = 1 AND destroyed_at IS NULL',
      array, array, g.name,
    );
    for (const r of expired(own, { all_for_sec: g.src_all_for, per_day: g.src_per_day, days: g.src_days }, now)) {
      eradicatePgSnapshotRow(s, r);
      gone.push(`${array}/${r.name}`);
    }
  }
  const groups = s.all<{ pg_array: string; pg: string }>('SELECT DISTINCT pg_array, pg FROM fa_pg_snapshots WHERE array = ? AND replicated = 1', array);
  for (const q of groups) {
    // A copy's retention is set by its source protection group; without one, copies are left alone.
    const g = s.get<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? AND name = ?', q.pg_array, q.pg);
    if (!g) continue;
    const copies = s.all<PgSnapshotRow>(
      'SELECT * FROM fa_pg_snapshots WHERE array = ? AND pg_array = ? AND pg = ? AND replicated = 1 AND completed IS NOT NULL AND retained = 1 AND destroyed_at IS NULL',
      array, q.pg_array, q.pg,
    );
    for (const r of expired(copies, { all_for_sec: g.tgt_all_for, per_day: g.tgt_per_day, days: g.tgt_days }, now)) {
      eradicatePgSnapshotRow(s, r);
      gone.push(`${array}/${r.name}`);
    }
  }
  return gone;
}
