import { findEndpoint, type EndpointInterface } from './catalog.js';
import { OpenStackError } from './errors.js';
import { HttpTransport, type HttpOptions } from './http.js';
import type { CatalogEntry, Credentials, Scope, TokenDocument, UserRef } from './keystone-types.js';

/** A token this session holds, with what Keystone said about it. */
export interface TokenInfo {
  token: string;
  /** Local clock, epoch ms: when the token arrived and when to re-issue it. */
  receivedAt: number;
  renewAt: number;
  /** Keystone's expires_at, epoch ms. */
  expiresAt: number;
  userId: string;
  userName: string;
  projectId?: string;
  projectName?: string;
  domainId?: string;
  roles: string[];
  catalog: CatalogEntry[];
  trustId?: string;
}

/**
 * Credentials read afresh at each authentication: a token another session keeps current (see
 * `trustThrough`), where fixed credentials would go stale with that token.
 */
export interface CredentialSource {
  get(): Promise<Credentials>;
  /** Keystone refused what `get` gave (401 or 404): the next `get` must give fresh ones. */
  refused(c: Credentials): void;
}

export interface SessionOptions {
  /** Keystone URL, with or without the /v3 suffix. */
  authUrl: string;
  credentials: Credentials | CredentialSource;
  region?: string;
  /** Catalog interface the clients use; default public. */
  interface?: EndpointInterface;
  /** Fraction of the token lifetime after which it is re-issued; default 0.8. */
  renewFraction?: number;
  now?: () => number;
  /** A transport to share, or options for a new one. */
  http?: HttpTransport | HttpOptions;
}

/** `http://host:5000` and `http://host:5000/v3/` both mean the v3 API. */
export function normalizeAuthUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

function userJson(u: UserRef): Record<string, unknown> {
  if (u.userId) return { id: u.userId };
  const domain = u.userDomainId ? { id: u.userDomainId } : { name: u.userDomainName ?? 'Default' };
  return { name: u.username, domain };
}

function scopeJson(scope: Scope | undefined): unknown {
  if (scope === undefined) return undefined;
  if (scope === 'unscoped') return 'unscoped';
  if ('trustId' in scope) return { 'OS-TRUST:trust': { id: scope.trustId } };
  if ('projectId' in scope) return { project: { id: scope.projectId } };
  if ('projectName' in scope) {
    const domain = scope.projectDomainId ? { id: scope.projectDomainId } : { name: scope.projectDomainName ?? 'Default' };
    return { project: { name: scope.projectName, domain } };
  }
  if ('domainId' in scope) return { domain: { id: scope.domainId } };
  if ('domainName' in scope) return { domain: { name: scope.domainName } };
  return { system: { all: true } };
}

/** The POST /v3/auth/tokens body for a set of credentials. */
export function authBody(c: Credentials): Record<string, unknown> {
  let identity: Record<string, unknown>;
  let scope: unknown;
  switch (c.type) {
    case 'password':
      identity = { methods: ['password'], password: { user: { ...userJson(c), password: c.password } } };
      scope = scopeJson(c.scope);
      break;
    case 'application_credential': {
      // By id the secret suffices; by name Keystone needs the owning user.
      const ref = c.id ? { id: c.id } : { name: c.name, user: userJson(c.user ?? {}) };
      identity = { methods: ['application_credential'], application_credential: { ...ref, secret: c.secret } };
      break;
    }
    case 'token':
      identity = { methods: ['token'], token: { id: c.token } };
      scope = scopeJson(c.scope);
      break;
  }
  return { auth: scope === undefined ? { identity } : { identity, scope } };
}

const secretsOf = (c: Credentials): string[] =>
  c.type === 'password' ? [c.password] : c.type === 'application_credential' ? [c.secret] : [c.token];

/**
 * One authenticated identity against one Keystone: issues a token, re-issues it at 80% of its
 * lifetime (or when a service answers 401), and resolves service endpoints from its catalog.
 * Concurrent callers share one authentication request.
 */
export class KeystoneSession {
  readonly authUrl: string;
  readonly http: HttpTransport;
  readonly region?: string;
  readonly interface: EndpointInterface;
  private readonly renewFraction: number;
  private readonly now: () => number;
  private current?: TokenInfo;
  private pending?: Promise<TokenInfo>;

  constructor(private readonly options: SessionOptions) {
    this.authUrl = normalizeAuthUrl(options.authUrl);
    this.http = options.http instanceof HttpTransport ? options.http : new HttpTransport(options.http);
    this.region = options.region;
    this.interface = options.interface ?? 'public';
    this.renewFraction = options.renewFraction ?? 0.8;
    this.now = options.now ?? Date.now;
  }

  /** The current token, re-issued first when it is past its renewal point. */
  async auth(): Promise<TokenInfo> {
    const cur = this.current;
    if (cur && this.now() < cur.renewAt) return cur;
    this.pending ??= this.authenticate().finally(() => (this.pending = undefined));
    return this.pending;
  }

  async token(): Promise<string> {
    return (await this.auth()).token;
  }

  /** Forgets `stale` (a token a service refused) so the next call re-authenticates. */
  invalidate(stale?: string): void {
    if (!stale || this.current?.token === stale) this.current = undefined;
  }

  /** The endpoint URL for the first of `types` found in the catalog (no trailing slash). */
  async endpoint(types: string | readonly string[], iface: EndpointInterface = this.interface): Promise<string> {
    const { catalog } = await this.auth();
    return findEndpoint(catalog, typeof types === 'string' ? [types] : types, iface, this.region);
  }

  private async authenticate(): Promise<TokenInfo> {
    const source = this.options.credentials;
    if (!('get' in source)) return this.issue(source);
    const c = await source.get();
    try {
      return await this.issue(c);
    } catch (err) {
      if (!(err instanceof OpenStackError) || (err.status !== 401 && err.status !== 404)) throw err;
      // The token behind the credentials may have been revoked or expired early: once more, fresh.
      source.refused(c);
      return this.issue(await source.get());
    }
  }

  private async issue(c: Credentials): Promise<TokenInfo> {
    const res = await this.http.send<TokenDocument>({
      service: 'keystone',
      method: 'POST',
      url: `${this.authUrl}/auth/tokens`,
      body: authBody(c),
      secrets: secretsOf(c),
    });
    const token = res.headers.get('x-subject-token');
    if (!token || !res.body?.token) throw new Error(`Keystone at ${this.authUrl} answered ${res.status} without a token`);
    const t = res.body.token;
    const receivedAt = this.now();
    const expiresAt = Date.parse(t.expires_at);
    // The lifetime comes from Keystone's own two timestamps, so clock skew between hosts cancels out.
    const lifetime = Math.max(0, expiresAt - Date.parse(t.issued_at));
    this.current = {
      token,
      receivedAt,
      renewAt: receivedAt + lifetime * this.renewFraction,
      expiresAt,
      userId: t.user.id,
      userName: t.user.name,
      projectId: t.project?.id,
      projectName: t.project?.name,
      domainId: t.domain?.id,
      roles: (t.roles ?? []).map((r) => r.name),
      catalog: t.catalog ?? [],
      trustId: t['OS-TRUST:trust']?.id,
    };
    return this.current;
  }
}

/**
 * Acting through a trust with `trustee`'s token (Keystone's token method) rather than its
 * password: Keystone checks the password (a deliberately slow hash) once per trustee token,
 * not once per trust, and the trust itself is still checked at every issue.
 */
export function trustThrough(trustee: KeystoneSession, trustId: string): CredentialSource {
  return {
    get: async () => ({ type: 'token', token: await trustee.token(), scope: { trustId } }),
    refused: (c) => {
      if (c.type === 'token') trustee.invalidate(c.token);
    },
  };
}
