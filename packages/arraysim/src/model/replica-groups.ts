import { createHash } from 'node:crypto';
import { conflict } from './errors.js';
import { toPg, type PgRow } from './pg-rows.js';
import type { ProtectionGroupRecord } from './records.js';
import type { Store } from './store.js';

/*
 * Replica protection groups. Once a source group lists an array as a target, that array shows the
 * group as `<source-array>:<pg>`: not local, the source's schedules and retention, no targets of
 * its own. Cinder's Pure driver waits for it to appear before allowing the target, and the target's
 * consent (`allowed`) is given on it. It stays while the target holds replicated snapshots of the
 * group, even after the source dropped the target or the group. It is not stored: it is a view
 * over the source's target list and the copies the target holds.
 */

/** `<source>:<pg>` split, or null for a local name. */
export function splitReplicaName(name: string): { source: string; pg: string } | null {
  const i = name.indexOf(':');
  return i <= 0 ? null : { source: name.slice(0, i), pg: name.slice(i + 1) };
}

/** A stable id per target and group, so it reads the same on every listing (UUID-shaped, as Purity's). */
function replicaId(target: string, source: string, pg: string, sourceId: string): string {
  const h = createHash('sha256').update(`${target}\0${source}\0${pg}\0${sourceId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function replicaRecord(s: Store, target: string, source: string, pg: string): ProtectionGroupRecord {
  const src = s.get<PgRow>('SELECT * FROM fa_pgroups WHERE array = ? AND name = ?', source, pg);
  const base = src ? toPg(s, src) : null;
  const off = { enabled: false, frequency: 0 };
  const none = { all_for_sec: 0, per_day: 0, days: 0 };
  return {
    name: `${source}:${pg}`,
    id: replicaId(target, source, pg, src?.id ?? ''),
    source: { name: source },
    is_local: false,
    created: base?.created ?? 0,
    destroyed: false,
    time_remaining: null,
    snapshot_schedule: base?.snapshot_schedule ?? off,
    replication_schedule: base?.replication_schedule ?? { ...off, blackout: null },
    source_retention: base?.source_retention ?? none,
    target_retention: base?.target_retention ?? none,
    volumes: [],
    targets: [],
  };
}

/** Groups of other arrays that `array` is a target of, or holds replicated snapshots of. */
function replicaKeys(s: Store, array: string, only?: { source: string; pg: string }): { source: string; pg: string }[] {
  const rows = s.all<{ source: string; pg: string }>(
    `SELECT array AS source, pg FROM fa_pgroup_targets WHERE target = @array
     UNION SELECT pg_array AS source, pg FROM fa_pg_snapshots WHERE array = @array AND replicated = 1
     ORDER BY source, pg`,
    { array },
  );
  return only ? rows.filter((r) => r.source === only.source && r.pg === only.pg) : rows;
}

export const listReplicaGroups = (s: Store, array: string): ProtectionGroupRecord[] =>
  replicaKeys(s, array).map((k) => replicaRecord(s, array, k.source, k.pg));

/** The replica group `<source>:<pg>` on `array`, or null when there is none. */
export function findReplicaGroup(s: Store, array: string, name: string): ProtectionGroupRecord | null {
  const key = splitReplicaName(name);
  if (!key) return null;
  return replicaKeys(s, array, key).length > 0 ? replicaRecord(s, array, key.source, key.pg) : null;
}

/** Refuses a change made through the target to a replica group (only its `allowed` flag can be set there). */
export function refuseReplicaChange(s: Store, array: string, name: string): void {
  const key = splitReplicaName(name);
  if (key && findReplicaGroup(s, array, name)) {
    throw conflict(`protection group '${name}' on array '${array}' is a replica of protection group '${key.pg}' on array '${key.source}'; it can only be changed on its source array`);
  }
}
