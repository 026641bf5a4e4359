/**
 * The narrow port the FlashArray driver reaches one array through. Each method is one FlashArray
 * REST 2.x call (or two, where the array needs a create followed by a settings change), and the
 * records carry the REST 2.x field names, so the REST adapter is a thin mapping and the
 * in-process adapter (the simulated array's model) answers the same shapes. Everything the
 * driver knows about protection groups, pods, transfers and restores is written once above this.
 *
 * Rules both adapters follow:
 * - Errors are StorageErrors whose message names the array, the call and the array's own words;
 *   `getX` returns null for an object that does not exist instead of raising 'not_found'.
 * - An array that does not answer raises 'unreachable'.
 * - Nothing here retries or waits: the driver decides (idempotency lives in the driver, once).
 */

/** GET arrays. */
export interface ArrayInfo {
  name: string;
  /** Purity version. */
  version: string;
}

/** GET array-connections: `name` is the remote array. */
export interface ArrayConnection {
  name: string;
  /** 'connected' when the link is up; FlashArray says 'connecting' while it tries to reach it. */
  status: string;
  type: string;
}

/** GET volumes. */
export interface Volume {
  name: string;
  provisioned: number;
  destroyed: boolean;
  /** The volume or snapshot it was copied from. */
  source: string | null;
  pod: string | null;
}

export interface Schedule {
  enabled: boolean;
  /** Milliseconds. */
  frequency: number;
}

export interface Retention {
  all_for_sec: number;
  per_day: number;
  days: number;
}

/** GET protection-groups (a replica group on a target is `<source>:<pg>`, not local). */
export interface ProtectionGroup {
  name: string;
  /** The array it replicates from (this array for a local group). */
  source: string;
  is_local: boolean;
  destroyed: boolean;
  snapshot_schedule: Schedule;
  replication_schedule: Schedule;
  source_retention: Retention;
  target_retention: Retention;
}

/** PATCH protection-groups: what may change. */
export interface ProtectionGroupSettings {
  snapshot_schedule?: Partial<Schedule>;
  replication_schedule?: Partial<Schedule>;
  source_retention?: Retention;
  target_retention?: Retention;
}

/** GET protection-groups/targets. */
export interface GroupTarget {
  name: string;
  allowed: boolean;
}

/** GET protection-group-snapshots. */
export interface GroupSnapshot {
  name: string;
  /** The protection group, as named on this array. */
  source: string;
  suffix: string;
  created: number;
  destroyed: boolean;
}

/**
 * GET protection-group-snapshots/transfer. On a target each copy shows its own transfer; on a
 * source one item per target, with null fields for a snapshot that is sent nowhere.
 */
export interface SnapshotTransfer {
  name: string;
  progress: number | null;
  started: number | null;
  completed: number | null;
  data_transferred: number | null;
}

/** A pod's copy on one array (PodArrayStatus). */
export interface PodArray {
  name: string;
  /** 'online', 'offline', 'resyncing', 'unknown'. */
  status: string;
  frozen_at: number | null;
  progress: number | null;
}

/** GET pods. */
export interface Pod {
  name: string;
  destroyed: boolean;
  arrays: PodArray[];
  failover_preferences: string[];
}

export interface ArrayPort {
  /** The array's name as configured (the REST adapter checks it against the array at login). */
  readonly name: string;

  getArray(): Promise<ArrayInfo>;
  listConnections(): Promise<ArrayConnection[]>;

  /** Includes destroyed volumes (pending eradication). */
  getVolume(name: string): Promise<Volume | null>;
  /** Volumes of a pod, named `<pod>::<volume>`. */
  listPodVolumes(pod: string): Promise<string[]>;
  /** POST volumes with a source: a new volume, or with overwrite an existing one, taking the source's content. */
  copyVolume(source: string, name: string, opts: { overwrite: boolean }): Promise<Volume>;
  /** PATCH volumes pod: into a pod (renamed `<pod>::<name>`) or out of one (null). */
  moveVolume(name: string, pod: string | null): Promise<Volume>;
  destroyVolume(name: string): Promise<void>;
  eradicateVolume(name: string): Promise<void>;

  /** Includes destroyed groups and replica groups (`<source>:<pg>`) on a target. */
  getProtectionGroup(name: string): Promise<ProtectionGroup | null>;
  createProtectionGroup(name: string, settings: ProtectionGroupSettings): Promise<void>;
  updateProtectionGroup(name: string, settings: ProtectionGroupSettings): Promise<void>;
  destroyProtectionGroup(name: string): Promise<void>;
  eradicateProtectionGroup(name: string): Promise<void>;
  listGroupVolumes(group: string): Promise<string[]>;
  addGroupVolumes(group: string, volumes: string[]): Promise<void>;
  removeGroupVolumes(group: string, volumes: string[]): Promise<void>;
  listGroupTargets(group: string): Promise<GroupTarget[]>;
  addGroupTargets(group: string, targets: string[]): Promise<void>;
  /** On a target array: consent (or not) to receive the replica group `<source>:<pg>`. */
  allowReplicaGroup(replicaGroup: string, allowed: boolean): Promise<void>;

  snapshotGroup(group: string, opts: { suffix?: string; replicateNow: boolean }): Promise<GroupSnapshot>;
  /** Includes destroyed snapshots. */
  getGroupSnapshot(name: string): Promise<GroupSnapshot | null>;
  listGroupSnapshots(group: string): Promise<GroupSnapshot[]>;
  /**
   * The snapshots of every group in `groups` in one read (a few calls over REST): what a status
   * read of every PG needs. A group that does not exist has none.
   */
  listSnapshotsOfGroups(groups: string[]): Promise<GroupSnapshot[]>;
  /**
   * Transfers of the named snapshots ('not_found' for one that does not exist), of every snapshot
   * of `group`, or of every snapshot of each of `groups` (one read; a group that does not exist has none).
   */
  listTransfers(select: { names: string[] } | { group: string } | { groups: string[] }): Promise<SnapshotTransfer[]>;
  /** The member volumes of each snapshot of `group` (the source-side volume names), by snapshot name. */
  listSnapshotVolumes(group: string): Promise<Map<string, string[]>>;
  destroyGroupSnapshot(name: string): Promise<void>;
  eradicateGroupSnapshot(name: string): Promise<void>;

  /** Includes destroyed pods. */
  getPod(name: string): Promise<Pod | null>;
  /** The pods of `names` that exist (destroyed ones included), in one read; the others are left out. */
  listPods(names: string[]): Promise<Pod[]>;
  createPod(name: string, failoverPreferences: string[]): Promise<void>;
  setPodPreferences(name: string, failoverPreferences: string[]): Promise<void>;
  /** POST pods/arrays: stretch the pod to `remote`. */
  stretchPod(name: string, remote: string): Promise<void>;
  /** DELETE pods/arrays: the pod leaves `remote`. */
  unstretchPod(name: string, remote: string): Promise<void>;
  destroyPod(name: string): Promise<void>;
  eradicatePod(name: string): Promise<void>;

  close(): Promise<void>;
}
