import { after } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Site } from '@protector/cloudsim';
import { buildApi } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { openStackProbe } from '../../src/api/site-probe.js';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { SecretBox } from '../../src/db/secrets.js';
import { KeystoneClient } from '../../src/openstack/keystone.js';
import { KeystoneSession } from '../../src/openstack/session.js';
import { TokenValidator } from '../../src/openstack/token-validator.js';
import { createLogger, createMetrics } from '../../src/observability/index.js';
import { Enforcer } from '../../src/policy/index.js';
import { MockStorageDriver } from '../../src/storage/index.js';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * protector-api on a loopback port in front of a cloudsim site whose Keystone validates tokens
 * for real, with users admin (admin), alice (member of demo), bob (reader of demo) and carol
 * (member of other). The site's array is connected to a peer array for the storage driver.
 */
export interface ApiHarness {
  site: Site;
  app: FastifyInstance;
  deps: ApiDeps;
  /** Every JSON log line the API wrote. */
  logs: string[];
  url: string;
  projects: { demo: string; other: string; admin: string };
  token(user: 'admin' | 'alice' | 'bob' | 'carol'): Promise<string>;
  call<T = Record<string, unknown>>(method: string, path: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Answer<T>>;
}

const PASSWORDS = { admin: 'secret', alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' } as const;

export async function startApi(opts: { cacheSeconds?: number } = {}): Promise<ApiHarness> {
  const site = await Site.start({ name: 'site-a', basePort: 0, bootTimeMs: 0 });
  const ks = site.keystone;
  const demo = ks.ensureProject('demo', 'default');
  const other = ks.ensureProject('other', 'default');
  const grant = (name: string, role: string, projectId: string) => {
    const u = ks.createUser({ name, password: PASSWORDS[name as keyof typeof PASSWORDS], default_project_id: projectId });
    ks.ensureAssignment(u.id, ks.ensureRole(role).id, { project_id: projectId });
  };
  grant('alice', 'member', demo.id);
  grant('bob', 'reader', demo.id);
  grant('carol', 'member', other.id);
  const adminProject = ks.ensureProject('admin', 'default').id;
  site.arrays.createArray('peer-array');
  site.arrays.connectArrays('site-a-array', 'peer-array', { type: 'sync-replication' });

  const authUrl = `${site.url('keystone')}/v3`;
  const service = new KeystoneSession({
    authUrl,
    credentials: { type: 'password', username: 'admin', password: 'secret', userDomainId: 'default', scope: { projectName: 'admin', projectDomainId: 'default' } },
  });
  const db = openDatabase('sqlite://');
  await syncDatabase(db);
  const storage = new MockStorageDriver({ model: site.arrays, localArray: 'site-a-array', peerArray: 'peer-array' });
  const logs: string[] = [];
  const deps: ApiDeps = {
    logger: createLogger({ service: 'protector-api', level: 'debug', destination: { write: (line: string) => void logs.push(line) } }),
    metrics: createMetrics({ defaultMetrics: false }),
    healthChecks: { database: async () => db.selectFrom('sites').select('id').limit(1).execute() },
    db,
    box: new SecretBox('test-secret-key-0123456789'),
    enforcer: new Enforcer({}),
    tokens: new TokenValidator(new KeystoneClient(service), { cacheSeconds: opts.cacheSeconds ?? 30 }),
    probe: openStackProbe({ storage: () => storage, timeoutMs: 5000 }),
    limits: { defaultLimit: 100, maxLimit: 1000 },
    wwwAuthenticateUri: authUrl,
  };
  const app = await buildApi(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  after(async () => {
    await app.close();
    await db.destroy();
    await site.stop();
  });

  const tokens = new Map<string, string>();
  const project = { admin: 'admin', alice: 'demo', bob: 'demo', carol: 'other' } as const;
  const token = async (user: keyof typeof PASSWORDS): Promise<string> => {
    const cached = tokens.get(user);
    if (cached) return cached;
    const res = await fetch(`${authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, password: PASSWORDS[user], domain: { id: 'default' } } } },
          scope: { project: { name: project[user], domain: { id: 'default' } } },
        },
      }),
    });
    const t = res.headers.get('x-subject-token');
    if (!t) throw new Error(`no token for ${user}: ${res.status}`);
    tokens.set(user, t);
    return t;
  };

  const call = async <T,>(method: string, path: string, o: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
    const tk = o.token === undefined ? await token('admin') : o.token;
    if (tk) headers['X-Auth-Token'] = tk;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };

  return { site, app, deps, logs, url, projects: { demo: demo.id, other: other.id, admin: adminProject }, token, call };
}

/** A site registration body; `over` replaces fields of `site`. */
export function siteBody(h: ApiHarness, over: Record<string, unknown> = {}): { site: Record<string, unknown> } {
  return {
    site: {
      name: 'site-a',
      description: 'the production site',
      auth_url: `${h.site.url('keystone')}/v3`,
      region_name: 'RegionOne',
      credentials: { username: 'admin', password: 'secret', project_name: 'admin' },
      array: { name: 'site-a-array', url: h.site.url('array'), api_token: '11111111-2222-3333-4444-555555555555' },
      ...over,
    },
  };
}
