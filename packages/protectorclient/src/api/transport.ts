import { nextHref, ServiceApi, type KeystoneSession } from '@protector/openstack';
import { ProtectorVersionError, toProtectorError } from './errors.js';
import type { VersionDocument, VersionsDocument } from './versions.js';

/*
 * @protector/openstack exports its HttpTransport (the session's `http`) but not ServiceApi, `seg`
 * or the Query type; the few lines of ServiceApi.request this needs (token, microversion header,
 * one re-authentication on 401) are below, and every request still goes through HttpTransport.
 */
type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The catalog service type Protector registers under (docs/install.md). */
export const PROTECTOR_SERVICE_TYPE = 'protector';
/** The microversions this client speaks: 1.0 up to CLIENT_MAX_VERSION. */
export const CLIENT_MIN_VERSION = '1.0';
export const CLIENT_MAX_VERSION = '1.0';

export interface ProtectorTransportOptions {
  /** Token and catalog for one site. */
  session: KeystoneSession;
  /** Protector's URL instead of the catalog's (`--os-endpoint`): the root, or the root plus `/v1`. */
  endpointOverride?: string;
  /** The project tenant calls name in the URL; default the token's project (admins may name another). */
  projectId?: string;
  /** The site's name, for messages ("site site-a (Protector at …) is unreachable: …"). */
  site?: string;
  /** Highest microversion to ask for; default CLIENT_MAX_VERSION. */
  maxVersion?: string;
  /** Per-request timeout (ms); default the session's HTTP transport's (30 s). */
  timeoutMs?: number;
  /** Sent as X-OpenStack-Request-ID on every request. */
  requestId?: string;
}

export interface ListPage<T> {
  items: T[];
  /** The query of the next page (limit, marker, sort) when the API said there are more. */
  next?: Record<string, string>;
}

export interface PageQuery {
  limit?: number;
  marker?: string;
  /** `key[:asc|desc]`. */
  sort?: string;
}

type Version = [number, number];
const parseVersion = (v: string | undefined): Version | undefined => {
  const m = /^(\d+)\.(\d+)$/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};
const cmp = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1];
const fmt = (v: Version): string => `${v[0]}.${v[1]}`;

/**
 * `http://h:8788`, `http://h:8788/v1` and `http://h:8788/v1/<project>` all mean the service at
 * `http://h:8788`: `root` answers version discovery, `base` is where /v1 paths start.
 */
export function splitEndpoint(url: string): { root: string; base: string } {
  const trimmed = url.trim().replace(/\/+$/, '');
  const m = /^(.*?)\/v1(\/.*)?$/.exec(trimmed);
  const root = m ? (m[1] ?? '') : trimmed;
  return { root, base: `${root}/v1` };
}

/**
 * The highest microversion both sides speak, from the service's version document; a service
 * without microversions (empty `version`) is 1.0.
 */
export function negotiateVersion(doc: VersionDocument | undefined, clientMax: string = CLIENT_MAX_VERSION): string {
  const cMin = parseVersion(CLIENT_MIN_VERSION) as Version;
  const cMax = parseVersion(clientMax);
  if (!cMax) throw new ProtectorVersionError(`Invalid client microversion '${clientMax}': expected X.Y.`);
  const sMax = parseVersion(doc?.version) ?? ([1, 0] as Version);
  const sMin = parseVersion(doc?.min_version) ?? ([1, 0] as Version);
  const hi = cmp(cMax, sMax) <= 0 ? cMax : sMax;
  const lo = cmp(cMin, sMin) >= 0 ? cMin : sMin;
  if (cmp(hi, lo) < 0) {
    throw new ProtectorVersionError(`No common API microversion: the service speaks ${fmt(sMin)} to ${fmt(sMax)}, this client ${fmt(cMin)} to ${fmt(cMax)}.`);
  }
  return fmt(hi);
}

/** Path segment escaping for ids and names users chose. */
export const seg = (s: string): string => encodeURIComponent(s);

interface Resolved {
  root: string;
  base: string;
  version: string;
}

interface SendOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  accept?: readonly number[];
}

/**
 * Every Protector request of one client: the endpoint (catalog type `protector` or the
 * override), the negotiated `OpenStack-API-Version: protector X.Y`, the token, and one error
 * shape. Requests go through the session's HttpTransport, the one HTTP helper of @protector/openstack.
 */
export class ProtectorTransport {
  private resolved?: Promise<Resolved>;

  constructor(readonly options: ProtectorTransportOptions) {}

  get session(): KeystoneSession {
    return this.options.session;
  }

  /** A copy that sends `requestId` as X-OpenStack-Request-ID (sharing the negotiated version). */
  withRequestId(requestId: string): ProtectorTransport {
    const copy = new ProtectorTransport({ ...this.options, requestId });
    copy.resolved = this.resolved;
    return copy;
  }

  /**
   * One request through the session's HttpTransport: token, microversion and request id
   * headers; a 401 (token revoked or expired early) re-authenticates once.
   */
  private async send<T>(method: Method, url: string, version: string | undefined, opts: SendOptions) {
    return this.api('', version).request<T>(method, url, { query: opts.query, body: opts.body, accept: opts.accept, timeoutMs: this.options.timeoutMs, headers: opts.headers });
  }

  /**
   * The shared request path (token, version header, one re-authentication on a 401, paging) at
   * `baseUrl`: Protector's endpoint and version are negotiated here, not taken from the catalog.
   */
  private api(baseUrl: string, version: string | undefined): ServiceApi {
    return new ServiceApi(this.session, { service: 'protector', catalogTypes: [PROTECTOR_SERVICE_TYPE], baseUrl, ...(version ? { microversion: { type: PROTECTOR_SERVICE_TYPE, version } } : {}) }, this.options.requestId);
  }

  /** Protector's URLs on this site: override, else the catalog's. */
  async endpoint(): Promise<{ root: string; base: string }> {
    const url = this.options.endpointOverride ?? (await this.session.endpoint([PROTECTOR_SERVICE_TYPE]));
    return splitEndpoint(url);
  }

  private resolve(): Promise<Resolved> {
    this.resolved ??= (async () => {
      const { root, base } = await this.endpoint();
      const doc = await this.discoverAt(root, base);
      const version = negotiateVersion(doc.find((v) => v.id === 'v1.0' || v.id === 'v1') ?? doc[0], this.options.maxVersion);
      return { root, base, version };
    })();
    // A failed resolution (site down) is tried again on the next call.
    this.resolved.catch(() => (this.resolved = undefined));
    return this.resolved;
  }

  /** `GET /` of the endpoint root: the versions the service offers (no token needed, one is sent anyway). */
  private async discoverAt(root: string, base: string): Promise<VersionDocument[]> {
    try {
      const res = await this.send<VersionsDocument>('GET', `${root}/`, undefined, { accept: [404] });
      // Behind a proxy that only forwards /v1, discovery is not there: assume the base version.
      return res.status === 404 || !Array.isArray(res.body?.versions) ? [] : res.body.versions;
    } catch (err) {
      throw toProtectorError(err, { endpoint: base, site: this.options.site });
    }
  }

  /** The version documents the service publishes at its root. */
  async versions(): Promise<VersionDocument[]> {
    const { root, base } = await this.endpoint();
    return this.discoverAt(root, base);
  }

  /** The negotiated microversion (discovering it on first use). */
  async apiVersion(): Promise<string> {
    return (await this.resolve()).version;
  }

  /** The project in tenant URLs: the option, else the token's. */
  async projectId(): Promise<string> {
    if (this.options.projectId) return this.options.projectId;
    const auth = await this.session.auth();
    if (!auth.projectId) throw new Error(`The token of ${auth.userName} is not scoped to a project; tenant calls need a project-scoped token (or projectId).`);
    return auth.projectId;
  }

  /** `/{project_id}` + `suffix`, the start of every tenant path. */
  async projectPath(suffix: string): Promise<string> {
    return `/${seg(await this.projectId())}${suffix}`;
  }

  async request<T>(method: Method, path: string, opts: { query?: Query; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T; requestId?: string }> {
    const r = await this.resolve();
    try {
      const res = await this.send<T>(method, r.base + path, r.version, {
        query: opts.query,
        body: opts.body ?? (method === 'POST' || method === 'PUT' ? {} : undefined),
        headers: opts.headers,
      });
      return { status: res.status, body: res.body, requestId: res.requestId };
    } catch (err) {
      throw toProtectorError(err, { endpoint: r.base, site: this.options.site });
    }
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return (await this.request<T>('POST', path, { body, headers })).body;
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PUT', path, { body })).body;
  }

  async delete<T = void>(path: string): Promise<T> {
    return (await this.request<T>('DELETE', path)).body;
  }

  /** One page of a list: `{ <key>: [...], <key>_links: [{ rel: 'next', href }] }`. */
  async listPage<T>(path: string, key: string, query: Query = {}): Promise<ListPage<T>> {
    const body = await this.get<Record<string, unknown>>(path, query);
    const items = Array.isArray(body?.[key]) ? (body[key] as T[]) : [];
    const next = body ? nextHref(body, key) : undefined;
    if (!next) return { items };
    // Only the next link's query is reused: its host may be a name this client cannot reach.
    return { items, next: Object.fromEntries(new URL(next, 'http://next.invalid').searchParams) };
  }

  /** Every item of a list, following the next links (with `limit` as the page size). */
  async listAll<T>(path: string, key: string, query: Query = {}): Promise<T[]> {
    const r = await this.resolve();
    try {
      return await this.api(r.base, r.version).listAll<T>(path, key, query);
    } catch (err) {
      throw toProtectorError(err, { endpoint: r.base, site: this.options.site });
    }
  }
}
