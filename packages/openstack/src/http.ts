import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { OpenStackError, ServiceUnavailableError, parseErrorBody, type ServiceName } from './errors.js';
import { redact } from './redact.js';

/**
 * The one HTTP helper every OpenStack client goes through: JSON bodies, token and microversion
 * headers, request-id propagation, per-request timeouts, bounded retries for idempotent reads
 * and for creates that can be looked up (createOnce), and errors in one shape (OpenStackError)
 * with tokens redacted.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;

/** What the helper logs: never headers, bodies or tokens. Compatible with a pino logger. */
export interface HttpLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface HttpOptions {
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Extra attempts for GET/HEAD, and for creates with a lookup, after a connection error or a 503/502/504; default 2. */
  retries?: number;
  /** First backoff delay, doubled per attempt; default 200 ms. */
  backoffMs?: number;
  /** Site name used in messages ("site-a Nova is unreachable"). */
  site?: string;
  logger?: HttpLogger;
  /**
   * TLS for HTTPS endpoints (clouds.yaml `cacert` and `verify: false`). When set, requests go
   * through undici's fetch with an Agent carrying these settings; without it, the global fetch
   * with Node's default trust store. Ignored when `fetch` is given.
   */
  tls?: HttpTlsOptions;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpTlsOptions {
  /** PEM CA bundle to trust instead of Node's default roots (the contents, not a path). */
  ca?: string | Buffer;
  /** false accepts any server certificate (`verify: false`, `--insecure`); default true. */
  rejectUnauthorized?: boolean;
}

/** A fetch whose connections use `tls`; undici's own fetch, so the Agent and fetch versions match. */
export function tlsFetch(tls: HttpTlsOptions): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized ?? true } });
  type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;
  type UndiciInput = Parameters<typeof undiciFetch>[0];
  return ((input: unknown, init?: unknown) =>
    undiciFetch(input as UndiciInput, { ...(init as UndiciInit), dispatcher })) as unknown as typeof fetch;
}

export interface HttpRequest {
  service: ServiceName;
  method: HttpMethod;
  /** Absolute URL without query string. */
  url: string;
  query?: Query;
  body?: unknown;
  /** Content type of `body`; default application/json. */
  contentType?: string;
  token?: string;
  /** Token under validation (X-Subject-Token); redacted like the caller's own. */
  subjectToken?: string;
  /** e.g. { 'OpenStack-API-Version': 'compute 2.79', 'X-OpenStack-Nova-API-Version': '2.79' } */
  headers?: Record<string, string>;
  /** The caller's global request id, sent as X-OpenStack-Request-ID. */
  requestId?: string;
  timeoutMs?: number;
  /** Statuses that are answers, not errors (e.g. 404 for token validation). */
  accept?: readonly number[];
  /** Strings to redact from error messages besides the tokens (e.g. a password). */
  secrets?: readonly string[];
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The service's x-openstack-request-id. */
  requestId?: string;
}

const DEFAULTS = { timeoutMs: 30_000, retries: 2, backoffMs: 200 };

export function buildUrl(url: string, query?: Query): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v);
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url;
}

/** Path part of a URL, for messages: no host, no query (queries can carry names users typed). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** Why fetch threw, in a few words (undici hides the errno in `cause`). */
function describeNetworkError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET') return 'connection reset';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'host not found';
  if (cause?.code) return `${cause.code}${cause.message ? ` ${cause.message}` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

export class HttpTransport {
  readonly options: Required<Omit<HttpOptions, 'site' | 'logger' | 'tls'>> & Pick<HttpOptions, 'site' | 'logger'>;

  constructor(options: HttpOptions = {}) {
    this.options = {
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      retries: options.retries ?? DEFAULTS.retries,
      backoffMs: options.backoffMs ?? DEFAULTS.backoffMs,
      fetch: options.fetch ?? (options.tls ? tlsFetch(options.tls) : (input, init) => fetch(input, init)),
      sleep: options.sleep ?? ((ms) => sleep(ms)),
      site: options.site,
      logger: options.logger,
    };
  }

  /** Sends one request; GET and HEAD are retried on transient failures (isTransient), nothing else is. */
  async send<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    const attempts = idempotent ? this.options.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(req);
      } catch (err) {
        if (!isTransient(err) || attempt >= attempts) throw err;
        await this.pause({ service: req.service, method: req.method, path: pathOf(req.url) }, attempt);
      }
    }
  }

  /**
   * A create that may be sent again. A POST that failed in transit may still have been carried
   * out (the answer was lost, or a proxy gave up waiting), so it is never simply repeated: after
   * a transient failure `lookup` (a read by the deterministic name the create carries) is asked
   * first, and only when it finds nothing is the POST sent again. At most `retries` more times,
   * each retry logged with the call and the attempt as a GET's is.
   */
  async createOnce<T>(create: () => Promise<T>, lookup: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await create();
      } catch (err) {
        if (!isTransient(err) || attempt > this.options.retries) throw err;
        await this.pause({ service: err.service, method: err.method, path: err.path, lookup: true }, attempt);
        const found = await lookup();
        if (found !== undefined) {
          this.options.logger?.warn({ service: err.service, method: err.method, path: err.path, attempt }, 'OpenStack create had been carried out before its answer was lost; using the object found');
          return found;
        }
      }
    }
  }

  private async pause(call: Record<string, unknown>, attempt: number): Promise<void> {
    const delay = this.options.backoffMs * 2 ** (attempt - 1);
    this.options.logger?.warn({ ...call, attempt, delayMs: delay }, 'retrying OpenStack request');
    await this.options.sleep(delay);
  }

  private async once<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = buildUrl(req.url, req.query);
    const path = pathOf(req.url);
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (req.token) headers['X-Auth-Token'] = req.token;
    if (req.subjectToken) headers['X-Subject-Token'] = req.subjectToken;
    if (req.requestId) headers['X-OpenStack-Request-ID'] = req.requestId;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    }
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const secrets = [req.token, req.subjectToken, ...(req.secrets ?? [])];
    const base = { service: req.service, method: req.method, path, site: this.options.site };
    const started = Date.now();
    try {
      let res: Response;
      let text: string;
      try {
        res = await this.options.fetch(url, { method: req.method, headers, body, signal: controller.signal });
        // The body read is under the same timeout: a service that stalls mid-answer is as down.
        text = req.method === 'HEAD' ? '' : await res.text();
      } catch (err) {
        const message = redact(describeNetworkError(err, timedOut, timeoutMs), secrets);
        this.options.logger?.debug({ service: req.service, method: req.method, path, error: message, ms: Date.now() - started }, 'OpenStack request failed');
        throw new ServiceUnavailableError({ ...base, status: 0, code: timedOut ? 'Timeout' : 'ConnectionError', message, requestId: req.requestId });
      }
      const requestId = res.headers.get('x-openstack-request-id') ?? res.headers.get('x-compute-request-id') ?? undefined;
      this.options.logger?.debug({ service: req.service, method: req.method, path, status: res.status, requestId, ms: Date.now() - started }, 'OpenStack request');
      if (res.status >= 400 && !req.accept?.includes(res.status)) {
        const parsed = parseErrorBody(text, res.headers.get('content-type'), res.status, res.statusText);
        const init = { ...base, status: res.status, code: parsed.code, message: redact(parsed.message, secrets), requestId: requestId ?? req.requestId };
        throw res.status === 503 ? new ServiceUnavailableError(init) : new OpenStackError(init);
      }
      return { status: res.status, headers: res.headers, body: parseBody<T>(text), requestId };
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Worth another attempt: no connection or a reset one, a 503, or a proxy's 502/504 (the service
 * behind it restarting). Not a timeout: that already spent the caller's budget, and repeating it
 * would multiply the wait.
 */
export function isTransient(err: unknown): err is OpenStackError {
  if (err instanceof ServiceUnavailableError) return err.code !== 'Timeout';
  return err instanceof OpenStackError && (err.status === 502 || err.status === 504);
}

function parseBody<T>(text: string): T {
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}
