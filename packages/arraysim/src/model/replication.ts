import { connectionRow, type ConnectionRow } from './arrays.js';
import { changedBytes } from './content.js';
import type { PgSnapshotRow } from './pg-rows.js';
import { insertPgSnapshot } from './pg-snapshots.js';
import type { TransferRecord } from './records.js';
import type { Store } from './store.js';

/**
 * Replicates a source PG snapshot to every allowed target the source is connected to. The copy
 * appears on the target at once as `<source>:<pg>.<suffix>` with progress 0; it shares the source
 * snapshot's blocks, so it keeps what it is sending even if the source snapshot is pruned. Caller
 * has progressed transfers to now, so the new transfer cannot start before it exists.
 */
export function queueReplication(s: Store, snap: PgSnapshotRow): string[] {
  const targets = s.all<{ target: string }>(
    'SELECT target FROM fa_pgroup_targets WHERE array = ? AND pg = ? AND allowed = 1 ORDER BY target',
    snap.array,
    snap.pg,
  );
  const members = s.all<{ volume: string; provisioned: number; content_id: number }>(
    'SELECT volume, provisioned, content_id FROM fa_pg_snapshot_volumes WHERE seq = ?',
    snap.seq,
  );
  const sent: string[] = [];
  for (const { target } of targets) {
    if (!connectionRow(s, snap.array, target)) continue;
    const name = `${snap.array}:${snap.name}`;
    insertPgSnapshot(
      s,
      { array: target, name, pg_array: snap.array, pg: snap.pg, suffix: snap.suffix, created: snap.created, replicated: true, retained: snap.retained === 1 },
      members,
    );
    sent.push(`${target}/${name}`);
  }
  return sent;
}

/** The target's newest fully transferred copy of this PG: the base a new transfer sends the difference from. */
function baseline(s: Store, t: PgSnapshotRow): number | null {
  const r = s.get<{ seq: number }>(
    'SELECT seq FROM fa_pg_snapshots WHERE array = ? AND pg_array = ? AND pg = ? AND replicated = 1 AND completed IS NOT NULL ORDER BY completed DESC, seq DESC LIMIT 1',
    t.array,
    t.pg_array,
    t.pg,
  );
  return r?.seq ?? null;
}

function transferBytes(s: Store, t: PgSnapshotRow): number {
  const base = baseline(s, t);
  const members = s.all<{ volume: string; content_id: number }>('SELECT volume, content_id FROM fa_pg_snapshot_volumes WHERE seq = ?', t.seq);
  let bytes = 0;
  for (const m of members) {
    const old =
      base === null
        ? undefined
        : s.get<{ content_id: number }>('SELECT content_id FROM fa_pg_snapshot_volumes WHERE seq = ? AND volume = ?', base, m.volume);
    bytes += changedBytes(s, m.content_id, old?.content_id ?? null);
  }
  return bytes;
}

const linkUp = (s: Store, c: ConnectionRow): boolean =>
  c.status === 'connected' &&
  (s.get<{ n: number }>('SELECT COUNT(*) AS n FROM fa_arrays WHERE name IN (?, ?) AND down = 0', c.a, c.b)?.n ?? 0) === 2;

/** Whether any copy is still transferring (or waiting to); by a partial index, so cheap enough for every read. */
export function transfersInFlight(s: Store): boolean {
  return s.get('SELECT 1 FROM fa_pg_snapshots WHERE replicated = 1 AND completed IS NULL LIMIT 1') !== undefined;
}

/**
 * Moves every transfer forward to now. Link and array state only change through calls that run
 * this first, so the state seen here held for the whole interval since the last run. Transfers of
 * one PG to one target run one after another, oldest first; each takes
 * (bytes changed since the target's last complete copy) / bandwidth + latency. With nothing in
 * flight there is nothing to move (a transfer queued later starts when it is queued), so nothing
 * is written.
 */
export function progressTransfers(s: Store): string[] {
  if (!transfersInFlight(s)) return [];
  const now = s.now();
  const completed: string[] = [];
  for (const c of s.all<ConnectionRow>('SELECT * FROM fa_connections')) {
    const from = Math.min(c.progressed_at, now);
    if (linkUp(s, c)) completed.push(...progressLink(s, c, from, now));
    s.run('UPDATE fa_connections SET progressed_at = ? WHERE a = ? AND b = ?', now, c.a, c.b);
  }
  return completed;
}

function progressLink(s: Store, c: ConnectionRow, from: number, to: number): string[] {
  const done: string[] = [];
  // Destroyed copies do not transfer, and a destroyed source group's transfers wait for its recovery.
  const queues = s.all<{ array: string; pg_array: string; pg: string }>(
    `SELECT DISTINCT array, pg_array, pg FROM fa_pg_snapshots t WHERE replicated = 1 AND completed IS NULL AND destroyed_at IS NULL
       AND ((array = ? AND pg_array = ?) OR (array = ? AND pg_array = ?))
       AND NOT EXISTS (SELECT 1 FROM fa_pgroups g WHERE g.array = t.pg_array AND g.name = t.pg AND g.destroyed_at IS NOT NULL)`,
    c.a, c.b, c.b, c.a,
  );
  for (const q of queues) {
    let cursor = from;
    for (;;) {
      const t = s.get<PgSnapshotRow>(
        'SELECT * FROM fa_pg_snapshots WHERE array = ? AND pg_array = ? AND pg = ? AND replicated = 1 AND completed IS NULL AND destroyed_at IS NULL ORDER BY seq LIMIT 1',
        q.array, q.pg_array, q.pg,
      );
      if (!t) break;
      let { started, bytes_total: bytes, duration_ms: duration, elapsed_ms: elapsed } = t;
      if (started === null || bytes === null || duration === null || elapsed === null) {
        started = Math.max(cursor, t.created);
        if (started > to) break;
        bytes = transferBytes(s, t);
        duration = Math.ceil((bytes / c.bandwidth) * 1000) + c.latency_ms;
        elapsed = 0;
        cursor = started;
      }
      const remaining = duration - elapsed;
      if (cursor + remaining <= to) {
        cursor += remaining;
        s.run(
          'UPDATE fa_pg_snapshots SET started = ?, bytes_total = ?, duration_ms = ?, elapsed_ms = ?, completed = ?, progress = 1, data_transferred = ? WHERE seq = ?',
          started, bytes, duration, duration, cursor, bytes, t.seq,
        );
        done.push(`${t.array}/${t.name}`);
        continue;
      }
      elapsed += to - cursor;
      const progress = duration === 0 ? 0 : elapsed / duration;
      s.run(
        'UPDATE fa_pg_snapshots SET started = ?, bytes_total = ?, duration_ms = ?, elapsed_ms = ?, progress = ?, data_transferred = ? WHERE seq = ?',
        started, bytes, duration, elapsed, progress, Math.floor(bytes * progress), t.seq,
      );
      break;
    }
  }
  return done;
}

/**
 * After a bandwidth change (transfers already progressed to now under the old one), in-flight
 * transfers on the link send their remaining bytes at the new rate.
 */
export function rescaleTransfers(s: Store, c: ConnectionRow, bandwidth: number): void {
  const inFlight = s.all<PgSnapshotRow>(
    `SELECT * FROM fa_pg_snapshots WHERE replicated = 1 AND completed IS NULL AND started IS NOT NULL
       AND ((array = ? AND pg_array = ?) OR (array = ? AND pg_array = ?))`,
    c.a, c.b, c.b, c.a,
  );
  for (const t of inFlight) {
    const { bytes_total: bytes, duration_ms: duration, elapsed_ms: elapsed } = t;
    if (bytes === null || duration === null || elapsed === null || duration === 0) continue;
    const left = bytes * (1 - elapsed / duration);
    s.run('UPDATE fa_pg_snapshots SET duration_ms = ? WHERE seq = ?', elapsed + Math.ceil((left / bandwidth) * 1000), t.seq);
  }
}

/** Transfers of one source snapshot (`<pg>.<suffix>` on `array`) to each target. */
export function listTransfers(s: Store, array: string, snapshot: string): TransferRecord[] {
  return s
    .all<PgSnapshotRow>('SELECT * FROM fa_pg_snapshots WHERE pg_array = ? AND name = ? AND replicated = 1 ORDER BY array', array, `${array}:${snapshot}`)
    .map((r) => ({
      name: snapshot,
      target: r.array,
      destroyed: r.destroyed_at !== null,
      progress: r.progress ?? 0,
      started: r.started,
      completed: r.completed,
      data_transferred: r.data_transferred ?? 0,
    }));
}
