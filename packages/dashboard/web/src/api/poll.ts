/** How often pages re-read: fast while something is in transition, slow otherwise; never under 2 s. */
export const POLL_MIN_MS = 2000;
export const POLL_FAST_MS = 2000;
export const POLL_SLOW_MS = 10_000;

/** A refetch interval for TanStack Query, refusing anything faster than the floor. */
export function pollEvery(ms: number): number {
  if (!(ms >= POLL_MIN_MS)) throw new RangeError(`no page polls faster than every ${POLL_MIN_MS} ms (asked ${ms})`);
  return ms;
}

/** Fast while the rows show transitional states (Horizon's rule), slow otherwise. */
export const pollWhile = (transitional: boolean): number => pollEvery(transitional ? POLL_FAST_MS : POLL_SLOW_MS);
