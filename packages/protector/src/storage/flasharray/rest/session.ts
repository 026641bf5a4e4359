/**
 * A session with one FlashArray over REST 2.x: version negotiation, login with the API token,
 * the x-auth-token on every call, re-login on session expiry, paging. Sending, retries and
 * error messages are transport.ts's (rules in retry.ts and errors.ts). Neither the API token
 * nor a session token ever appears in an error or a warning.
 */
import { StorageError } from '../../errors.js';
import { parseAddress } from './address.js';
import { snippet } from './errors.js';
import type { Query } from './query.js';
import { isIdempotentMethod } from './retry.js';
import { Transport, type CallSpec } from './transport.js';
import { CLIENT_REST_VERSIONS, MIN_REST_VERSION, compareVersions, negotiateVersion, parseVersion } from './versions.js';

export type { Query } from './query.js';

export interface FlashArraySessionOptions {
  /** The array's name as configured; checked against GET arrays after login (a wrong endpoint is refused, naming both). */
  array: string;
  /** Management address: 'https://host[:port]' or 'host[:port]' (https implied). http:// is refused: arrays serve HTTPS only. */
  url: string;
  apiToken: string;
  /** PEM CA bundle (contents) to verify the array's certificate; default: Node's system CAs. */
  ca?: string;
  /** false = do not verify the certificate (a warning is logged once per session via `warn`). Default true. */
  verifyTls?: boolean;
  /** Per-call timeout (each attempt), default 30_000. */
  timeoutMs?: number;
  /** Retries for connection errors, timeouts and 5xx (not 500/501), default 3, with exponential back-off from `retryDelayMs` (default 500). Never retry 4xx (except 401 once and 429). Details in retry.ts. */
  retries?: number;
  retryDelayMs?: number;
  /** Longest total wait for 429 back-off per call before giving up as unreachable (default 120_000). */
  maxRateLimitWaitMs?: number;
  /** REST versions this client can speak; default MIN_REST_VERSION..MAX_REST_VERSION ('2.4'..'2.20'). ['2.20'] pins one. */
  versions?: string[];
  /** Items per page for list() when its query has no `limit` (default 1000). */
  pageSize?: number;
  /** Connections to the array at most (default 8). */
  maxSockets?: number;
  /** Largest answer body accepted, in bytes (default 64 MiB). */
  maxBodyBytes?: number;
  /** Where warnings go; default process.emitWarning. */
  warn?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>; // tests
}

/** The array as GET arrays describes it. */
export interface ArrayInfo {
  id?: string;
  name: string;
  os?: string;
  /** Purity//FA release, e.g. '6.5.3'. */
  version?: string;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export class FlashArraySession {
  readonly array: string;
  private readonly transport: Transport;
  private readonly apiToken: string;
  private readonly verifyTls: boolean;
  private readonly spoken: string[];
  private readonly pageSize: number;
  private readonly timeoutMs: number;
  private readonly warn: (message: string) => void;

  private apiVersion: string | null = null;
  private connected = false;
  private token: string | null = null;
  private readonly oldTokens: string[] = [];
  private connecting: Promise<void> | null = null;
  private loggingIn: Promise<void> | null = null;
  private closed = false;
  private warnedTls = false;
  private arrayInfo: ArrayInfo | null = null;

  constructor(opts: FlashArraySessionOptions) {
    this.array = opts.array;
    if (opts.array.trim() === '') throw new StorageError('invalid', 'a FlashArray session needs the array name');
    const address = parseAddress(opts.array, opts.url);
    if (!opts.apiToken) throw new StorageError('invalid', `array '${opts.array}': no API token configured`);
    this.apiToken = opts.apiToken;
    this.verifyTls = opts.verifyTls ?? true;
    this.spoken = opts.versions ?? [...CLIENT_REST_VERSIONS];
    const unusable = this.spoken.filter((v) => parseVersion(v) === null || compareVersions(v, MIN_REST_VERSION) < 0);
    if (this.spoken.length === 0 || unusable.length > 0) {
      throw new StorageError('invalid', `array '${opts.array}': REST version(s) ${unusable.join(', ') || '(none)'} cannot be used; the FlashArray adapter needs ${MIN_REST_VERSION} or later`);
    }
    this.pageSize = opts.pageSize ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const retries = opts.retries ?? 3;
    if (!(this.timeoutMs > 0) || !(this.pageSize >= 1) || !(retries >= 0)) {
      throw new StorageError('invalid', `array '${opts.array}': timeoutMs and pageSize must be positive and retries not negative`);
    }
    this.warn = opts.warn ?? ((m) => process.emitWarning(m, 'ProtectorWarning'));
    this.transport = new Transport(
      opts.array,
      address,
      {
        ca: opts.ca,
        verifyTls: this.verifyTls,
        maxSockets: opts.maxSockets ?? 8,
        timeoutMs: this.timeoutMs,
        retries,
        retryDelayMs: opts.retryDelayMs ?? 500,
        maxRateLimitWaitMs: opts.maxRateLimitWaitMs ?? 120_000,
        maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024 * 1024,
        sleep: opts.sleep ?? realSleep,
      },
      {
        token: () => this.token,
        relogin: (stale) => this.relogin(stale),
        secrets: () => [this.apiToken, this.token, ...this.oldTokens],
        closed: () => this.closed,
      },
    );
  }

  /** Negotiated version once connected, else null. */
  get version(): string | null {
    return this.connected ? this.apiVersion : null;
  }

  /** The array's id, name, os and Purity//FA release once connected, else null. */
  get info(): ArrayInfo | null {
    return this.connected ? this.arrayInfo : null;
  }

  /**
   * GET /api/api_version and pick the highest version both sides know (StorageError 'invalid'
   * naming both lists, the minimum and why when the array offers nothing at or above the
   * minimum); POST login with header api-token for the x-auth-token; GET arrays and check the
   * name. Every call connects lazily; concurrent callers share one attempt, and after a failed
   * attempt the next call tries again.
   */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError('invalid', `array '${this.array}': the session is closed`));
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.handshake().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** All items across pages (limit + continuation_token query, x-next-token answer header); `limit` is the page size. */
  async list<T>(path: string, query: Query = {}): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let next: string | undefined;
    for (;;) {
      const q: Query = { ...query, limit: query.limit ?? this.pageSize, continuation_token: next };
      const { answer, call, body } = await this.call('GET', path, q);
      out.push(...this.transport.items<T>(call, answer, body));
      const header = answer.headers['x-next-token'];
      const bodyToken = str((body as { continuation_token?: unknown } | null)?.continuation_token);
      next = (Array.isArray(header) ? header[0] : header) || bodyToken || undefined;
      if (next === undefined) return out;
      if (seen.has(next)) throw this.transport.answerError(call, answer, 'failed', 'the array sent the same continuation token twice (paging would not end)');
      seen.add(next);
    }
  }

  /** One page of items (the array's default page size unless the query has `limit`). */
  async get<T>(path: string, query?: Query): Promise<T[]> {
    const r = await this.call('GET', path, query);
    return this.transport.items<T>(r.call, r.answer, r.body);
  }

  /** Not resent once it may have reached the array (see retry.ts): on 'unreachable', look for what it made. */
  async post<T>(path: string, query?: Query, body?: unknown): Promise<T[]> {
    const r = await this.call('POST', path, query, body);
    return this.transport.items<T>(r.call, r.answer, r.body);
  }

  async patch<T>(path: string, query?: Query, body?: unknown): Promise<T[]> {
    const r = await this.call('PATCH', path, query, body);
    return this.transport.items<T>(r.call, r.answer, r.body);
  }

  async delete(path: string, query?: Query): Promise<void> {
    await this.call('DELETE', path, query);
  }

  /** Logs out (one short attempt, best effort) and destroys the connections; later calls fail 'invalid'. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const token = this.token;
    this.token = null;
    this.connected = false;
    if (token !== null && this.apiVersion !== null) await this.logout(token);
    this.transport.destroy();
  }

  private async handshake(): Promise<void> {
    if (!this.verifyTls && !this.warnedTls) {
      this.warnedTls = true;
      this.warn(
        `array '${this.array}': TLS certificate verification is off for ${this.transport.address.origin}; ` +
          "anyone on the network path can pose as the array. Use this only in a lab; otherwise give the array's CA bundle.",
      );
    }
    const v = await this.transport.exchange({ method: 'GET', path: '/api/api_version', auth: false, idempotent: true });
    const offered = (this.transport.json(v.call, v.answer) as { version?: unknown } | null)?.version;
    if (!Array.isArray(offered) || !offered.every((x) => typeof x === 'string')) {
      const why = `no REST version list (is ${this.transport.address.origin} a FlashArray?): ${snippet(v.answer.text)}`;
      throw this.transport.answerError(v.call, v.answer, 'failed', why);
    }
    this.apiVersion = negotiateVersion(this.array, offered as string[], this.spoken);
    await this.login();
    const { answer, call } = await this.transport.exchange({ method: 'GET', path: `/api/${this.apiVersion}/arrays`, auth: true, idempotent: true });
    const item = this.transport.items<Record<string, unknown>>(call, answer, this.transport.json(call, answer))[0];
    const name = str(item?.name);
    if (item === undefined || name === undefined) throw this.transport.answerError(call, answer, 'failed', 'the answer names no array');
    if (name.toLowerCase() !== this.array.toLowerCase()) {
      const token = this.token;
      this.token = null;
      if (token !== null) await this.logout(token);
      throw new StorageError(
        'invalid',
        `array '${this.array}': ${this.transport.address.origin} is array '${name}', not '${this.array}'; check the management address configured for '${this.array}'`,
      );
    }
    this.arrayInfo = { id: str(item.id), name, os: str(item.os), version: str(item.version) };
    this.connected = true;
  }

  /** POST login: the API token (header api-token) for a session token (answer header x-auth-token). */
  private async login(): Promise<void> {
    const { answer, call } = await this.transport.exchange({
      method: 'POST',
      path: `/api/${this.apiVersion}/login`,
      auth: false,
      idempotent: true, // a second session is harmless: it expires unused
      login: true,
      headers: { 'api-token': this.apiToken },
    });
    const header = answer.headers['x-auth-token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) throw this.transport.answerError(call, answer, 'failed', 'the array accepted the API token but sent no x-auth-token');
    if (this.token !== null) this.oldTokens.splice(0, this.oldTokens.length, this.token, ...this.oldTokens.slice(0, 3));
    this.token = token;
  }

  /** After a 401 of `stale`: log in again, once for every call that saw that token refused. */
  private async relogin(stale: string | null): Promise<void> {
    if (this.token !== stale && this.token !== null) return;
    this.loggingIn ??= this.login().finally(() => (this.loggingIn = null));
    await this.loggingIn;
  }

  private logout(token: string): Promise<void> {
    // The array also ends the session by itself after 30 idle minutes.
    return this.transport.bestEffort({ method: 'POST', path: `/api/${this.apiVersion}/logout`, auth: true, idempotent: true }, token, Math.min(this.timeoutMs, 5000));
  }

  private async call(method: string, path: string, query?: Query, body?: unknown) {
    const rel = path.replace(/^\/+/, '');
    if (rel === '' || /[?#]|(^|\/)\.\.?(\/|$)|^api\//.test(rel)) {
      throw new StorageError('invalid', `array '${this.array}': '${path}' is not a REST endpoint path (give e.g. 'volumes'; the query goes in the query argument)`);
    }
    await this.connect();
    const spec: CallSpec = { method, path: `/api/${this.apiVersion}/${rel}`, query, body, auth: true, idempotent: isIdempotentMethod(method) };
    const r = await this.transport.exchange(spec);
    return { ...r, body: method === 'DELETE' ? null : this.transport.json(r.call, r.answer) };
  }
}
