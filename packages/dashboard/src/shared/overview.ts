/** The overview page's JSON (GET /api/overview). */
import type { SiteReach } from './api.js';

/** A PG's readiness for failover in the API's words (health's failover_ready and reasons). */
export interface ReadinessRow {
  id: string;
  name: string;
  status: string;
  failover_ready: boolean;
  reasons: string[];
}

/** One point of a lag series: at `t`, the newest recovery point was `lag_seconds` old. */
export interface LagPoint {
  t: string;
  lag_seconds: number;
}

export interface RpoRow {
  id: string;
  name: string;
  rpo_minutes: number;
  /** Now (the API's health); null before a first recovery point. */
  lag_seconds: number | null;
  compliant: boolean;
  /** Lag over the window, derived from the PG's recovery points (a sawtooth); empty when none. */
  series: LagPoint[];
  /** Why the series could not be read (the recovery points did not answer). */
  series_error: string | null;
}

/** An operation not yet finished, on the site that runs it. */
export interface RunningOperation {
  site: string;
  id: string;
  type: string;
  status: string;
  protection_group_id: string | null;
  protection_group: string | null;
  /** Steps finished (completed or skipped) out of all the operation's steps. */
  steps_done: number;
  steps_total: number;
  current_step: string | null;
  started_at: string | null;
}

export interface OverviewView {
  sites: SiteReach[];
  protection_groups: { total: number; by_status: Record<string, number>; out_of_sync: number };
  /** Worst first: error states, then not ready (most reasons first), then ready. */
  readiness: { ready: number; not_ready: number; rows: ReadinessRow[] };
  rpo: { window_hours: number; from: string; to: string; rows: RpoRow[] };
  operations: RunningOperation[];
  /** What could not be read, each naming the site. */
  problems: string[];
}
