import type { RecoveryPoint } from '@protector/protectorclient';
import type { LagPoint } from '../shared/overview.js';

/**
 * A PG's lag over [from, to], from its recovery points alone: at time t the lag is t minus the
 * creation of the newest recovery point available by then (fully transferred, completed_at ≤ t),
 * as the API's health measures it now. Between transfers it grows by one second a second; each
 * transfer drops it: a sawtooth, given exactly by its corners. Before the oldest point still kept
 * nothing is known, so the series starts there.
 */
export function lagSeries(points: readonly Pick<RecoveryPoint, 'created_at' | 'completed_at'>[], from: number, to: number): LagPoint[] {
  const events = points
    .map((p) => ({ created: Date.parse(p.created_at), done: Date.parse(p.completed_at) }))
    .filter((p) => Number.isFinite(p.created) && Number.isFinite(p.done) && p.done <= to)
    .sort((a, b) => a.done - b.done || a.created - b.created);
  const out: LagPoint[] = [];
  const at = (t: number, newest: number) => out.push({ t: new Date(t).toISOString(), lag_seconds: Math.max(0, Math.round((t - newest) / 1000)) });
  let newest: number | null = null;
  // Points that arrived before the window set its starting lag.
  for (const e of events) if (e.done <= from) newest = newest === null ? e.created : Math.max(newest, e.created);
  if (newest !== null) at(from, newest);
  for (const e of events) {
    if (e.done <= from) continue;
    if (newest !== null && e.created <= newest) continue;
    if (newest !== null) at(e.done, newest);
    newest = e.created;
    at(e.done, newest);
  }
  if (newest !== null && out[out.length - 1]?.t !== new Date(to).toISOString()) at(to, newest);
  return out;
}
