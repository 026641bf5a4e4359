/** The services of a site whose work an engine bounds (`[concurrency]`). */
export type LimitedService = 'nova' | 'cinder' | 'neutron' | 'array';

/** At most this many of each service's units of work at once, per site, in one engine. */
export type SiteLimitsConfig = Readonly<Record<LimitedService, number>>;

/** `[concurrency]`'s defaults: what one engine may ask of one site at once. */
export const DEFAULT_SITE_LIMITS: SiteLimitsConfig = { nova: 50, cinder: 50, neutron: 50, array: 16 };

/** A counting semaphore, first come first served. */
export class Slots {
  private used = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    // The slot passes straight to the next in line, so `used` stays counted.
    if (next) next();
    else this.used--;
  }

  /** Runs `fn` in a slot, waiting for a free one. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  get inUse(): number {
    return this.used;
  }

  get queued(): number {
    return this.queue.length;
  }
}

/**
 * What one engine may ask of each site at once, shared by every operation it runs: a failover of
 * a hundred protection groups queues here rather than flooding the target's Nova or array. A unit
 * is what the step waits for (a server from create to ACTIVE, a volume from manage to available, a
 * port create, an array call), so the bound holds on the cloud's real work, not only on requests.
 */
export class SiteLimits {
  private readonly slots = new Map<string, Slots>();
  /** The most units of a service seen at once on a site (benchmarks read it). */
  readonly peak = new Map<string, number>();

  constructor(readonly config: SiteLimitsConfig = DEFAULT_SITE_LIMITS) {}

  private of(siteId: string, service: LimitedService): Slots {
    const key = `${siteId}|${service}`;
    let s = this.slots.get(key);
    if (!s) this.slots.set(key, (s = new Slots(this.config[service])));
    return s;
  }

  /** Runs `fn` in one of the site's slots for `service`, waiting for a free one. */
  async run<T>(siteId: string, service: LimitedService, fn: () => Promise<T>): Promise<T> {
    const s = this.of(siteId, service);
    const key = `${siteId}|${service}`;
    return s.run(() => {
      this.peak.set(key, Math.max(this.peak.get(key) ?? 0, s.inUse));
      return fn();
    });
  }

  /** Units running and waiting, per `site|service`. */
  usage(): Record<string, { running: number; queued: number }> {
    return Object.fromEntries([...this.slots].map(([k, s]) => [k, { running: s.inUse, queued: s.queued }]));
  }
}

/**
 * Runs `fn` on every item at once (the site limits bound the real work) and waits for all of them
 * before answering, even when one fails: a step never ends, and a rollback never starts, while
 * work it started is still creating things. Results in order; the first failure is thrown.
 */
export async function settleAll<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(items.map((x, i) => fn(x, i)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<R>).value);
}

/** Waits `ms`, or rejects with the signal's reason once it aborts; leaves no listener behind either way. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
