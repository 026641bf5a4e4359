import { isoMicros } from '../timestamps.js';

/** A stored record that may be in a transient status until `_settle_at`. */
export interface Settling {
  id: string;
  status: string;
  updated_at?: string | null;
  _settle_at?: number;
}

/** Where each transient status leads once its time is up; null means the record goes away. */
const NEXT: Record<string, string | null> = {
  creating: 'available',
  extending: 'available',
  deleting: null,
};

/**
 * Applies a due transition to `doc` in place. Statuses are derived from stored timestamps and
 * the clock on every read, so they survive restarts and tests can move a ManualClock.
 * Returns 'gone' when the record should be removed, 'changed' when it must be stored again.
 */
export function settle(doc: Settling, now: number): 'gone' | 'changed' | 'same' {
  if (doc._settle_at === undefined || now < doc._settle_at) return 'same';
  const next = NEXT[doc.status];
  if (next === undefined) {
    delete doc._settle_at;
    return 'changed';
  }
  if (next === null) return 'gone';
  doc.status = next;
  if ('updated_at' in doc) doc.updated_at = isoMicros(doc._settle_at);
  delete doc._settle_at;
  return 'changed';
}

/** Puts `doc` into a transient status that ends after `ms`. */
export function startTransition(doc: Settling, status: string, now: number, ms: number): void {
  doc.status = status;
  doc._settle_at = now + ms;
  if ('updated_at' in doc) doc.updated_at = isoMicros(now);
}
