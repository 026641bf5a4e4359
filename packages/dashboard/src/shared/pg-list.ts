/** The protection-group table's JSON (GET /api/protection-groups), as server and page share it. */
import type { SiteReach, SyncWord } from './api.js';

/** The newest recovery point and its lag against the policy's RPO, from the protector API's health. */
export interface RowRecoveryPoint {
  /** The newest fully transferred recovery point's name (null: none yet). */
  newest: string | null;
  /** When it finished transferring. */
  transferred_at: string | null;
  /** Seconds from the newest recovery point's creation to now (null: none yet). */
  lag_seconds: number | null;
  rpo_minutes: number;
  rpo_compliant: boolean;
}

export interface PgRow {
  id: string;
  name: string;
  status: string;
  replication_type: string;
  /** The site running the workload, by the pages' site names (null: not known). */
  active_site: string | null;
  metadata_version: number;
  sync: SyncWord;
  /** The site whose copy the row shows: the one where the PG last changed. */
  read_from: string;
  /** Servers in the PG (null: the members could not be read). */
  members: number | null;
  /** Null when the health could not be read. */
  recovery_point: RowRecoveryPoint | null;
  /** Whether the array construct exists (replication, Sync now). */
  has_array: boolean;
  /** The operation holding the PG, and the site that runs it. */
  active_operation: { site: string; id: string } | null;
  /** A drill's copies are up (status test_failed_over): clean them up before anything else. */
  drill_up: boolean;
}

export interface PgListView {
  protection_groups: PgRow[];
  /** Each site as this read found it: reachable means its protection-group list answered. */
  sites: SiteReach[];
  /** What could not be read (health, members), each naming the site: the rows say null there. */
  problems: string[];
}
