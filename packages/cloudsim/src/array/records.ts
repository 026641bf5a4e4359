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

export interface VolumeRecord {
  name: string;
  id: string;
  serial: string;
  provisioned: number;
  created: number;
  destroyed: boolean;
  /** Milliseconds until a destroyed volume is eradicated; null when not destroyed. */
  time_remaining: number | null;
  source: Reference | null;
  pod: Reference | null;
  space: { total_physical: number; unique: number };
}

/** A volume snapshot, or one volume of a protection-group snapshot (`<pg>.<suffix>.<vol>`). */
export interface VolumeSnapshotRecord {
  name: string;
  id: string;
  serial: string;
  provisioned: number;
  created: number;
  destroyed: boolean;
  time_remaining: number | null;
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
  name: string;
  id: string;
  source: Reference;
  created: number;
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
  destroyed: boolean;
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
  progress: number;
  started: number | null;
  completed: number | null;
  data_transferred: number;
}
