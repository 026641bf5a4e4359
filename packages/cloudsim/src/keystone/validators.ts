import type { AuthContext, TokenValidator } from '../auth.js';
import type { KeystoneModel } from './model.js';

/** Validation against this site's own Keystone, always current (no cache to go stale). */
export class LocalTokenValidator implements TokenValidator {
  constructor(private readonly keystone: KeystoneModel) {}
  async validate(token: string): Promise<AuthContext | undefined> {
    const rec = this.keystone.liveToken(token);
    return rec ? this.keystone.authContext(rec) : undefined;
  }
}

export interface ServiceCredentials {
  /** Keystone v3 URL, e.g. http://127.0.0.1:5000/v3 */
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
}

interface TokenDocument {
  token: {
    expires_at: string;
    user: { id: string; name: string; domain: { id: string } };
    project?: { id: string; name: string; domain: { id: string } };
    domain?: { id: string };
    roles?: { name: string }[];
    'OS-TRUST:trust'?: { id: string };
  };
}

/**
 * Validation against another Keystone (a real one fronting this site), as keystonemiddleware
 * does: GET /v3/auth/tokens with X-Subject-Token, authenticated by this service's own token,
 * and a short cache of answers (`cacheSeconds`; 0 disables it).
 */
export class RemoteTokenValidator implements TokenValidator {
  private serviceToken?: { id: string; expiresAt: number };
  private readonly cache = new Map<string, { ctx: AuthContext | undefined; until: number }>();

  constructor(
    private readonly creds: ServiceCredentials,
    private readonly cacheSeconds = 30,
  ) {}

  private async getServiceToken(): Promise<string> {
    if (this.serviceToken && this.serviceToken.expiresAt - 60_000 > Date.now()) return this.serviceToken.id;
    const res = await fetch(`${this.creds.authUrl}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: this.creds.username, password: this.creds.password, domain: { name: this.creds.userDomainName } } },
          },
          scope: { project: { name: this.creds.projectName, domain: { name: this.creds.projectDomainName } } },
        },
      }),
    });
    const id = res.headers.get('x-subject-token');
    if (res.status !== 201 || !id) throw new Error(`service authentication at ${this.creds.authUrl} failed: HTTP ${res.status}`);
    const doc = (await res.json()) as TokenDocument;
    this.serviceToken = { id, expiresAt: Date.parse(doc.token.expires_at) };
    return id;
  }

  async validate(token: string): Promise<AuthContext | undefined> {
    const cached = this.cache.get(token);
    if (cached && cached.until > Date.now()) return cached.ctx;
    let res = await this.ask(token);
    if (res.status === 401) {
      this.serviceToken = undefined; // our own token may have expired; retry once with a fresh one
      res = await this.ask(token);
    }
    let ctx: AuthContext | undefined;
    if (res.status === 200) {
      const t = ((await res.json()) as TokenDocument).token;
      const roles = (t.roles ?? []).map((r) => r.name);
      ctx = {
        token,
        userId: t.user.id,
        userName: t.user.name,
        userDomainId: t.user.domain.id,
        projectId: t.project?.id,
        projectName: t.project?.name,
        projectDomainId: t.project?.domain.id,
        domainId: t.domain?.id,
        roles,
        expiresAt: Date.parse(t.expires_at),
        trustId: t['OS-TRUST:trust']?.id,
        isAdmin: roles.includes('admin'),
      };
    } else if (res.status !== 404) {
      throw new Error(`token validation at ${this.creds.authUrl} failed: HTTP ${res.status}`);
    }
    if (this.cacheSeconds > 0) {
      const until = Math.min(Date.now() + this.cacheSeconds * 1000, ctx?.expiresAt ?? Infinity);
      if (this.cache.size >= 10_000) this.dropExpired();
      this.cache.set(token, { ctx, until });
    }
    return ctx;
  }

  /** Keeps the cache bounded by the tokens seen within one cache period. */
  private dropExpired(): void {
    const now = Date.now();
    for (const [token, entry] of this.cache) if (entry.until <= now) this.cache.delete(token);
  }

  private async ask(token: string): Promise<Response> {
    const headers = { 'X-Auth-Token': await this.getServiceToken(), 'X-Subject-Token': token };
    const url = `${this.creds.authUrl}/auth/tokens?nocatalog`;
    try {
      return await fetch(url, { headers });
    } catch {
      // A pooled connection the server already closed fails once; a GET is safe to repeat.
      return fetch(url, { headers });
    }
  }
}
