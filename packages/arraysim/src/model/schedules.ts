import type { PgRow } from './pg-rows.js';
import { snapshotPg } from './pg-snapshots.js';
import { queueReplication } from './replication.js';
import type { Store } from './store.js';

const DAY_MS = 86400 * 1000;

function inBlackout(g: PgRow, now: number): boolean {
  if (g.repl_blackout_start === null || g.repl_blackout_end === null) return false;
  const t = now % DAY_MS;
  const { repl_blackout_start: a, repl_blackout_end: b } = g;
  return a <= b ? t >= a && t < b : t >= a || t < b; // a window may wrap past midnight
}

/**
 * Fires the due schedules of `array`'s protection groups: at most one snapshot per schedule per
 * call, as an array that was busy takes the next snapshot rather than catching up on missed ones.
 */
export function fireSchedules(s: Store, array: string): string[] {
  const now = s.now();
  const taken: string[] = [];
  for (const g of s.all<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? AND destroyed_at IS NULL ORDER BY name', array)) {
    if (g.repl_enabled && now - g.repl_last >= g.repl_frequency && !inBlackout(g, now)) {
      const snap = snapshotPg(s, array, g.name);
      queueReplication(s, snap);
      s.run('UPDATE fa_pgroups SET repl_last = ? WHERE array = ? AND name = ?', now, array, g.name);
      taken.push(`${array}/${snap.name}`);
    }
    if (g.snap_enabled && now - g.snap_last >= g.snap_frequency) {
      const snap = snapshotPg(s, array, g.name);
      s.run('UPDATE fa_pgroups SET snap_last = ? WHERE array = ? AND name = ?', now, array, g.name);
      taken.push(`${array}/${snap.name}`);
    }
  }
  return taken;
}
