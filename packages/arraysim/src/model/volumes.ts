import { BLOCK_SIZE, dropContent, newContent, readContent, truncateContent, writeContent } from './content.js';
import { alreadyExists, destroyed, invalid, mustDestroyFirst, notDestroyed, notFound } from './errors.js';
import { checkInt, checkSize, checkVolumeName, POD_SEP, podOf } from './names.js';
import type { BlockObject, VolumeRecord } from './records.js';
import { newId, serial, type Store } from './store.js';

export interface VolumeRow {
  array: string;
  name: string;
  id: string;
  serial: string;
  provisioned: number;
  created: number;
  destroyed_at: number | null;
  source: string | null;
  content_id: number;
  next_suffix: number;
}

/** The fields volumes and volume snapshots share (BlockObject), from a row of either. */
export const blockFields = (
  s: Store,
  r: { name: string; id: string; serial: string; provisioned: number; created: number; destroyed_at: number | null },
): BlockObject => ({
  name: r.name,
  id: r.id,
  serial: r.serial,
  provisioned: r.provisioned,
  created: r.created,
  destroyed: r.destroyed_at !== null,
  time_remaining: s.timeRemaining(r.destroyed_at),
});

function toVolume(s: Store, r: VolumeRow): VolumeRecord {
  const blocks = s.get<{ n: number }>('SELECT COUNT(*) AS n FROM fa_block_maps WHERE content_id = ?', r.content_id)?.n ?? 0;
  const pod = podOf(r.name);
  return {
    ...blockFields(s, r),
    source: r.source === null ? null : { name: r.source },
    pod: pod === null ? null : { name: pod },
    space: { total_physical: blocks * BLOCK_SIZE, unique: blocks * BLOCK_SIZE },
  };
}

export function volumeRow(s: Store, array: string, name: string): VolumeRow {
  const r = s.get<VolumeRow>('SELECT * FROM fa_volumes WHERE array = ? AND name = ?', array, name);
  if (!r) throw notFound(`volume '${name}' on array '${array}'`);
  return r;
}

/** A volume that is not destroyed; destroyed volumes keep their content but cannot be used. */
export function liveVolume(s: Store, array: string, name: string): VolumeRow {
  const r = volumeRow(s, array, name);
  if (r.destroyed_at !== null) throw destroyed(`volume '${name}' on array '${array}'`);
  return r;
}

/** Inserts a volume row over an existing content; used by create and by copy. */
export function insertVolume(s: Store, array: string, name: string, size: number, content: number, source: string | null): void {
  if (s.get('SELECT 1 FROM fa_volumes WHERE array = ? AND name = ?', array, name)) throw alreadyExists(`volume '${name}' on array '${array}'`);
  s.run(
    'INSERT INTO fa_volumes (array, name, id, serial, provisioned, created, source, content_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    array, name, newId(), serial(), size, s.now(), source, content,
  );
}

export function createVolume(s: Store, array: string, name: string, provisioned: number): VolumeRecord {
  checkVolumeName('name', name);
  checkSize('provisioned', provisioned);
  return s.tx(() => {
    insertVolume(s, array, name, provisioned, newContent(s), null);
    return getVolume(s, array, name);
  });
}

export const getVolume = (s: Store, array: string, name: string): VolumeRecord => toVolume(s, volumeRow(s, array, name));

/**
 * The volume named `name` on `array`, or else `<pod>::<name>` in one of the array's pods (a volume
 * moved into a pod keeps its name behind the pod's); live before destroyed, the plain name first.
 * One primary-key lookup per candidate name, the candidates being the array's pods. Null if none.
 */
export function findVolumeByBaseName(s: Store, array: string, name: string): VolumeRecord | null {
  const r = s.get<VolumeRow>(
    `SELECT * FROM fa_volumes WHERE array = @array AND name IN (
       SELECT @name UNION ALL
       SELECT p.name || '${POD_SEP}' || @name FROM fa_pods p JOIN fa_pod_arrays pa ON pa.pod_id = p.id WHERE pa.array = @array)
     ORDER BY destroyed_at IS NOT NULL, name <> @name LIMIT 1`,
    { array, name },
  );
  return r ? toVolume(s, r) : null;
}

export function listVolumes(s: Store, array: string, opts: { destroyed?: boolean } = {}): VolumeRecord[] {
  return s
    .all<VolumeRow>('SELECT * FROM fa_volumes WHERE array = ? ORDER BY name', array)
    .map((r) => toVolume(s, r))
    .filter((v) => opts.destroyed === undefined || v.destroyed === opts.destroyed);
}

function checkRange(r: VolumeRow, offset: number, length: number): void {
  checkInt('offset', offset, 0);
  if (offset + length > r.provisioned) {
    throw invalid('offset', `${offset}+${length} bytes runs past the end of volume '${r.name}' (${r.provisioned} bytes)`);
  }
}

export function writeVolume(s: Store, array: string, name: string, offset: number, data: Buffer): void {
  s.tx(() => {
    const r = liveVolume(s, array, name);
    checkRange(r, offset, data.length);
    writeContent(s, r.content_id, offset, data);
  });
}

export function readVolume(s: Store, array: string, name: string, offset: number, length: number): Buffer {
  checkInt('length', length, 0);
  const r = liveVolume(s, array, name);
  checkRange(r, offset, length);
  return readContent(s, r.content_id, offset, length);
}

export function resizeVolume(s: Store, array: string, name: string, provisioned: number): VolumeRecord {
  checkSize('provisioned', provisioned);
  return s.tx(() => {
    const r = liveVolume(s, array, name);
    if (provisioned < r.provisioned) truncateContent(s, r.content_id, provisioned);
    s.run('UPDATE fa_volumes SET provisioned = ? WHERE array = ? AND name = ?', provisioned, array, name);
    return getVolume(s, array, name);
  });
}

export function destroyVolume(s: Store, array: string, name: string): VolumeRecord {
  return s.tx(() => {
    liveVolume(s, array, name);
    s.run('UPDATE fa_volumes SET destroyed_at = ? WHERE array = ? AND name = ?', s.now(), array, name);
    return getVolume(s, array, name);
  });
}

export function recoverVolume(s: Store, array: string, name: string): VolumeRecord {
  return s.tx(() => {
    const r = volumeRow(s, array, name);
    if (r.destroyed_at === null) throw notDestroyed(`volume '${name}' on array '${array}'`);
    s.run('UPDATE fa_volumes SET destroyed_at = NULL WHERE array = ? AND name = ?', array, name);
    return getVolume(s, array, name);
  });
}

export function eradicateVolume(s: Store, array: string, name: string): void {
  s.tx(() => {
    const r = volumeRow(s, array, name);
    if (r.destroyed_at === null) throw mustDestroyFirst(`volume '${name}' on array '${array}'`);
    s.run('DELETE FROM fa_pgroup_volumes WHERE array = ? AND volume = ?', array, name);
    s.run('DELETE FROM fa_volumes WHERE array = ? AND name = ?', array, name);
    dropContent(s, r.content_id);
  });
}

/** Eradicates volumes whose pending-eradication period has run out. */
export function eradicateExpiredVolumes(s: Store, array: string): string[] {
  const due = s.expiredNames('fa_volumes', array);
  for (const name of due) eradicateVolume(s, array, name);
  return due;
}

/**
 * Renames a volume in place (it stays in its pod, if any); its snapshots and protection-group
 * memberships follow it, as on the array.
 */
export function renameVolume(s: Store, array: string, name: string, newName: string): VolumeRecord {
  checkVolumeName('name', newName);
  if (podOf(newName) !== podOf(name)) throw invalid('name', `renaming cannot move '${name}' into or out of a pod; move it with the pod field`);
  return s.tx(() => {
    volumeRow(s, array, name);
    moveVolumeRow(s, array, name, newName);
    return getVolume(s, array, newName);
  });
}

/** Renames the row and everything that refers to it by name; the caller has checked the new name. */
export function moveVolumeRow(s: Store, array: string, name: string, newName: string): void {
  if (name === newName) return;
  if (s.get('SELECT 1 FROM fa_volumes WHERE array = ? AND name = ?', array, newName)) throw alreadyExists(`volume '${newName}' on array '${array}'`);
  s.run('UPDATE fa_volumes SET name = ? WHERE array = ? AND name = ?', newName, array, name);
  s.run('UPDATE fa_pgroup_volumes SET volume = ? WHERE array = ? AND volume = ?', newName, array, name);
  s.run(
    "UPDATE fa_volume_snapshots SET source = ?, name = ? || '.' || suffix WHERE array = ? AND source = ?",
    newName, newName, array, name,
  );
}
