/**
 * Records returned by the array model. Field names follow the FlashArray REST 2.x models where one
 * exists (times are milliseconds since the epoch, as REST 2.x reports them).
 */
export interface Reference {
  name: string;
}

export interface ArrayRecord {
  name: string;
  id: string;
  version: string;
  os: 'Purity//FA';
}

/** REST 2.x reports a lost link as 'connecting' (the array keeps trying). */
export type ConnectionStatus = 'connected' | 'connecting';
export type ConnectionType = 'async-replication' | 'sync-replication';

/** An array connection as seen from one array: `name` is the remote array. */
export interface ArrayConnectionRecord {
  name: string;
  id: string;
  status: ConnectionStatus;
  type: ConnectionType;
  /** Link bandwidth for replication, bytes per second. */
  bandwidth: number;
  latency_ms: number;
}

/** What volumes and volume snapshots have alike (REST 2.x gives both these fields). */
export interface BlockObject {
  name: string;
  id: string;
  serial: string;
  provisioned: number;
  created: number;
  destroyed: boolean;
  /** Milliseconds until a destroyed object is eradicated; null when not destroyed. */
  time_remaining: number | null;
}

export interface VolumeRecord extends BlockObject {
  source: Reference | null;
  pod: Reference | null;
  space: { total_physical: number; unique: number };
}

/** A volume snapshot, or one volume of a protection-group snapshot (`<pg>.<suffix>.<vol>`). */
export interface VolumeSnapshotRecord extends BlockObject {
  source: Reference;
  suffix: string;
}

export interface Schedule {
  enabled: boolean;
  /** Milliseconds between snapshots, as REST 2.x `frequency`. */
  frequency: number;
}

export interface ReplicationSchedule extends Schedule {
  /** Milliseconds after midnight UTC during which scheduled replication does not start. */
  blackout: { start: number; end: number } | null;
}

export interface Retention {
  /** Keep every snapshot younger than this many seconds. */
  all_for_sec: number;
  /** Then keep this many per day ... */
  per_day: number;
  /** ... for this many days; everything older is eradicated. */
  days: number;
}

export interface ProtectionGroupRecord {
  /** `<source-array>:<pg>` for a replica group on a target. */
  name: string;
  id: string;
  /** The array the group belongs to. */
  source: Reference;
  /** False for a replica group shown on a target (read-only there). */
  is_local: boolean;
  created: number;
  destroyed: boolean;
  /** Milliseconds until a destroyed group is eradicated; null when not destroyed. */
  time_remaining: number | null;
  snapshot_schedule: Schedule;
  replication_schedule: ReplicationSchedule;
  source_retention: Retention;
  target_retention: Retention;
  volumes: string[];
  targets: { name: string; allowed: boolean }[];
}

export interface ProtectionGroupSnapshotRecord {
  name: string;
  id: string;
  /** The protection group, as named on this array (`<array>:<pg>` on a target). */
  source: Reference;
  suffix: string;
  created: number;
  /** Destroyed itself, or (on the source) with its group. */
  destroyed: boolean;
  time_remaining: number | null;
  /** Member volume names. */
  volumes: string[];
  /** Transfer fields; on a source snapshot these are null. */
  progress: number | null;
  started: number | null;
  completed: number | null;
  data_transferred: number | null;
}

/** One replication of a source snapshot to one target (REST 2.x protection-group-snapshots/transfer). */
export interface TransferRecord {
  name: string;
  target: string;
  /** The copy on the target was destroyed (its transfer stops). */
  destroyed: boolean;
  progress: number;
  started: number | null;
  completed: number | null;
  data_transferred: number;
}

/** A pod's state on one of its arrays (REST 2.x PodArrayStatus). */
export type PodArrayState = 'online' | 'offline' | 'resyncing' | 'unknown';

export interface PodArrayStatus {
  name: string;
  id: string;
  status: PodArrayState;
  /** When this array's copy stopped taking writes (went offline), or null. */
  frozen_at: number | null;
  /** Resync progress 0..1 while resyncing, else null. */
  progress: number | null;
  mediator_status: 'online' | 'unreachable';
  pre_elected: boolean;
}

export type PromotionStatus = 'promoted' | 'demoted' | 'promoting';

/**
 * A pod: stretched over the arrays in `arrays` (ActiveCluster: every write reaches each online
 * array before it is acknowledged) and/or linked to a pod on another array (ActiveDR, see
 * PodReplicaLinkRecord). Volumes in a pod are named `<pod>::<volume>`.
 */
export interface PodRecord {
  name: string;
  id: string;
  arrays: PodArrayStatus[];
  array_count: number;
  destroyed: boolean;
  time_remaining: number | null;
  failover_preferences: Reference[];
  mediator: string;
  source: Reference | null;
  promotion_status: PromotionStatus;
  requested_promotion_state: 'promoted' | 'demoted';
  link_source_count: number;
  link_target_count: number;
  /** Member volume names (`<pod>::<volume>`). */
  volumes: string[];
}

export type ReplicaLinkStatus = 'replicating' | 'baselining' | 'paused' | 'quiescing' | 'quiesced' | 'idle' | 'unhealthy';

/** Continuous replication from a promoted pod to a demoted pod on another array (ActiveDR). */
export interface PodReplicaLinkRecord {
  id: string;
  /** As seen from the array asked: outbound when its pod is the source. */
  direction: 'outbound' | 'inbound';
  local_pod: { name: string; id: string };
  remote_pod: { name: string; id: string };
  remotes: { name: string; id: string }[];
  status: ReplicaLinkStatus;
  paused: boolean;
  /** Time of the newest data the target holds (ms), null while baselining. */
  recovery_point: number | null;
  /** now - recovery_point, ms; null while baselining. */
  lag: number | null;
}
