import type { ServiceName } from './errors.js';
import { OpenStackError } from './errors.js';
import type { HttpMethod, HttpResponse, Query } from './http.js';
import type { KeystoneSession } from './session.js';

/** How to reach one service: catalog types (in preference order) and its microversion headers. */
export interface ServiceSpec {
  service: ServiceName;
  catalogTypes: readonly string[];
  /** e.g. { type: 'compute', version: '2.79', legacyHeader: 'X-OpenStack-Nova-API-Version' } */
  microversion?: { type: string; version: string; legacyHeader?: string };
  /** A fixed endpoint instead of the catalog's (Keystone at the session's auth URL, overrides). */
  baseUrl?: string;
}

export interface CallOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** Statuses returned as answers instead of thrown. */
  accept?: readonly number[];
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Sent as X-Subject-Token (token validation) and redacted from errors. */
  subjectToken?: string;
}

/**
 * For a create whose request carries a deterministic name: how to find what it made. With it, a
 * create that fails in transit (503, 502, 504, a dropped connection) is retried, the lookup
 * asked first, so nothing is created twice (HttpTransport.createOnce).
 */
export interface CreateOptions<T> {
  lookup?: () => Promise<T | undefined>;
}

const MAX_PAGES = 1000;

/**
 * A service endpoint bound to a session: resolves the URL from the catalog, adds the token and
 * microversion headers, and re-authenticates once when the service answers 401 (the token was
 * revoked or expired early). Every client's requests go through `request`.
 */
export class ServiceApi {
  constructor(
    readonly session: KeystoneSession,
    readonly spec: ServiceSpec,
    /** The caller's global request id, sent as X-OpenStack-Request-ID. */
    readonly requestId?: string,
  ) {}

  withRequestId(requestId: string | undefined): ServiceApi {
    return new ServiceApi(this.session, this.spec, requestId);
  }

  async request<T>(method: HttpMethod, path: string, opts: CallOptions = {}): Promise<HttpResponse<T>> {
    const base = this.spec.baseUrl ?? (await this.session.endpoint(this.spec.catalogTypes));
    const headers: Record<string, string> = { ...opts.headers };
    const mv = this.spec.microversion;
    if (mv) {
      headers['OpenStack-API-Version'] = `${mv.type} ${mv.version}`;
      if (mv.legacyHeader) headers[mv.legacyHeader] = mv.version;
    }
    const send = (token: string) =>
      this.session.http.send<T>({
        service: this.spec.service,
        method,
        url: base + path,
        query: opts.query,
        body: opts.body,
        contentType: opts.contentType,
        accept: opts.accept,
        timeoutMs: opts.timeoutMs,
        headers,
        token,
        subjectToken: opts.subjectToken,
        requestId: this.requestId,
      });
    const token = await this.session.token();
    try {
      return await send(token);
    } catch (err) {
      if (!(err instanceof OpenStackError) || err.status !== 401) throw err;
      this.session.invalidate(token);
      return send(await this.session.token());
    }
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async post<T>(path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
    return (await this.request<T>('POST', path, { ...opts, body: body ?? {} })).body;
  }

  /** POSTs a create and picks the object out of the answer; retried as CreateOptions says when a lookup is given. */
  async create<A, T>(path: string, body: unknown, pick: (answer: A) => T, opts: CreateOptions<T> = {}): Promise<T> {
    const once = async () => pick(await this.post<A>(path, body));
    return opts.lookup ? this.session.http.createOnce(once, opts.lookup) : once();
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PUT', path, { body })).body;
  }

  async delete(path: string, query?: Query): Promise<void> {
    await this.request('DELETE', path, { query });
  }

  /**
   * Every item of a paginated list. Nova, Cinder and Neutron put the next page in
   * `<key>_links` (rel=next), Glance in `next`; only the next link's query is reused, since the
   * host in it may be one this client cannot reach (a proxy's public name).
   */
  async listAll<T>(path: string, key: string, query: Query = {}): Promise<T[]> {
    const items: T[] = [];
    let q: Query = { ...query };
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.get<Record<string, unknown>>(path, q);
      const got = body[key];
      if (Array.isArray(got)) items.push(...(got as T[]));
      const next = nextHref(body, key);
      if (!next || !Array.isArray(got) || got.length === 0) return items;
      const params = new URL(next, 'http://next.invalid').searchParams;
      const marker = params.get('marker') ?? next;
      if (seen.has(marker)) return items;
      seen.add(marker);
      q = { ...query };
      for (const [k, v] of params) q[k] = v;
    }
    return items;
  }
}

/** The next page's link of a list answer (`next`, or Nova/Cinder/Protector style `<key>_links`). */
export function nextHref(body: Record<string, unknown>, key: string): string | undefined {
  if (typeof body.next === 'string') return body.next;
  const links = body[`${key}_links`];
  if (!Array.isArray(links)) return undefined;
  const next = (links as { rel?: string; href?: string }[]).find((l) => l.rel === 'next');
  return next?.href;
}

/** Base of every service client: holds its ServiceApi and can rebind it to a request id. */
export abstract class ServiceClient {
  constructor(protected readonly api: ServiceApi) {}

  /** A copy of this client that sends `requestId` as X-OpenStack-Request-ID on every call. */
  withRequestId(requestId: string): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    return Object.assign(copy, this, { api: this.api.withRequestId(requestId) });
  }
}

/** Path segment escaping for ids and names users chose. */
export const seg = (s: string): string => encodeURIComponent(s);
