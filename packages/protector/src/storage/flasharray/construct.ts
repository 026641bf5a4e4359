import type {
  GroupVolume,
  PendingRecoveryPoint,
  RecoveryPoint,
  ReplicationGroupHandle,
  ReplicationSchedulePolicy,
  ReplicationStatus,
  TransferProgress,
} from '../types.js';
import type { StorageError } from '../errors.js';
import type { LinkReport } from './pair.js';

/** One PG's part of a status read: its handle, and its status so far with the link the driver asked. */
export interface StatusRead {
  h: ReplicationGroupHandle;
  base: ReplicationStatus;
  link: LinkReport;
}

/**
 * What the driver does with a PG's array construct, once per replication type: a protection
 * group replicating to a target (async, `protection-group.ts`) or a pod stretched over both
 * arrays (sync, `pod.ts`). The driver checks handles and picks the construct; these do the work.
 */
export interface Construct {
  create(h: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void>;
  updateSchedule(h: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void>;
  delete(h: ReplicationGroupHandle, removeMembers: boolean): Promise<void>;
  addVolumes(h: ReplicationGroupHandle, volumes: string[]): Promise<GroupVolume[]>;
  removeVolumes(h: ReplicationGroupHandle, volumes: string[]): Promise<GroupVolume[]>;
  snapshotNow(h: ReplicationGroupHandle, opts: { replicate: boolean; suffix?: string }): Promise<PendingRecoveryPoint>;
  listRecoveryPoints(h: ReplicationGroupHandle): Promise<RecoveryPoint[]>;
  /**
   * Lag, newest point and transfers of each read, given its link (which the driver has already
   * asked), in a few array calls for all of them rather than some per PG. A read whose construct
   * could not be read is its error; the others are still answered.
   */
  statuses(reads: StatusRead[]): Promise<(ReplicationStatus | StorageError)[]>;
  /** The recovery point's name as the target names it. */
  recoveryPointName(h: ReplicationGroupHandle, name: string): string;
  /** The recovery point when fully transferred, else its progress. */
  poll(h: ReplicationGroupHandle, name: string): Promise<RecoveryPoint | TransferProgress>;
  /**
   * Resolves each requested source-side volume to what the target copies it from, raising
   * 'conflict' for a point not yet transferred and 'not_found' for a volume not in it.
   */
  restoreSources(h: ReplicationGroupHandle, recoveryPoint: string, volumes: string[], ctx: string): Promise<string[]>;
  promote(h: ReplicationGroupHandle): Promise<void>;
  demote(h: ReplicationGroupHandle): Promise<void>;
  /** `reversed` is `h` with source and target swapped. */
  reverse(h: ReplicationGroupHandle, reversed: ReplicationGroupHandle, volumes: string[], policy: ReplicationSchedulePolicy): Promise<void>;
  resume(h: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void>;
}
