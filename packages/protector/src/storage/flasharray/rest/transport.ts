/**
 * Sending one REST call to an array with the retry rules of retry.ts, and turning what comes
 * back into items or an ArrayCallError whose message names the array, the call and the answer.
 * The session (session.ts) owns the login state and lends it through AuthState.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import type { StorageErrorCode } from '../../errors.js';
import { StorageError } from '../../errors.js';
import { VERSION } from '../../../version.js';
import type { ArrayAddress } from './address.js';
import { ArrayCallError, classifyArrayError, describeArrayErrors, parseErrorBody, redact, snippet } from './errors.js';
import { sendOnce, TransportError, type HttpAnswer } from './http.js';
import { describeQuery, encodeQuery, type Query } from './query.js';
import { backoffMs, isRetryableStatus, rateLimitWaitMs } from './retry.js';

/** One call as the session asks for it. */
export interface CallSpec {
  method: string;
  /** Full path without query: '/api/2.20/volumes'. */
  path: string;
  query?: Query;
  body?: unknown;
  /** Send the session's x-auth-token (and log in again once on 401). */
  auth: boolean;
  /** Safe to send again even if it may have reached the array (see retry.ts). */
  idempotent: boolean;
  headers?: Record<string, string>;
  /** Login: a 400/401/403 means the API token is refused. */
  login?: boolean;
}

/** A call as sent: its spec and the X-Request-ID shared by all its attempts. */
export type SentCall = CallSpec & { requestId: string };

export interface TransportConfig {
  ca?: string;
  verifyTls: boolean;
  maxSockets: number;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  maxRateLimitWaitMs: number;
  maxBodyBytes: number;
  sleep: (ms: number) => Promise<void>;
}

/** What the transport needs of the session's login state. */
export interface AuthState {
  /** The current session token, or null before login. */
  token(): string | null;
  /** Log in again after `stale` was refused (a no-op if another call already did). */
  relogin(stale: string | null): Promise<void>;
  /** Strings that must never appear in a message (API token, session tokens). */
  secrets(): readonly (string | null)[];
  closed(): boolean;
}

export class Transport {
  /** Keep-alive pool for everything safe to resend; non-idempotent POSTs get a fresh connection (retry.ts). */
  private readonly pooled: Agent;
  private readonly fresh: Agent;

  constructor(
    readonly array: string,
    readonly address: ArrayAddress,
    private readonly cfg: TransportConfig,
    private readonly auth: AuthState,
  ) {
    const tls = { ca: cfg.ca, rejectUnauthorized: cfg.verifyTls, maxSockets: cfg.maxSockets };
    this.pooled = new Agent({ ...tls, keepAlive: true });
    this.fresh = new Agent({ ...tls, keepAlive: false });
  }

  /** Sends a call, retrying as retry.ts says; returns a 2xx answer or throws ArrayCallError. */
  async exchange(spec: CallSpec): Promise<{ answer: HttpAnswer; call: SentCall }> {
    const call: SentCall = { ...spec, requestId: randomUUID() };
    const qs = encodeQuery(this.array, spec.query);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    let retry = 0;
    let rateWaited = 0;
    let reloggedIn = false;
    for (;;) {
      if (this.auth.closed()) throw new StorageError('invalid', `array '${this.array}': the session is closed`);
      const token = spec.auth ? this.auth.token() : null;
      let answer: HttpAnswer;
      try {
        answer = await sendOnce({
          agent: spec.idempotent ? this.pooled : this.fresh,
          host: this.address.host,
          port: this.address.port,
          method: spec.method,
          path: qs ? `${spec.path}?${qs}` : spec.path,
          headers: { ...this.headers(call.requestId, token, body !== undefined), ...spec.headers },
          body,
          timeoutMs: this.cfg.timeoutMs,
          maxBodyBytes: this.cfg.maxBodyBytes,
        });
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        const mayResend = err.kind !== 'tls-verify' && err.kind !== 'too-large' && (spec.idempotent || !err.sent);
        if (mayResend && retry < this.cfg.retries) {
          await this.cfg.sleep(backoffMs(this.cfg.retryDelayMs, retry++));
          continue;
        }
        throw this.transportError(call, err, retry + 1, mayResend);
      }
      const status = answer.status;
      if (status >= 200 && status < 300) return { answer, call };
      if (status === 401 && spec.auth && !reloggedIn) {
        reloggedIn = true;
        await this.auth.relogin(token);
        continue;
      }
      if (status === 429) {
        const wait = rateLimitWaitMs(answer.headers);
        if (rateWaited + wait <= this.cfg.maxRateLimitWaitMs) {
          rateWaited += wait;
          await this.cfg.sleep(wait);
          continue;
        }
        const why = `still rate limited after waiting ${rateWaited} ms; the next wait (${wait} ms) would pass the ${this.cfg.maxRateLimitWaitMs} ms allowed per call`;
        throw this.answerError(call, answer, 'unreachable', why);
      }
      if (isRetryableStatus(status, spec.idempotent) && retry < this.cfg.retries) {
        await this.cfg.sleep(backoffMs(this.cfg.retryDelayMs, retry++));
        continue;
      }
      throw this.answerError(call, answer, null, retry > 0 ? `gave up after ${retry + 1} attempts` : undefined);
    }
  }

  /** One attempt, no retries, errors swallowed (logout). */
  async bestEffort(spec: CallSpec, token: string, timeoutMs: number): Promise<void> {
    try {
      await sendOnce({
        agent: this.pooled, host: this.address.host, port: this.address.port, method: spec.method, path: spec.path,
        headers: this.headers(randomUUID(), token, false), timeoutMs, maxBodyBytes: this.cfg.maxBodyBytes,
      });
    } catch {
      // Best effort by definition.
    }
  }

  destroy(): void {
    this.pooled.destroy();
    this.fresh.destroy();
  }

  /** The answer's body as JSON (null when empty); a body that is not JSON fails 'failed' with its start. */
  json(call: SentCall, answer: HttpAnswer): unknown {
    if (answer.text.trim() === '') return null;
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      throw this.answerError(call, answer, 'failed', `the answer is not JSON: ${snippet(answer.text)}`);
    }
  }

  /** The `items` of a parsed body ([] when there are none). */
  items<T>(call: SentCall, answer: HttpAnswer, body: unknown): T[] {
    if (body === null || typeof body !== 'object') return [];
    const items = (body as { items?: unknown }).items;
    if (items === undefined) return [];
    if (!Array.isArray(items)) throw this.answerError(call, answer, 'failed', `'items' is not a list: ${snippet(answer.text)}`);
    return items as T[];
  }

  /**
   * An error for an answer: "array 'fa-a': POST /api/2.20/protection-groups (names=pg1)
   * answered 400: pg1: Protection group already exists." plus `note`; the code is
   * classifyArrayError's unless given.
   */
  answerError(call: SentCall, answer: HttpAnswer, code: StorageErrorCode | null, note?: string): ArrayCallError {
    const status = answer.status;
    const ok = status >= 200 && status < 300;
    const errors = ok ? [] : parseErrorBody(answer.text);
    let c = code ?? classifyArrayError(status, errors.map((e) => e.message));
    let why = note;
    if (call.login && (status === 400 || status === 401 || status === 403)) {
      c = 'invalid';
      why = `the array refused the API token configured for '${this.array}' (wrong, expired or revoked, or another array's)`;
    } else if (status === 401) {
      why = `the array refused the session again after logging in again with the API token; check the token configured for '${this.array}'`;
    } else if (status === 403) {
      why = `the API token's user may not do this; give '${this.array}' the token of a user with the storage_admin or array_admin role`;
    } else if (status >= 300 && status < 400) {
      why = `redirects are not followed (to ${String(answer.headers.location ?? 'nowhere')}); check the management address configured for '${this.array}'`;
    }
    const parts = [describeArrayErrors(errors), why].filter((p): p is string => p !== undefined && p !== '');
    const message = `${this.describe(call)} answered ${status}${parts.length ? `: ${parts.join(' — ')}` : ''}`;
    return new ArrayCallError(c, redact(message, this.auth.secrets()), status, call.method, call.path, errors, call.requestId);
  }

  private transportError(call: SentCall, err: TransportError, attempts: number, mayResend: boolean): ArrayCallError {
    let message = `${this.describe(call)} got no answer: ${err.message}`;
    let code: StorageErrorCode = 'unreachable';
    if (err.kind === 'tls-verify') {
      code = 'invalid';
      message +=
        ". Give the session the CA bundle that signed the array's management certificate (the 'ca' option), " +
        'or, in a lab only, turn certificate verification off (verifyTls: false)';
    } else if (err.kind === 'too-large') {
      code = 'failed';
    } else if (!mayResend) {
      message += `; not sent again: the request may have reached the array and a ${call.method} is not repeated blindly (check whether it took effect)`;
    } else if (attempts > 1) {
      message += ` (gave up after ${attempts} attempts)`;
    }
    return new ArrayCallError(code, redact(message, this.auth.secrets()), null, call.method, call.path, [], call.requestId, { cause: err });
  }

  private headers(requestId: string, token: string | null, hasBody: boolean): Record<string, string> {
    return {
      Accept: 'application/json',
      'User-Agent': `Protector/${VERSION}`,
      'X-Request-ID': requestId,
      ...(token !== null ? { 'x-auth-token': token } : {}),
      ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
    };
  }

  /** "array 'fa-a': POST /api/2.20/protection-groups (names=pg1)" */
  private describe(call: CallSpec): string {
    const q = describeQuery(call.query);
    return `array '${this.array}': ${call.method} ${call.path}${q ? ` (${q})` : ''}`;
  }
}
