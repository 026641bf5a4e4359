import { setTimeout as sleep } from 'node:timers/promises';
import { isNotFound } from './errors.js';

export interface WaitOptions {
  /** Give up after this long; default 10 minutes. */
  timeoutMs?: number;
  /** Poll interval; default 2 s. */
  intervalMs?: number;
  /** Called after every poll with what was seen (for operation step progress). */
  onProgress?: (status: string, elapsedMs: number) => void;
}

/** Waiting ended without the wanted state: a timeout, or the resource went to a failure state. */
export class WaitError extends Error {
  constructor(
    message: string,
    readonly lastStatus: string | undefined,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = 'WaitError';
  }
}

export interface PollSpec<T> {
  /** What is being waited for, for messages: "server 1234". */
  what: string;
  fetch: () => Promise<T>;
  status: (item: T) => string;
  wanted: readonly string[];
  /** States that will never turn into a wanted one (e.g. ERROR). */
  failed?: readonly string[];
  /** Extra words for a failure state (Nova's fault message). */
  explain?: (item: T) => string | undefined;
}

/** Polls until the status is wanted, fails, or time runs out. */
export async function pollStatus<T>(spec: PollSpec<T>, opts: WaitOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const intervalMs = opts.intervalMs ?? 2000;
  const started = Date.now();
  let last: string | undefined;
  for (;;) {
    const item = await spec.fetch();
    last = spec.status(item);
    const elapsed = Date.now() - started;
    opts.onProgress?.(last, elapsed);
    if (spec.wanted.includes(last)) return item;
    if (spec.failed?.includes(last)) {
      const why = spec.explain?.(item);
      throw new WaitError(`${spec.what} went to ${last} while waiting for ${spec.wanted.join('/')}${why ? `: ${why}` : ''}`, last, false);
    }
    if (elapsed + intervalMs > timeoutMs) {
      throw new WaitError(`${spec.what} is still ${last} after ${Math.round(elapsed / 1000)} s; wanted ${spec.wanted.join('/')}`, last, true);
    }
    await sleep(intervalMs);
  }
}

/**
 * Polls until `get` answers 404 (the resource is gone); `gone` is the status reported for that,
 * and `failed` the states in which deletion has failed for good (e.g. error_deleting).
 */
export async function pollUntilGone(what: string, get: () => Promise<{ status: string }>, gone: string, failed: readonly string[], opts: WaitOptions = {}): Promise<void> {
  await pollStatus(
    {
      what,
      fetch: async () => {
        try {
          return (await get()).status;
        } catch (err) {
          if (isNotFound(err)) return gone;
          throw err;
        }
      },
      status: (s) => s,
      wanted: [gone],
      failed,
    },
    opts,
  );
}
