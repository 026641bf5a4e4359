import type { StorageError } from './errors.js';
import type {
  ConnectionReport,
  GroupVolume,
  PendingRecoveryPoint,
  RecoveryPoint,
  ReplicationGroupHandle,
  ReplicationGroupSpec,
  ReplicationSchedulePolicy,
  RestoreMapping,
  RestoredVolume,
  ReplicationStatus,
  Side,
  TransferProgress,
} from './types.js';

/**
 * The storage driver contract: everything the engine asks of the arrays behind a site pair, in
 * the manner of Cinder's volume driver base class. One implementation per array family
 * (`mock/`, later `pure/`).
 *
 * Which array a call is made on. A driver instance belongs to one site and is configured with
 * that site's array (local) and the other site's array (peer), because one operation on one
 * site drives both arrays (DESIGN §5: a failover run on the surviving site reads the recovery
 * points there and fences the old primary when it returns). Calls on a PG's construct are
 * addressed by the handle, whose arrays are named by role in the replication (source/target),
 * not by side: the handle is shared metadata and "local" flips between sites, while the driver
 * checks the handle's arrays are the two it is configured with. Calls on plain volumes outside
 * any construct (`deleteVolumes`) take a `side`.
 *
 * Rules every method follows:
 * - Idempotent: engine steps are retried after a crash at any point, so a method called again
 *   with the same arguments finishes what a previous call started and returns the same result;
 *   a method that removes something succeeds when it is already gone.
 * - Errors are `StorageError` (see errors.ts) with a code the engine acts on and a message that
 *   names the array and object, for operators. A call on an array that does not answer raises
 *   'unreachable'; nothing is left half-done that a retry cannot finish.
 * - Volume names are array volume names (Cinder's `volume-<id>-cinder`); a driver never talks
 *   to Cinder.
 */
export interface TransferWaitOptions {
  /**
   * Give up (StorageError 'unreachable') once the replication link or either array has been down
   * this long without a break, rather than waiting out the whole timeout for a transfer that
   * cannot progress. Undefined: only the timeout ends the wait.
   */
  deadLinkGraceMs?: number;
}

export interface StorageDriver {
  /** 'mock' or 'pure'. */
  readonly name: string;
  /** The array this site's Cinder uses. */
  readonly localArray: string;
  /** The other site's array. */
  readonly peerArray: string;

  /**
   * Site validation: asks both arrays whether they answer, their version, and the state of the
   * replication link between them. Never raises for an unreachable array: that is reported per
   * array (`reachable: false`, `error`). Read-only.
   */
  validateConnection(): Promise<ConnectionReport>;

  /**
   * Creates the PG's array construct with the local array as source and the peer as target:
   * async = a protection group on the local array holding the replication schedule and
   * retention, with the peer as an allowed target; sync = a pod stretched over both arrays
   * (the local array preferred on link loss). The name derives from `spec.id`, so a retry
   * finds what an earlier attempt created and completes it. Returns the handle to store.
   * Raises 'conflict' if a construct of that name exists with other settings, 'invalid' for
   * an id that cannot name an array object, 'unreachable' if either array does not answer.
   */
  createReplicationGroup(spec: ReplicationGroupSpec): Promise<ReplicationGroupHandle>;

  /**
   * Applies a new interval and retention to the source's protection group (sync: validates
   * only, a pod has no schedule). Setting what is already set is a no-op. Raises 'not_found'
   * if the construct is gone.
   */
  updateReplicationSchedule(handle: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void>;

  /**
   * Deletes the construct on both arrays, with the snapshots and replicated recovery points
   * that belong to it; volumes themselves are never deleted. A construct that still has member
   * volumes raises 'conflict' unless `removeMembers` (sync: they move out of the pod and get
   * their plain names back). Succeeds when already gone.
   */
  deleteReplicationGroup(handle: ReplicationGroupHandle, opts?: { removeMembers?: boolean }): Promise<void>;

  /**
   * Adds source-array volumes to the construct (async: protection-group members; sync: moved
   * into the pod, renamed `<pod>::<volume>`, and mirrored to the target). Returns each
   * volume's name in the construct, which the caller records. Volumes already members are
   * left as they are. Raises 'not_found' for a volume that does not exist on the source.
   */
  addVolumes(handle: ReplicationGroupHandle, volumes: string[]): Promise<GroupVolume[]>;

  /**
   * Takes volumes out of the construct (accepts plain or construct names). Non-members are
   * ignored. Sync: the pod is unstretched, the volumes moved out and the pod stretched again
   * (the array cannot move volumes out of a stretched pod), so it resyncs afterwards.
   * Returns each volume's name after removal.
   */
  removeVolumes(handle: ReplicationGroupHandle, volumes: string[]): Promise<GroupVolume[]>;

  /**
   * Snapshots every member at one instant on the source array and, with `replicate`, queues
   * it to the target; returns what will become a recovery point once transferred. `suffix` is
   * an idempotency key: if `<group>.<suffix>` exists it is returned instead of taking another.
   * Without it a retry takes a second snapshot, which is harmless. Sync: returns `now` (writes
   * are already on both arrays). Raises 'conflict' if replication to the target is disabled
   * (after promote or reversal), 'unreachable' if the source does not answer.
   */
  snapshotNow(handle: ReplicationGroupHandle, opts: { replicate: boolean; suffix?: string }): Promise<PendingRecoveryPoint>;

  /**
   * The recovery points on the target array (where the replicas land; with the handle's
   * direction that is the peer for the primary site and the local array for the surviving
   * site in an unplanned failover, so only the target needs to answer), newest first. Only
   * fully transferred snapshots are listed. Sync: `now` while the target's pod copy is in
   * sync, else none. Read-only; 'unreachable' if the target does not answer.
   */
  listRecoveryPoints(handle: ReplicationGroupHandle): Promise<RecoveryPoint[]>;

  /**
   * Link state, lag, last transfer and transfers in flight (see ReplicationStatus). Never
   * raises for an unreachable array: health checks must report it, so it shows as down.
   * Read-only.
   */
  replicationStatus(handle: ReplicationGroupHandle): Promise<ReplicationStatus>;

  /**
   * replicationStatus of many groups at once, in a few calls per array for all of them rather
   * than some per group (the engine's background refresh of every PG's recorded state): the same
   * answers, in the order of `handles`. A group that could not be read (its construct gone, a
   * handle of other arrays) is its StorageError, the others are still answered; an unreachable
   * array is not an error (it shows as down). Read-only.
   */
  replicationStatuses(handles: ReplicationGroupHandle[]): Promise<(ReplicationStatus | StorageError)[]>;

  /**
   * Polls (on the driver's clock) until the recovery point has fully transferred and returns
   * it; `onProgress` is called on each poll. Accepts the recovery point name or the source
   * snapshot name. Sync: waits until the target's pod copy is in sync. Raises 'not_found' if
   * the snapshot does not exist (e.g. pruned), and on timeout 'failed' (or 'unreachable' when
   * an array stopped answering) with progress and link state in the message.
   */
  waitForTransfer(
    handle: ReplicationGroupHandle,
    recoveryPoint: string,
    timeoutMs: number,
    onProgress?: (p: TransferProgress) => void,
    opts?: TransferWaitOptions,
  ): Promise<RecoveryPoint>;

  /**
   * On the target array, creates new volumes holding exactly the recovery point's content of
   * the given source-side volumes. Copies only: the replicated snapshots and the construct's
   * volumes are never changed, so a drill leaves production and replication as they were.
   * Without `overwrite` an existing target volume raises 'conflict' unless it is already a
   * copy of that very source (a retried call); with it, the target takes the content.
   * Raises 'conflict' for a recovery point still transferring, 'not_found' for a recovery
   * point or a volume not in it.
   */
  restoreVolumes(
    handle: ReplicationGroupHandle,
    recoveryPoint: string,
    volumes: RestoreMapping[],
    opts: { overwrite: boolean },
  ): Promise<RestoredVolume[]>;

  /**
   * Makes the target array the one the group runs from. Async: stops the source sending
   * further copies (when the source answers; in an unplanned failover it does not, and
   * reverseReplication fences it later) and checks the target answers. Sync: the target
   * becomes the pod's preferred array; raises 'conflict' if its copy is not in sync. Does not
   * change the handle's direction (reverseReplication does). Repeatable.
   */
  promote(handle: ReplicationGroupHandle): Promise<void>;

  /**
   * Stops the source array acting as primary. Async: disables the source group's schedules, so
   * it takes no more snapshots of volumes about to go stale; members and snapshots stay for
   * failback. Sync: the source stops being preferred (a stretched pod is never demoted).
   * Raises 'unreachable' when the source does not answer (unplanned failover skips this).
   */
  demote(handle: ReplicationGroupHandle): Promise<void>;

  /**
   * After failover: replication now runs from the old target to the old source. Async: the
   * old source's group is disabled and stops sending; on the new source a mirror protection
   * group (same name, the given volumes, settings from `policy`) replicates to the old source.
   * Sync: the pod stays stretched, the given volumes (the new source's) move into it and are
   * mirrored back, and the new source becomes preferred.
   * Needs both arrays. Returns the new handle (source/target swapped) to store. A retry after a
   * crash passes the same (old) handle and converges on the same state; passing the returned
   * handle reverses again (that is failback).
   */
  reverseReplication(
    handle: ReplicationGroupHandle,
    opts: { volumes: string[]; policy: ReplicationSchedulePolicy },
  ): Promise<ReplicationGroupHandle>;

  /**
   * Undoes demote, promote and a reversal that was not recorded (a planned failover rolled
   * back): the handle's source sends to its target again on the policy's schedule, and a
   * mirror group on the target (from reverseReplication) stops sending back. Sync: the source
   * is preferred again. Needs both arrays. Repeatable; a no-op when nothing had changed.
   */
  resumeReplication(handle: ReplicationGroupHandle, policy: ReplicationSchedulePolicy): Promise<void>;

  /**
   * Destroys volumes on one side (they stay recoverable for the array's eradication delay)
   * and, with `eradicate`, eradicates them. Names that do not exist are skipped. Never used
   * on construct members by the engine; the array itself refuses what it must.
   */
  deleteVolumes(side: Side, names: string[], opts: { eradicate: boolean }): Promise<void>;

  /** Releases connections. */
  close(): Promise<void>;
}
