import { Coordinator, type SiteHandle } from '@protector/protectorclient';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerActionPlan } from './action-plan.js';
import type { DashboardConfig, SessionView, SiteReach } from '../shared/api.js';
import { registerActions } from './actions.js';
import { registerAdmin } from './admin.js';
import { secretField, textField } from './body.js';
import { HttpError } from './errors.js';
import { registerPgDetail } from './pg-detail.js';
import { registerOperations } from './operations.js';
import { registerPgLifecycle } from './pg-lifecycle.js';
import { registerHealth } from './health.js';
import { registerOverview } from './overview.js';
import { pairOf, reach } from './pair.js';
import { registerPgList } from './pg-list.js';
import { Sessions, type DashboardSession, type LoginInput } from './sessions.js';
import type { DashboardSite } from './site-pair.js';
import { httpErrorOf, why } from './site-errors.js';
import { registerStatic } from './static.js';

export const COOKIE = 'protector_dashboard';

export interface DashboardOptions {
  sites: readonly [DashboardSite, DashboardSite];
  now?: () => number;
  /** Per call to a site's Keystone or Protector. */
  timeoutMs?: number;
  /** Set the cookie's Secure flag (behind HTTPS); off only for a loopback lab. */
  secureCookie?: boolean;
  /** The built pages (default: dist/web beside the server); null serves the API alone. */
  webRoot?: string | null;
}


function cookieOf(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

function setCookie(reply: FastifyReply, value: string, maxAgeS: number, secure: boolean): void {
  // HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it.
  reply.header('set-cookie', `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeS))}${secure ? '; Secure' : ''}`);
}


/**
 * protector-dashboard's server: each user's two site sessions held here (the browser has an
 * HttpOnly cookie and a CSRF token, nothing secret), and a thin JSON API shaped for the pages,
 * made of SDK calls through the Coordinator: the same cross-site rules as the CLI. Continuing
 * with one site when the other is down is allowed; what needs both says so.
 */
export function buildDashboardApp(opts: DashboardOptions): FastifyInstance {
  const now = opts.now ?? Date.now;
  const sessions = new Sessions(opts.sites, now, { timeoutMs: opts.timeoutMs ?? 15_000 });
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });

  app.setErrorHandler((thrown: Error, _req, reply) => {
    const err = httpErrorOf(thrown) as Error;
    if (err instanceof HttpError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(400).send({ error: { code: 'bad_request', message: err.message } });
    return reply.code(502).send({ error: { code: 'site_error', message: why(err) } });
  });

  const session = (req: FastifyRequest): DashboardSession => {
    const s = sessions.get(cookieOf(req));
    if (!s) throw new HttpError(401, 'login_required', 'log in to the sites first (the session ended or the Keystone tokens expired)');
    // Changes need the CSRF token as well as the cookie.
    if (req.method !== 'GET' && req.headers['x-csrf-token'] !== s.csrf) throw new HttpError(403, 'csrf', 'the X-CSRF-Token header is missing or does not match this session');
    return s;
  };

  /** The Coordinator over the sites this user is logged in to, the first of the pair first. */
  const coordinator = (s: DashboardSession): Coordinator => {
    const handles = opts.sites.map((site) => s.logins.get(site.name)?.handle).filter((h): h is SiteHandle => h !== undefined);
    return new Coordinator(handles[0]!, handles[1] ?? null, {
      syncHint: (pg) => `use Sync on protection group ${pg}`,
      peerHint: 'log in to the other site too (it may be down)',
    });
  };

  const describe = (s: DashboardSession): SessionView => ({
    user: [...s.logins.values()][0]?.userName ?? null,
    csrf_token: s.csrf,
    is_admin: [...s.logins.values()].some((l) => l.roles.includes('admin')),
    sites: opts.sites.map((site) => {
      const l = s.logins.get(site.name);
      return { name: site.name, logged_in: l !== undefined, expires_at: l ? new Date(l.expiresAt).toISOString() : null, project: l?.projectName ?? null, roles: l?.roles ?? [] };
    }),
  });

  /** Before login: the pair's names, for the login form. */
  app.get('/api/config', async (): Promise<DashboardConfig> => ({ sites: opts.sites.map((x) => x.name) }));

  app.post('/api/login', async (req, reply) => {
    const { session: s, failures } = await sessions.login(loginInput(req.body, opts.sites));
    if (!s) throw new HttpError(401, 'login_failed', `no site accepted the login: ${failures.map((f) => `${f.site}: ${f.error}`).join('; ')}`);
    const last = Math.max(...[...s.logins.values()].map((l) => l.expiresAt));
    setCookie(reply, s.id, (last - now()) / 1000, opts.secureCookie === true);
    return { ...describe(s), failures };
  });

  app.get('/api/session', async (req) => describe(session(req)));

  app.post('/api/logout', async (req, reply) => {
    sessions.end(session(req).id);
    setCookie(reply, '', 0, opts.secureCookie === true);
    return reply.code(204).send();
  });

  app.get('/api/sites', async (req): Promise<{ sites: SiteReach[] }> => ({ sites: await reach(pairOf(opts.sites, session(req))) }));

  const pairCtx = { session, sites: opts.sites };
  registerOverview(app, { ...pairCtx, now });
  registerPgList(app, pairCtx);
  registerHealth(app, pairCtx);
  registerAdmin(app, pairCtx);
  registerActions(app, { session, coordinator });
  registerPgDetail(app, { session, coordinator });
  registerActionPlan(app, { session, coordinator });
  registerOperations(app, { ...pairCtx, coordinator });
  registerPgLifecycle(app, { session, coordinator });
  if (opts.webRoot !== null) registerStatic(app, opts.webRoot);

  return app;
}


/** The login form: a password for both sites, or an application credential per site. */
function loginInput(body: unknown, sites: readonly DashboardSite[]): LoginInput {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b.method === 'application_credential') {
    const given = (b.credentials ?? {}) as Record<string, unknown>;
    if (typeof given !== 'object' || Array.isArray(given)) throw new HttpError(400, 'bad_request', "'credentials' must map site names to {id, secret}");
    const credentials: Record<string, { id: string; secret: string }> = {};
    for (const [site, c] of Object.entries(given)) {
      if (!sites.some((x) => x.name === site)) throw new HttpError(400, 'bad_request', `'credentials.${site}': no site of that name (${sites.map((x) => x.name).join(', ')})`);
      const cc = (c ?? {}) as Record<string, unknown>;
      if (!cc.id && !cc.secret) continue;
      credentials[site] = { id: textField(cc, 'id', `credentials.${site}.id`), secret: secretField(cc, 'secret', `credentials.${site}.secret`) };
    }
    if (Object.keys(credentials).length === 0) throw new HttpError(400, 'bad_request', "'credentials' needs an application credential for at least one site");
    return { method: 'application_credential', credentials };
  }
  if (b.method !== undefined && b.method !== 'password') throw new HttpError(400, 'bad_request', "'method' must be 'password' or 'application_credential'");
  return {
    method: 'password',
    username: textField(b, 'username'),
    password: secretField(b, 'password'),
    project: textField(b, 'project'),
    userDomain: typeof b.user_domain === 'string' && b.user_domain ? b.user_domain : undefined,
    projectDomain: typeof b.project_domain === 'string' && b.project_domain ? b.project_domain : undefined,
  };
}
