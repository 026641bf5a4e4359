import { setTimeout as sleep } from 'node:timers/promises';
import { WaitError } from './wait.js';

/** How a BatchWait reads many objects with one list call. */
export interface BatchWaitSpec<T> {
  /** What the objects are, for messages: "server". */
  kind: string;
  /** One call that lists every object waited for (a filter narrows it: tags, metadata). */
  list: () => Promise<T[]>;
  id: (item: T) => string;
  status: (item: T) => string;
  /** States that never turn into a wanted one (ERROR), unless wanted. */
  failed: readonly string[];
  /** Extra words for a failure state (Nova's fault message). */
  explain?: (item: T) => string | undefined;
  /**
   * Between two lists; default 250 ms. A list slower than a quarter of it stretches it to four
   * times the list's time: many waits at once (a hundred failovers) then slow down together
   * instead of keeping the service busy listing.
   */
  intervalMs?: number;
  /** The clock that times a list, and the sleep between lists: for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A list may take at most this share of the time between two lists. */
const LIST_SHARE = 4;

interface Waiter<T> {
  id: string;
  wanted: readonly string[];
  deadline: number;
  started: number;
  last: string | undefined;
  resolve: (item: T) => void;
  reject: (err: Error) => void;
}

/**
 * Waits for many objects at once with one list call per interval, instead of one GET per object
 * (a failover of hundreds of servers would otherwise poll Nova hundreds of times a second). A list
 * that fails ends every wait in progress with its error, as a failed GET ends a single wait (the
 * HTTP client has already retried what was transient).
 */
export class BatchWait<T> {
  private readonly waiting = new Map<Waiter<T>, true>();
  private running = false;

  constructor(private readonly spec: BatchWaitSpec<T>) {}

  /** Resolves with the object once its status is one of `wanted`; WaitError on a failure state or timeout. */
  wait(id: string, wanted: string | readonly string[], opts: { timeoutMs?: number } = {}): Promise<T> {
    const want = typeof wanted === 'string' ? [wanted] : wanted;
    const started = Date.now();
    return new Promise<T>((resolve, reject) => {
      this.waiting.set({ id, wanted: want, deadline: started + (opts.timeoutMs ?? 600_000), started, last: undefined, resolve, reject }, true);
      if (!this.running) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.size > 0) {
        let items: T[];
        const now = this.spec.now ?? performance.now.bind(performance);
        const started = now();
        try {
          items = await this.spec.list();
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          for (const w of this.waiting.keys()) w.reject(e);
          this.waiting.clear();
          break;
        }
        this.settle(new Map(items.map((x) => [this.spec.id(x), x])));
        if (this.waiting.size > 0) await (this.spec.sleep ?? sleep)(Math.max(this.spec.intervalMs ?? 250, LIST_SHARE * (now() - started)));
      }
    } finally {
      this.running = false;
    }
  }

  private settle(seen: Map<string, T>): void {
    const now = Date.now();
    const { kind, status, failed, explain } = this.spec;
    for (const w of [...this.waiting.keys()]) {
      const item = seen.get(w.id);
      const what = `${kind} ${w.id}`;
      if (item !== undefined) {
        w.last = status(item);
        if (w.wanted.includes(w.last)) {
          this.waiting.delete(w);
          w.resolve(item);
          continue;
        }
        if (failed.includes(w.last)) {
          this.waiting.delete(w);
          const why = explain?.(item);
          w.reject(new WaitError(`${what} went to ${w.last} while waiting for ${w.wanted.join('/')}${why ? `: ${why}` : ''}`, w.last, false));
          continue;
        }
      }
      if (now >= w.deadline) {
        this.waiting.delete(w);
        const state = item === undefined ? 'not listed' : `still ${w.last}`;
        w.reject(new WaitError(`${what} is ${state} after ${Math.round((now - w.started) / 1000)} s; wanted ${w.wanted.join('/')}`, w.last, true));
      }
    }
  }
}
