import type { FastifyReply } from 'fastify';
import type { Clock } from '../clock.js';

/** Requests a face accepts per second and per minute; either alone limits that window only. */
export interface RateLimit {
  perSecond?: number;
  perMinute?: number;
}

/**
 * FlashArray's request rate limit, in fixed windows on the app's clock. Every answer carries
 * `X-RateLimit-Limit-second`, `X-RateLimit-Remaining-second` and the `-minute` pair (pypureclient
 * reads both pairs on a 429); a request over either limit answers 429 with `Retry-After` (seconds
 * until its window ends). On the array the limit is enforced by its API gateway (Kong), so the 429
 * body is Kong's `{"message": "API rate limit exceeded"}`, not the array's error list, and
 * pypureclient reads it that way.
 */
export class RateLimiter {
  private readonly limits: { second: number; minute: number };
  private readonly windows = { second: { start: 0, used: 0 }, minute: { start: 0, used: 0 } };

  constructor(
    private readonly clock: Clock,
    limit: RateLimit,
  ) {
    const second = limit.perSecond ?? Number.MAX_SAFE_INTEGER;
    const minute = limit.perMinute ?? (limit.perSecond === undefined ? Number.MAX_SAFE_INTEGER : limit.perSecond * 60);
    if (!(second > 0 && minute > 0)) throw new Error('rate limits must be positive');
    this.limits = { second, minute };
  }

  /** Counts one request and sets the headers; when a window is full, answers the 429 and returns false. */
  take(reply: FastifyReply): boolean {
    const now = this.clock.now();
    const spans = { second: 1000, minute: 60_000 } as const;
    for (const w of ['second', 'minute'] as const) {
      const win = this.windows[w];
      const start = now - (now % spans[w]);
      if (win.start !== start) Object.assign(win, { start, used: 0 });
    }
    const full = (['second', 'minute'] as const).find((w) => this.windows[w].used >= this.limits[w]);
    if (!full) for (const w of ['second', 'minute'] as const) this.windows[w].used++;
    for (const w of ['second', 'minute'] as const) {
      reply.header(`X-RateLimit-Limit-${w}`, String(this.limits[w]));
      reply.header(`X-RateLimit-Remaining-${w}`, String(Math.max(0, this.limits[w] - this.windows[w].used)));
    }
    if (!full) return true;
    const left = this.windows[full].start + spans[full] - now;
    reply.header('Retry-After', String(Math.max(1, Math.ceil(left / 1000))));
    void reply.code(429).type('application/json').send({ message: 'API rate limit exceeded' });
    return false;
  }
}
