// protector-api validating tokens against a real Keystone (Debian's python3-keystone, started by
// .ci/run): tokens issued there are accepted, revoked ones refused, roles drive the policy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildApi } from '../../src/api/app.js';
import type { SiteProbe } from '../../src/api/site-probe.js';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { SecretBox } from '../../src/db/secrets.js';
import { KeystoneClient, KeystoneSession, TokenValidator } from '@protector/openstack';
import { createLogger, createMetrics } from '../../src/observability/index.js';
import { Enforcer } from '../../src/policy/index.js';

const KEYSTONE = process.env.KEYSTONE_URL;
const ADMIN_PASSWORD = process.env.KEYSTONE_ADMIN_PASSWORD;

async function ks(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; subject: string | null }> {
  const res = await fetch(`${KEYSTONE}${path}`, { method, headers: { 'Content-Type': 'application/json', ...(token ? { 'X-Auth-Token': token } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, subject: res.headers.get('x-subject-token') };
}

const passwordToken = async (user: string, password: string, project: string): Promise<string> => {
  const r = await ks('POST', '/auth/tokens', null, { auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { id: 'default' } } } }, scope: { project: { name: project, domain: { id: 'default' } } } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.subject!;
};

async function ensure(admin: string, collection: string, key: string, fields: Record<string, unknown>): Promise<string> {
  const found = await ks('GET', `/${collection}?name=${encodeURIComponent(String(fields.name))}`, admin);
  const existing = (found.body[collection] as { id: string }[] | undefined)?.[0];
  if (existing) return existing.id;
  const made = await ks('POST', `/${collection}`, admin, { [key]: fields });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return (made.body[key] as { id: string }).id;
}

let url = '';
let close: () => Promise<void> = async () => {};
let admin = '';
let member = '';

before(async () => {
  assert.ok(KEYSTONE && ADMIN_PASSWORD, 'KEYSTONE_URL and KEYSTONE_ADMIN_PASSWORD must point at a real Keystone (.ci/run starts one)');
  admin = await passwordToken('admin', ADMIN_PASSWORD, 'admin');
  const roles = (await ks('GET', '/roles', admin)).body.roles as { id: string; name: string }[];
  const role = (name: string) => roles.find((r) => r.name === name)!.id;
  const service = await ensure(admin, 'projects', 'project', { name: 'service', domain_id: 'default' });
  const demo = await ensure(admin, 'projects', 'project', { name: 'demo', domain_id: 'default' });
  const svcUser = await ensure(admin, 'users', 'user', { name: 'protector', password: 'protector-pw', domain_id: 'default' });
  const demoUser = await ensure(admin, 'users', 'user', { name: 'demo-member', password: 'demo-pw', domain_id: 'default' });
  assert.equal((await ks('PUT', `/projects/${service}/users/${svcUser}/roles/${role('admin')}`, admin)).status, 204);
  assert.equal((await ks('PUT', `/projects/${demo}/users/${demoUser}/roles/${role('member')}`, admin)).status, 204);
  member = await passwordToken('demo-member', 'demo-pw', 'demo');

  // The service validates with its own token, as keystonemiddleware does.
  const serviceSession = new KeystoneSession({
    authUrl: KEYSTONE!,
    credentials: { type: 'password', username: 'protector', password: 'protector-pw', userDomainId: 'default', scope: { projectName: 'service', projectDomainId: 'default' } },
  });
  const db = openDatabase('sqlite://');
  await syncDatabase(db);
  const unused: SiteProbe = {
    validate: async () => assert.fail('not called here'),
    volumeTypes: async () => assert.fail('not called here'),
  };
  const app = await buildApi({
    logger: createLogger({ service: 'protector-api', level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    db,
    box: new SecretBox('system-test-secret-key'),
    enforcer: new Enforcer({}),
    tokens: new TokenValidator(new KeystoneClient(serviceSession), { cacheSeconds: 0 }),
    probe: unused,
    limits: { defaultLimit: 100, maxLimit: 1000 },
    wwwAuthenticateUri: KEYSTONE!,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const a = app.server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  close = async () => {
    await app.close();
    await db.destroy();
  };
});
after(() => close());

const get = (path: string, token: string | null) => fetch(url + path, { headers: token ? { 'X-Auth-Token': token } : {} });

test('a real Keystone token is accepted; its roles decide, and a member is refused admin routes', async () => {
  assert.equal((await get('/v1/admin/sites', admin)).status, 200);
  const refused = await get('/v1/admin/sites', member);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /protector:sites:list/);
});

test('no token is a 401 pointing at the real Keystone; a revoked token stops working', async () => {
  const none = await get('/v1/admin/sites', null);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), `Keystone uri="${KEYSTONE}"`);
  const extra = await passwordToken('admin', ADMIN_PASSWORD!, 'admin');
  assert.equal((await get('/v1/admin/sites', extra)).status, 200);
  await fetch(`${KEYSTONE}/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': extra, 'X-Subject-Token': extra } });
  assert.equal((await get('/v1/admin/sites', extra)).status, 401);
});
