import { KeystoneSession } from '@protector/openstack';
import { ProtectorClient, type SiteHandle } from '@protector/protectorclient';
import { randomBytes } from 'node:crypto';
import type { DashboardSite } from './site-pair.js';

/**
 * What a user types to log in: a password (the same on both sites, as their clouds.yaml would
 * hold), or an application credential per site (each site's Keystone issues its own; a site
 * left out is not logged in to).
 */
export type LoginInput =
  | { method: 'password'; username: string; password: string; project: string; userDomain?: string; projectDomain?: string }
  | { method: 'application_credential'; credentials: Record<string, { id: string; secret: string }> };

/** One site's login: a token-only Keystone session (no password kept) and the SDK client over it. */
export interface SiteLogin {
  handle: SiteHandle;
  expiresAt: number;
  userName: string;
  projectName: string | undefined;
  roles: string[];
}

export interface DashboardSession {
  id: string;
  /** Sent back in the X-CSRF-Token header on every change; the cookie alone never suffices. */
  csrf: string;
  logins: Map<string, SiteLogin>;
}

/** A site that could not be logged in to, and why (down, wrong password): the other may still do. */
export interface LoginFailure {
  site: string;
  error: string;
}

const newId = (): string => randomBytes(32).toString('base64url');

/**
 * Each user's sessions on the two sites, held server-side: the browser gets only an opaque id
 * (HttpOnly cookie) and a CSRF token. A site's login lasts as long as its Keystone token; the
 * session ends when none is left.
 */
export class Sessions {
  private readonly all = new Map<string, DashboardSession>();

  constructor(
    private readonly sites: readonly DashboardSite[],
    private readonly now: () => number = Date.now,
    private readonly http: { timeoutMs: number } = { timeoutMs: 15_000 },
  ) {}

  /** Logs in to every site that answers; a session exists when at least one accepted. */
  async login(input: LoginInput): Promise<{ session: DashboardSession | null; failures: LoginFailure[] }> {
    const logins = new Map<string, SiteLogin>();
    const failures: LoginFailure[] = [];
    await Promise.all(
      this.sites.map(async (site) => {
        if (input.method === 'application_credential' && !input.credentials[site.name]) {
          failures.push({ site: site.name, error: 'no application credential given for this site' });
          return;
        }
        try {
          logins.set(site.name, await this.loginTo(site, input));
        } catch (err) {
          failures.push({ site: site.name, error: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
    if (logins.size === 0) return { session: null, failures };
    const session: DashboardSession = { id: newId(), csrf: newId(), logins };
    this.all.set(session.id, session);
    return { session, failures };
  }

  private async loginTo(site: DashboardSite, input: LoginInput): Promise<SiteLogin> {
    const common = { authUrl: site.authUrl, region: site.region, interface: site.interface, http: { timeoutMs: this.http.timeoutMs, retries: 0 } };
    const ac = input.method === 'application_credential' ? input.credentials[site.name]! : null;
    const first = new KeystoneSession({
      ...common,
      credentials: ac
        ? { type: 'application_credential', id: ac.id, secret: ac.secret }
        : input.method === 'password'
          ? {
              type: 'password',
              username: input.username,
              password: input.password,
              userDomainName: input.userDomain ?? 'Default',
              scope: { projectName: input.project, projectDomainName: input.projectDomain ?? 'Default' },
            }
          : (undefined as never),
    });
    const info = await first.auth();
    // From here on only the token: renewing it never outlives what Keystone granted.
    const session = new KeystoneSession({ ...common, credentials: { type: 'token', token: info.token, scope: { projectId: info.projectId ?? '' } } });
    return {
      handle: { name: site.name, client: new ProtectorClient({ session, site: site.name, endpointOverride: site.endpoint, timeoutMs: this.http.timeoutMs }) },
      expiresAt: info.expiresAt,
      userName: info.userName,
      projectName: info.projectName,
      roles: info.roles,
    };
  }

  /** The live session of that id, without the logins whose tokens expired (null when none is left). */
  get(id: string | undefined): DashboardSession | null {
    if (!id) return null;
    const s = this.all.get(id);
    if (!s) return null;
    const now = this.now();
    for (const [site, l] of s.logins) if (l.expiresAt <= now) s.logins.delete(site);
    if (s.logins.size === 0) {
      this.all.delete(id);
      return null;
    }
    return s;
  }

  end(id: string): void {
    this.all.delete(id);
  }
}
