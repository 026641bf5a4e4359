import { StorageError } from '../errors.js';
import type { ReplicationSchedulePolicy, RetentionPolicy } from '../types.js';
import type { ProtectionGroup, ProtectionGroupSettings, Retention } from './port.js';

/**
 * FlashArray object names: letters, digits and '-', starting with a letter or digit, at most 63
 * characters. Checked before any call, so a bad name fails with our message, not the array's.
 */
export const ARRAY_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
/** Snapshot suffixes follow the same rules. */
export const SUFFIX = ARRAY_NAME;
/** Volumes in a pod are named `<pod>::<volume>`. */
export const POD_SEP = '::';
/** The only recovery point of a sync group: every acknowledged write is on both arrays. */
export const NOW = 'now';

export const baseName = (name: string): string => {
  const i = name.indexOf(POD_SEP);
  return i < 0 ? name : name.slice(i + POD_SEP.length);
};

export const inPod = (pod: string, volume: string): string => `${pod}${POD_SEP}${baseName(volume)}`;

/** How the target array names the source's group (and, with `.suffix`, its snapshots). */
export const replicaName = (source: string, group: string): string => `${source}:${group}`;

const retention = (r: RetentionPolicy): Retention => ({ all_for_sec: r.keepAllForSeconds, per_day: r.perDay, days: r.days });

/** The protection-group settings a PG's policy asks for, with replication enabled or not. */
export function groupSettings(policy: ReplicationSchedulePolicy, replicationEnabled: boolean): Required<ProtectionGroupSettings> {
  if (!Number.isInteger(policy.intervalSeconds) || policy.intervalSeconds < 1) {
    throw new StorageError('invalid', `replication interval must be a whole number of seconds, at least 1 (got ${policy.intervalSeconds})`);
  }
  return {
    // Only replicated snapshots are recovery points, so the local-only schedule stays off.
    snapshot_schedule: { enabled: false },
    replication_schedule: { enabled: replicationEnabled, frequency: policy.intervalSeconds * 1000 },
    target_retention: retention(policy.retention),
    source_retention: retention(policy.sourceRetention ?? policy.retention),
  };
}

/** Which of the wanted frequency and retention settings the group does not have (empty when it matches). */
export function settingsDiff(pg: ProtectionGroup, want: Required<ProtectionGroupSettings>): string[] {
  const diff: string[] = [];
  if (pg.replication_schedule.frequency !== want.replication_schedule.frequency) diff.push(`replication every ${pg.replication_schedule.frequency / 1000} s`);
  for (const key of ['source_retention', 'target_retention'] as const) {
    const have = pg[key];
    const w = want[key];
    if (have.all_for_sec !== w.all_for_sec || have.per_day !== w.per_day || have.days !== w.days) {
      diff.push(`${key} ${have.all_for_sec}s/${have.per_day} per day/${have.days} days`);
    }
  }
  return diff;
}

/** Schedules off: the group takes and sends no more snapshots. */
export const STOPPED: ProtectionGroupSettings = { replication_schedule: { enabled: false }, snapshot_schedule: { enabled: false } };

export const isStopped = (pg: ProtectionGroup): boolean => !pg.replication_schedule.enabled && !pg.snapshot_schedule.enabled;
