import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Site, type Clock } from '@protector/cloudsim';
import { buildApi } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { readinessChecks } from '../../src/api/readiness.js';
import { openStackProbe } from '../../src/api/site-probe.js';
import { DbBus } from '../../src/bus/index.js';
import type { Kysely } from 'kysely';
import { openDatabase, syncDatabase, type Database } from '../../src/db/index.js';
import { testDatabaseUrl } from './test-db.js';
import { SecretBox } from '../../src/db/secrets.js';
import { Sites, type Site as RegisteredSite } from '../../src/db/sites.js';
import { TenantMappings } from '../../src/db/tenant-mappings.js';
import { createSiteClients, KeystoneClient, KeystoneSession, TokenValidator } from '@protector/openstack';
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
  /** A token of the user's own, never shared with other callers (to revoke it, for example). */
  newToken(user: 'admin' | 'alice' | 'bob' | 'carol'): Promise<string>;
  call<T = Record<string, unknown>>(method: string, path: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Answer<T>>;
  /** With `peer: true`: the second site, registered with site-a (local) and a tenant mapping demo → peer demo. */
  peer?: PeerSite;
}

/**
 * The peer of a `startApi({ peer: true })` harness: a second cloudsim site with the same users
 * (alice member and bob reader of demo, carol member of other), both sites registered in the
 * API's database, site-a local, and alice's project mapped to demo on the peer. Both sites offer
 * the volume types replicated-async, replicated-sync and standard.
 */
export interface PeerSite {
  site: Site;
  projects: { demo: string; other: string };
  local: RegisteredSite;
  remote: RegisteredSite;
  /** A token for the user on the peer site (what the CLI sends as X-Peer-Auth-Token). */
  token(user: 'admin' | 'alice' | 'bob' | 'carol'): Promise<string>;
  /** A server of alice's on site-a booted from a volume of the first type, with one more volume attached per further type. */
  bootServer(name: string, volumeTypes: string[]): Promise<{ serverId: string; volumeIds: string[] }>;
}

/** The pairing secret of every harness pair (DESIGN §5.6); tests sign documents as a site with it. */
export const PAIRING_SECRET = 'harness-pairing-secret-0123456789abcdefghijklmnopq';

const PROJECTS = { admin: 'admin', alice: 'demo', bob: 'demo', carol: 'other' } as const;
const PASSWORDS = { admin: 'secret', alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' } as const;

/** The users and projects every harness site has. */
function populate(site: Site): { demo: string; other: string } {
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
  return { demo: demo.id, other: other.id };
}

const VOLUME_TYPES: Record<string, Record<string, string>> = {
  'replicated-async': { replication_enabled: '<is> True', replication_type: '<in> async' },
  'replicated-sync': { replication_enabled: '<is> True', replication_type: '<in> sync' },
  standard: {},
};

/** A password token of `user`, scoped to `project`, from the Keystone at `authUrl`. */
export async function passwordToken(authUrl: string, user: string, password: string, project: string): Promise<string> {
  const res = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, password, domain: { id: 'default' } } } },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    }),
  });
  const t = res.headers.get('x-subject-token');
  if (!t) throw new Error(`no token for ${user}: ${res.status}`);
  return t;
}

/** Password tokens from a site's Keystone, one per user, cached. */
function tokenSource(authUrl: string): (user: keyof typeof PASSWORDS) => Promise<string> {
  const tokens = new Map<string, string>();
  return async (user) => {
    const cached = tokens.get(user);
    if (cached) return cached;
    const t = await passwordToken(authUrl, user, PASSWORDS[user], PROJECTS[user]);
    tokens.set(user, t);
    return t;
  };
}

/** JSON calls to an API at `url`; without a token in the options, `defaultToken` is sent. */
export function httpCaller(url: string, defaultToken: () => Promise<string>): ApiHarness['call'] {
  return async <T,>(method: string, path: string, o: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
    const tk = o.token === undefined ? await defaultToken() : o.token;
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
}

/**
 * `peerOf`: protector-api of that harness's peer site instead (site-b local, site-a its peer,
 * demo mapped to site-a's demo, the same pairing secret): the two form a real pair.
 */
export async function startApi(opts: { cacheSeconds?: number; peer?: boolean; clock?: Clock; peerOf?: ApiHarness; openDb?: (url: string) => Kysely<Database> } = {}): Promise<ApiHarness> {
  const pairedWith = opts.peerOf?.peer;
  const site = pairedWith ? pairedWith.site : await Site.start({ name: 'site-a', basePort: 0, bootTimeMs: 0, ...(opts.clock ? { clock: opts.clock } : {}) });
  const { demo, other } = pairedWith ? pairedWith.projects : populate(site);
  const adminProject = site.keystone.ensureProject('admin', 'default').id;
  if (!pairedWith) {
    site.arrays.createArray('peer-array');
    site.arrays.connectArrays('site-a-array', 'peer-array', { type: 'sync-replication' });
  }

  const authUrl = `${site.url('keystone')}/v3`;
  const service = new KeystoneSession({
    authUrl,
    credentials: { type: 'password', username: 'admin', password: 'secret', userDomainId: 'default', scope: { projectName: 'admin', projectDomainId: 'default' } },
  });
  const db = (opts.openDb ?? openDatabase)(await testDatabaseUrl());
  await syncDatabase(db);
  const storage = pairedWith
    ? new MockStorageDriver({ model: opts.peerOf!.site.arrays, localArray: 'peer-array', peerArray: 'site-a-array' })
    : new MockStorageDriver({ model: site.arrays, localArray: 'site-a-array', peerArray: 'peer-array' });
  const logs: string[] = [];
  const deps: ApiDeps = {
    logger: createLogger({ service: 'protector-api', level: 'debug', destination: { write: (line: string) => void logs.push(line) } }),
    metrics: createMetrics({ defaultMetrics: false }),
    healthChecks: readinessChecks(db),
    db,
    box: new SecretBox('test-secret-key-0123456789'),
    enforcer: new Enforcer({}),
    tokens: new TokenValidator(new KeystoneClient(service), { cacheSeconds: opts.cacheSeconds ?? 30 }),
    probe: openStackProbe({ storage: () => storage, timeoutMs: 5000 }),
    storage: async () => storage,
    bus: new DbBus(db, { owner: 'protector-api-test', pollMs: 50 }),
    limits: { defaultLimit: 100, maxLimit: 1000 },
    wwwAuthenticateUri: authUrl,
    // Every answer of every test is checked against its response schema (undeclared fields fail).
    checkResponses: true,
  };
  const app = await buildApi(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  after(async () => {
    await app.close();
    await db.destroy();
    if (!pairedWith) await site.stop();
  });

  const token = tokenSource(authUrl);

  const call = httpCaller(url, () => token('admin'));

  if (pairedWith) await registerPair(deps, { local: site, remote: opts.peerOf!.site, localDemo: demo, remoteDemo: opts.peerOf!.projects.demo });
  const peer = opts.peer && !pairedWith ? await startPeer(site, deps) : undefined;
  if (peer) after(() => peer.site.stop());
  const newToken = (user: keyof typeof PASSWORDS) => passwordToken(authUrl, user, PASSWORDS[user], PROJECTS[user]);
  return { site, app, deps, logs, url, projects: { demo, other, admin: adminProject }, token, newToken, call, peer };
}

async function startPeer(a: Site, deps: ApiDeps): Promise<PeerSite> {
  const b = await Site.start({ name: 'site-b', basePort: 0, bootTimeMs: 0 });
  const projects = populate(b);
  for (const s of [a, b]) {
    for (const [name, extra_specs] of Object.entries(VOLUME_TYPES)) s.cinder.types.insert({ id: randomUUID(), name, description: null, is_public: true, extra_specs, projects: [] });
    s.nova.createFlavor({ name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 });
  }
  const aDemo = a.keystone.projects.find((p) => p.name === 'demo')?.id ?? '';
  const { local, remote } = await registerPair(deps, { local: a, remote: b, localDemo: aDemo, remoteDemo: projects.demo });

  const bootServer = async (name: string, volumeTypes: string[]) => {
    const c = createSiteClients({
      authUrl: `${a.url('keystone')}/v3`,
      credentials: { type: 'password', username: 'alice', password: PASSWORDS.alice, userDomainId: 'default', scope: { projectName: 'demo', projectDomainId: 'default' } },
    });
    const volumeIds: string[] = [];
    for (const [i, type] of volumeTypes.entries()) {
      const v = await c.cinder.createVolume({ size: 1, volume_type: type, name: `${name}-vol${i}` });
      await c.cinder.waitForVolumeStatus(v.id, 'available', { intervalMs: 20, timeoutMs: 10_000 });
      volumeIds.push(v.id);
    }
    const flavor = await c.nova.findFlavorByName('m1.tiny');
    if (!flavor || !volumeIds[0]) throw new Error('flavor or root volume missing');
    const { id } = await c.nova.createServer({
      name,
      flavorRef: flavor.id,
      networks: 'none',
      block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', uuid: volumeIds[0], boot_index: 0 }],
    });
    await c.nova.waitForServerStatus(id, 'ACTIVE', { intervalMs: 20, timeoutMs: 10_000 });
    const novaUrl = a.url('nova');
    for (const volumeId of volumeIds.slice(1)) {
      const res = await fetch(`${novaUrl}/v2.1/servers/${id}/os-volume_attachments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Auth-Token': await c.session.token() },
        body: JSON.stringify({ volumeAttachment: { volumeId } }),
      });
      if (!res.ok) throw new Error(`attach ${volumeId}: ${res.status} ${await res.text()}`);
    }
    return { serverId: id, volumeIds };
  };
  return { site: b, projects, local, remote, token: tokenSource(`${b.url('keystone')}/v3`), bootServer };
}

/** Both sites registered in the API's database (`local` local), demo mapped to the peer's demo, the pair paired. */
async function registerPair(deps: ApiDeps, p: { local: Site; remote: Site; localDemo: string; remoteDemo: string }): Promise<{ local: RegisteredSite; remote: RegisteredSite }> {
  const sites = new Sites(deps.db, deps.box);
  const register = async (s: Site, isLocal: boolean) =>
    (await sites.create({
      name: s.ctx.name,
      description: '',
      is_local: isLocal,
      auth_url: `${s.url('keystone')}/v3`,
      region_name: 'RegionOne',
      credentials: { username: 'admin', password: 'secret', user_domain_name: 'Default', project_name: 'admin', project_domain_name: 'Default' },
      array: { name: `${s.ctx.name}-array`, url: null, api_token: null },
    })) as RegisteredSite;
  const local = await register(p.local, true);
  const remote = await register(p.remote, false);
  await new TenantMappings(deps.db).create({ local_project_id: p.localDemo, remote_site_id: remote.id, remote_project_id: p.remoteDemo, description: '' });
  await sites.setPairing(remote.id, PAIRING_SECRET);
  return { local, remote };
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
