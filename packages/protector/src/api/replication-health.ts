import type { PgHealth, PgStatus } from '@protector/contract';
import type { PgResources } from '../db/protection-groups.js';
import type { HealthRow, RecordedState } from '../db/replication-state.js';
import { isoTime } from './time.js';

/** A recorded state older than this many refresh intervals is stale: no engine is refreshing it. */
export const STALE_INTERVALS = 3;

export interface HealthClock {
  now: number;
  /** `[engine] replication_poll_interval` in ms. */
  refreshMs: number;
}

const seconds = (ms: number): number => Math.round(ms / 1000);

/**
 * One PG's health (DESIGN §6 Health) from the database alone: its recorded replication state (as
 * an engine last read it from the arrays), its policy and members. No array or OpenStack call:
 * the answer says how old the state is, and a state too old to trust makes the PG not ready.
 */
export function pgHealth(row: HealthRow, clock: HealthClock): PgHealth {
  const handle = (JSON.parse(row.resources) as PgResources).array;
  const rpo = row.rpo_minutes ?? 0;
  // Without a construct there is nothing to read: a state left from before is not this PG's now.
  const state = handle ? row.state : null;
  const reversed = state !== null && handle !== undefined && (state.source_array !== handle.sourceArray || state.target_array !== handle.targetArray);
  const ageMs = state === null ? null : Math.max(0, clock.now - state.checked_at);
  const tooOld = ageMs !== null && ageMs > STALE_INTERVALS * clock.refreshMs;
  const stale = tooOld || reversed;
  const lagSeconds = state?.lag_ms == null ? null : seconds(state.lag_ms);
  const compliant = lagSeconds !== null && lagSeconds <= rpo * 60 && !stale;

  const reasons: string[] = [];
  if (row.status !== 'active') reasons.push(`the protection group is ${row.status}, not active`);
  if (row.members === 0) reasons.push('the protection group has no members');
  if (!handle) reasons.push('the array construct has not been created yet');
  else if (state === null) reasons.push(`its replication state has not been read from the arrays yet (protector-engine reads it every ${seconds(clock.refreshMs)} s)`);
  else reasons.push(...stateReasons(state, { reversed, tooOld, ageMs: ageMs ?? 0, lagSeconds, rpo, refreshMs: clock.refreshMs }));
  if (row.sync_state === 'out_of_sync') reasons.push(`its metadata (version ${row.metadata_version}) is not acknowledged by the peer site`);

  return {
    protection_group_id: row.id,
    name: row.name,
    status: row.status as PgStatus,
    replication_type: row.replication_type,
    link: state?.link ?? null,
    lag_seconds: lagSeconds,
    newest_recovery_point: state?.newest_recovery_point ?? null,
    last_transfer_at: isoTime(state?.last_transfer_at ?? null),
    transfer_in_progress: (state?.transfers.length ?? 0) > 0,
    rpo_minutes: rpo,
    rpo_compliant: compliant,
    failover_ready: reasons.length === 0,
    reasons,
    checked_at: isoTime(state?.checked_at ?? null),
    state_age_seconds: ageMs === null ? null : seconds(ageMs),
    stale,
    state_error: state?.error ?? null,
  };
}

/** Why the recorded state keeps the PG from failing over: it cannot be trusted, or it says so. */
function stateReasons(
  s: RecordedState,
  o: { reversed: boolean; tooOld: boolean; ageMs: number; lagSeconds: number | null; rpo: number; refreshMs: number },
): string[] {
  const at = isoTime(s.checked_at);
  if (o.reversed) return [`replication was reversed after its state was last read (at ${at}); the next refresh reads the new direction`];
  const out: string[] = [];
  if (o.tooOld) {
    out.push(`its replication state was last read ${seconds(o.ageMs)} s ago (at ${at}), more than ${STALE_INTERVALS} refresh intervals of ${seconds(o.refreshMs)} s: no protector-engine of this site is refreshing it`);
  }
  if (s.error !== null) return [...out, `its replication state could not be read at ${at}: ${s.error}`];
  if (s.link !== 'connected') out.push(`the replication link between ${s.source_array} and ${s.target_array} is ${s.link ?? 'unknown'} (at ${at}): ${s.detail}`);
  if (o.lagSeconds === null) out.push(`there was no recovery point on the target array at ${at}`);
  else if (o.lagSeconds > o.rpo * 60) out.push(`the newest recovery point was ${Math.round(o.lagSeconds / 60)} min old at ${at}, beyond the ${o.rpo} min RPO`);
  return out;
}
