/**
 * Types at the storage-driver boundary. Nothing here refers to a driver's array model or REST
 * schema: the engine and the database see only these shapes, whichever driver is configured.
 * Times are milliseconds since the epoch (the driver's clock); sizes are bytes.
 */

/** Which of the two arrays a driver is configured with: this site's or the other site's. */
export type Side = 'local' | 'peer';

export type ReplicationType = 'async' | 'sync';

/**
 * How long snapshots are kept, as FlashArray retention: every snapshot younger than
 * `keepAllForSeconds`, then `perDay` a day for `days` days; older ones are eradicated.
 */
export interface RetentionPolicy {
  keepAllForSeconds: number;
  perDay: number;
  days: number;
}

/** The part of a PG's replication policy the array enforces. */
export interface ReplicationSchedulePolicy {
  /** Async: seconds between replicated snapshots (at least 1). Ignored by sync groups. */
  intervalSeconds: number;
  /** Retention of the recovery points (the replicated copies on the target array). */
  retention: RetentionPolicy;
  /** Retention of the source array's own snapshots; defaults to `retention`. */
  sourceRetention?: RetentionPolicy;
}

/** What the engine asks for when a PG is created. */
export interface ReplicationGroupSpec extends ReplicationSchedulePolicy {
  /** The Protector PG id; the array construct's name is derived from it, so retries find it. */
  id: string;
  /** The PG's display name (for messages; arrays have no description field). */
  name: string;
  replicationType: ReplicationType;
}

/**
 * What the database stores for a PG's array construct. Arrays are named, not given as
 * local/peer, because the handle is part of the PG metadata document both sites hold: "local"
 * means a different array on each site, "source" does not. Source and target describe the
 * current replication direction and swap when replication is reversed.
 */
export interface ReplicationGroupHandle {
  type: ReplicationType;
  /** The protection group (async) or pod (sync); the same name on both arrays. */
  name: string;
  /** The array the group's volumes are served and replicated from now. */
  sourceArray: string;
  /** The array the recovery points land on (async) or the second copy of the pod (sync). */
  targetArray: string;
}

/** A volume on one array. */
export interface ArrayVolumeRef {
  array: string;
  name: string;
  /** Provisioned size in bytes. */
  size: number;
}

/** A volume as the construct names it: sync moves volumes into the pod, which renames them. */
export interface GroupVolume {
  /** The name the caller gave. */
  requested: string;
  /** The name on the array now (async: unchanged; sync: `<pod>::<volume>` while a member). */
  name: string;
}

/**
 * A point the PG can be recovered to on the target array: a replicated, fully transferred
 * snapshot (async), or "now" (sync: every acknowledged write is already on both arrays).
 */
export interface RecoveryPoint {
  /** As named on the array holding it: `<source array>:<group>.<suffix>` (async) or `now` (sync). */
  name: string;
  kind: 'snapshot' | 'now';
  /** The array that holds it (the replication target). */
  array: string;
  sourceArray: string;
  /** The instant the data is from. */
  createdAt: number;
  /** When the transfer completed (sync: now). */
  completedAt: number;
  /** The source-side array volume names it holds. */
  volumes: string[];
}

/** A snapshot just taken; a recovery point once (and if) its transfer completes. */
export interface PendingRecoveryPoint {
  /** The recovery point's name once transferred (as `RecoveryPoint.name`); null when not replicated. */
  name: string | null;
  /** The snapshot as named on the source array (`<group>.<suffix>`; sync: `now`). */
  snapshot: string;
  sourceArray: string;
  targetArray: string;
  createdAt: number;
  replicating: boolean;
}

/** One transfer (async) or resync (sync) in flight. */
export interface TransferProgress {
  recoveryPoint: string;
  /** 0..1. */
  progress: number;
  startedAt: number | null;
  bytesTransferred: number;
}

export type LinkState = 'connected' | 'down';

export interface ReplicationStatus {
  type: ReplicationType;
  sourceArray: string;
  targetArray: string;
  /** Connected only when both arrays answer and the replication link between them is up. */
  link: LinkState;
  sourceReachable: boolean;
  targetReachable: boolean;
  /**
   * Age of the newest data the target can recover to: now minus the newest fully transferred
   * recovery point's creation (async) or 0 while the pod copy is in sync, else since it froze
   * (sync). Null when there is none yet or the target cannot be asked.
   */
  lagMs: number | null;
  /** When the newest recovery point finished transferring (sync: now while in sync). */
  lastTransferAt: number | null;
  newestRecoveryPoint: string | null;
  inFlight: TransferProgress[];
  /** One line for operators: why the link is down, what is waiting. */
  detail: string;
}

/** One array as site validation sees it. */
export interface ArrayReport {
  side: Side;
  array: string;
  reachable: boolean;
  /** Purity version when reachable. */
  version: string | null;
  /** The replication link to the other configured array, from this array's point of view. */
  link: { remote: string; state: LinkState | 'not_connected'; type: 'async' | 'sync' | null };
  /** Why it is not usable, when it is not. */
  error: string | null;
}

export interface ConnectionReport {
  /** Both arrays reachable and linked. */
  ok: boolean;
  arrays: ArrayReport[];
}

/** A restore request: a source-side volume in the recovery point and the new volume to create. */
export interface RestoreMapping {
  source: string;
  target: string;
}

export interface RestoredVolume extends ArrayVolumeRef {
  /** The source-side volume it was restored from. */
  source: string;
}

/** A minimal clock, so a driver can run on simulated time. */
export interface StorageClock {
  now(): number;
}
