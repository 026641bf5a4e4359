import type { Db } from '../database.js';

/** Bumped when a table changes; older files are migrated step by step in `migrate`. */
export const SCHEMA_VERSION = 2;

// Every table carries the `fa_` prefix so the array model can share a file with a cloudsim site.
const V1 = `
CREATE TABLE IF NOT EXISTS fa_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fa_arrays (
  name TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, version TEXT NOT NULL, down INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS fa_connections (
  a TEXT NOT NULL REFERENCES fa_arrays(name), b TEXT NOT NULL REFERENCES fa_arrays(name),
  id TEXT NOT NULL, status TEXT NOT NULL, type TEXT NOT NULL,
  bandwidth INTEGER NOT NULL, latency_ms INTEGER NOT NULL, progressed_at INTEGER NOT NULL,
  PRIMARY KEY (a, b), CHECK (a < b));
CREATE TABLE IF NOT EXISTS fa_faults (
  array TEXT NOT NULL, call TEXT NOT NULL, remaining INTEGER NOT NULL, PRIMARY KEY (array, call));
CREATE TABLE IF NOT EXISTS fa_contents (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE IF NOT EXISTS fa_blocks (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fa_block_maps (
  content_id INTEGER NOT NULL REFERENCES fa_contents(id), idx INTEGER NOT NULL,
  block_id INTEGER NOT NULL REFERENCES fa_blocks(id), PRIMARY KEY (content_id, idx)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fa_block_maps_block ON fa_block_maps(block_id);
CREATE TABLE IF NOT EXISTS fa_volumes (
  array TEXT NOT NULL REFERENCES fa_arrays(name), name TEXT NOT NULL, id TEXT NOT NULL,
  serial TEXT NOT NULL, provisioned INTEGER NOT NULL, created INTEGER NOT NULL,
  destroyed_at INTEGER, source TEXT, content_id INTEGER NOT NULL REFERENCES fa_contents(id),
  next_suffix INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (array, name));
CREATE INDEX IF NOT EXISTS fa_volumes_id ON fa_volumes(id);
CREATE TABLE IF NOT EXISTS fa_volume_snapshots (
  array TEXT NOT NULL REFERENCES fa_arrays(name), name TEXT NOT NULL, id TEXT NOT NULL UNIQUE,
  serial TEXT NOT NULL, source TEXT NOT NULL, suffix TEXT NOT NULL, provisioned INTEGER NOT NULL,
  created INTEGER NOT NULL, destroyed_at INTEGER, content_id INTEGER NOT NULL REFERENCES fa_contents(id),
  PRIMARY KEY (array, name));
CREATE TABLE IF NOT EXISTS fa_pgroups (
  array TEXT NOT NULL REFERENCES fa_arrays(name), name TEXT NOT NULL, id TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL, next_suffix INTEGER NOT NULL DEFAULT 1,
  snap_enabled INTEGER NOT NULL, snap_frequency INTEGER NOT NULL, snap_last INTEGER NOT NULL,
  repl_enabled INTEGER NOT NULL, repl_frequency INTEGER NOT NULL, repl_last INTEGER NOT NULL,
  repl_blackout_start INTEGER, repl_blackout_end INTEGER,
  src_all_for INTEGER NOT NULL, src_per_day INTEGER NOT NULL, src_days INTEGER NOT NULL,
  tgt_all_for INTEGER NOT NULL, tgt_per_day INTEGER NOT NULL, tgt_days INTEGER NOT NULL,
  PRIMARY KEY (array, name));
CREATE TABLE IF NOT EXISTS fa_pgroup_volumes (
  array TEXT NOT NULL, pg TEXT NOT NULL, volume TEXT NOT NULL, PRIMARY KEY (array, pg, volume),
  FOREIGN KEY (array, pg) REFERENCES fa_pgroups(array, name) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS fa_pgroup_targets (
  array TEXT NOT NULL, pg TEXT NOT NULL, target TEXT NOT NULL, allowed INTEGER NOT NULL,
  PRIMARY KEY (array, pg, target),
  FOREIGN KEY (array, pg) REFERENCES fa_pgroups(array, name) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS fa_pg_snapshots (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  array TEXT NOT NULL, name TEXT NOT NULL, pg_array TEXT NOT NULL, pg TEXT NOT NULL, suffix TEXT NOT NULL,
  created INTEGER NOT NULL, replicated INTEGER NOT NULL,
  started INTEGER, completed INTEGER, progress REAL, data_transferred INTEGER,
  bytes_total INTEGER, duration_ms INTEGER, elapsed_ms INTEGER,
  UNIQUE (array, name));
-- Transfers not yet complete: few, and looked up on every read that shows transfer state.
CREATE INDEX IF NOT EXISTS fa_pg_snapshots_in_flight ON fa_pg_snapshots(array, pg_array, pg, seq) WHERE replicated = 1 AND completed IS NULL;
CREATE TABLE IF NOT EXISTS fa_pg_snapshot_volumes (
  seq INTEGER NOT NULL REFERENCES fa_pg_snapshots(seq) ON DELETE CASCADE, volume TEXT NOT NULL,
  array TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, serial TEXT NOT NULL,
  provisioned INTEGER NOT NULL, content_id INTEGER NOT NULL REFERENCES fa_contents(id),
  PRIMARY KEY (seq, volume), UNIQUE (array, name));
CREATE TABLE IF NOT EXISTS fa_api_tokens (
  token TEXT PRIMARY KEY, array TEXT NOT NULL REFERENCES fa_arrays(name), user TEXT NOT NULL, created INTEGER NOT NULL);
-- A pod is one object even when stretched: fa_pod_arrays holds its state on each array.
CREATE TABLE IF NOT EXISTS fa_pods (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, source_array TEXT NOT NULL, created INTEGER NOT NULL,
  destroyed_at INTEGER, failover_preferences TEXT NOT NULL DEFAULT '[]',
  promotion TEXT NOT NULL DEFAULT 'promoted');
CREATE TABLE IF NOT EXISTS fa_pod_arrays (
  pod_id TEXT NOT NULL REFERENCES fa_pods(id) ON DELETE CASCADE, array TEXT NOT NULL REFERENCES fa_arrays(name),
  array_id TEXT NOT NULL, synced INTEGER NOT NULL, frozen_at INTEGER, resync_started INTEGER, resync_until INTEGER,
  PRIMARY KEY (pod_id, array));
CREATE TABLE IF NOT EXISTS fa_pod_links (
  id TEXT PRIMARY KEY, a_pod TEXT NOT NULL REFERENCES fa_pods(id), b_pod TEXT NOT NULL REFERENCES fa_pods(id),
  paused INTEGER NOT NULL DEFAULT 0, recovery_point INTEGER,
  -- set when the source pod changed since the target last received it
  dirty INTEGER NOT NULL DEFAULT 1, UNIQUE (a_pod, b_pod));
`;

/**
 * Version 2: protection groups and their snapshots are destroyed pending eradication; a snapshot
 * records whether retention applies to it (`retained`) and when a for_replication snapshot goes.
 */
const V2 = `
ALTER TABLE fa_pgroups ADD COLUMN destroyed_at INTEGER;
ALTER TABLE fa_pg_snapshots ADD COLUMN destroyed_at INTEGER;
ALTER TABLE fa_pg_snapshots ADD COLUMN retained INTEGER NOT NULL DEFAULT 1;
ALTER TABLE fa_pg_snapshots ADD COLUMN eradicate_at INTEGER;
`;

const STEPS: Record<number, string> = { 2: V2 };

export function migrate(db: Db): void {
  db.transaction(() => {
    db.exec(V1);
    const row = db.prepare(`SELECT value FROM fa_meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    // A file without a version row was just created by V1 above.
    const from = row ? Number(row.value) : 1;
    if (from > SCHEMA_VERSION) throw new Error(`array schema version ${from} is newer than this code (${SCHEMA_VERSION})`);
    for (let v = from + 1; v <= SCHEMA_VERSION; v++) db.exec(STEPS[v] ?? '');
    db.prepare(`INSERT OR REPLACE INTO fa_meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
  }).immediate();
}
