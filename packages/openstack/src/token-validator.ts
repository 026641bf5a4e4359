import { hash } from 'node:crypto';
import type { AuthContext } from './keystone-types.js';

/** The one call the validator needs; KeystoneClient provides it. */
export interface TokenValidationSource {
  validateToken(subjectToken: string): Promise<AuthContext | undefined>;
}

export interface TokenValidatorOptions {
  /**
   * How long a valid answer is reused; default 30 s. This bounds how late a revocation is
   * noticed by calls that use the cache (protector-api's reads; its changes validate fresh),
   * as keystonemiddleware's token_cache_time does.
   */
  cacheSeconds?: number;
  /** How long an invalid answer is reused (a burst of bad tokens); capped at 5 s, default 2 s. */
  negativeCacheSeconds?: number;
  /** Bound on cached entries; expired ones are dropped first, then the oldest. */
  maxEntries?: number;
  now?: () => number;
}

/** `fresh`: ask Keystone even if a cached answer exists (a change must not ride on a revoked token). */
export interface ValidateOptions {
  fresh?: boolean;
}

interface Entry {
  ctx: AuthContext | undefined;
  until: number;
}

const MAX_NEGATIVE_SECONDS = 5;

/** The cache key of a token: its SHA-256, by the one-shot hash (a Hash object per read costs more). */
const tokenKey = (token: string): string => hash('sha256', token, 'hex');

/**
 * Validates user tokens for protector-api against the site's Keystone with a short cache.
 * A cached answer never outlives the token's own expiry, an invalid answer is kept only a few
 * seconds (a token can be valid a moment later only through clock trouble, but a flood of bad
 * tokens should not become a flood of Keystone calls), and Keystone errors are never cached.
 * Keys are token hashes, so a heap dump does not hand out live tokens.
 */
export class TokenValidator {
  private readonly cache = new Map<string, Entry>();
  private readonly cacheMs: number;
  private readonly negativeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly inflight = new Map<string, Promise<AuthContext | undefined>>();

  constructor(
    private readonly source: TokenValidationSource,
    options: TokenValidatorOptions = {},
  ) {
    this.cacheMs = Math.max(0, options.cacheSeconds ?? 30) * 1000;
    this.negativeMs = Math.min(Math.max(0, options.negativeCacheSeconds ?? 2), MAX_NEGATIVE_SECONDS) * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The answer validate() would give from its cache without asking Keystone, wrapped (`ctx`
   * undefined: known invalid), or undefined when only Keystone can say: for callers that may use
   * the cache and want no promise when it answers.
   */
  cached(token: string): { ctx: AuthContext | undefined } | undefined {
    if (!token) return undefined;
    const hit = this.cache.get(tokenKey(token));
    return hit && this.usable(hit, this.now()) ? { ctx: hit.ctx } : undefined;
  }

  async validate(token: string, options: ValidateOptions = {}): Promise<AuthContext | undefined> {
    if (!token) return undefined;
    const key = tokenKey(token);
    const hit = this.cache.get(key);
    if (hit && !options.fresh) {
      if (this.usable(hit, this.now())) return hit.ctx;
      this.cache.delete(key);
    }
    let ctx: AuthContext | undefined;
    if (options.fresh) {
      // Not shared with a call already in flight: its answer may predate a revocation.
      ctx = await this.source.validateToken(token);
    } else {
      // Concurrent requests with one token share one Keystone call.
      let pending = this.inflight.get(key);
      if (!pending) {
        pending = this.source.validateToken(token).finally(() => this.inflight.delete(key));
        this.inflight.set(key, pending);
      }
      ctx = await pending;
    }
    // A fresh answer replaces the cached one, so a revocation seen by a change also ends reads.
    this.remember(key, ctx);
    return ctx;
  }

  /** Drops a token's cached answer (e.g. after this service revoked it). */
  forget(token: string): void {
    this.cache.delete(tokenKey(token));
  }

  get size(): number {
    return this.cache.size;
  }

  private usable(e: Entry, now: number): boolean {
    return e.until > now && (!e.ctx || e.ctx.expiresAt > now);
  }

  private remember(key: string, ctx: AuthContext | undefined): void {
    const now = this.now();
    const until = ctx ? Math.min(now + this.cacheMs, ctx.expiresAt) : now + this.negativeMs;
    if (until <= now) return;
    if (this.cache.size >= this.maxEntries) this.evict(now);
    this.cache.set(key, { ctx, until });
  }

  private evict(now: number): void {
    for (const [k, e] of this.cache) if (e.until <= now) this.cache.delete(k);
    // Map iteration is insertion order, so what remains first is the oldest.
    while (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}
