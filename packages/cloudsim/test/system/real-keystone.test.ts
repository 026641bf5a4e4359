// cloudsim's Nova, Cinder, Neutron and Glance behind a real Keystone (Debian's python3-keystone,
// started by .ci/run): tokens issued there are validated there, revocation included.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Site } from '../../src/site.js';
import { openstack, type CliAuth } from './openstack-cli.js';

const KEYSTONE = process.env.KEYSTONE_URL;
const ADMIN_PASSWORD = process.env.KEYSTONE_ADMIN_PASSWORD;
if (!KEYSTONE || !ADMIN_PASSWORD) {
  throw new Error('KEYSTONE_URL and KEYSTONE_ADMIN_PASSWORD must point at a real Keystone (see scripts/system/keystone.sh; .ci/run starts one)');
}

async function ks<T = Record<string, unknown>>(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T; subject: string | null }> {
  const res = await fetch(KEYSTONE + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { 'X-Auth-Token': token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, subject: res.headers.get('x-subject-token') };
}

async function passwordToken(user: string, password: string, project: string): Promise<string> {
  const res = await ks('POST', '/auth/tokens', null, {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, password, domain: { id: 'default' } } } },
      scope: { project: { name: project, domain: { id: 'default' } } },
    },
  });
  assert.equal(res.status, 201, `token for ${user}: ${JSON.stringify(res.body)}`);
  return res.subject!;
}

/** Finds a named object in a Keystone collection or creates it. */
async function ensure(admin: string, collection: string, key: string, fields: Record<string, unknown>): Promise<string> {
  const found = await ks<Record<string, { id: string }[]>>('GET', `/${collection}?name=${encodeURIComponent(String(fields.name))}`, admin);
  const existing = found.body[collection]?.[0];
  if (existing) return existing.id;
  const made = await ks<Record<string, { id: string }>>('POST', `/${collection}`, admin, { [key]: fields });
  assert.equal(made.status, 201, `create ${key}: ${JSON.stringify(made.body)}`);
  return made.body[key]!.id;
}

let site: Site;
let admin: string;
let demoAuth: CliAuth;

before(async () => {
  admin = await passwordToken('admin', ADMIN_PASSWORD, 'admin');
  const roles = await ks<{ roles: { id: string; name: string }[] }>('GET', '/roles', admin);
  const role = (name: string) => roles.body.roles.find((r) => r.name === name)!.id;
  const service = await ensure(admin, 'projects', 'project', { name: 'service', domain_id: 'default' });
  const demo = await ensure(admin, 'projects', 'project', { name: 'demo', domain_id: 'default' });
  const svcUser = await ensure(admin, 'users', 'user', { name: 'cloudsim', password: 'cloudsim-pw', domain_id: 'default' });
  const demoUser = await ensure(admin, 'users', 'user', { name: 'demo', password: 'demo-pw', domain_id: 'default' });
  assert.equal((await ks('PUT', `/projects/${service}/users/${svcUser}/roles/${role('admin')}`, admin)).status, 204);
  assert.equal((await ks('PUT', `/projects/${demo}/users/${demoUser}/roles/${role('member')}`, admin)).status, 204);

  site = await Site.start({
    name: 'behind-real-keystone',
    basePort: 17100,
    bootTimeMs: 200,
    externalKeystone: {
      authUrl: KEYSTONE,
      username: 'cloudsim',
      password: 'cloudsim-pw',
      projectName: 'service',
      userDomainName: 'Default',
      projectDomainName: 'Default',
      cacheSeconds: 0,
    },
  });
  // Register the simulated services in the real Keystone's catalog, as a deployer would.
  const entries: [string, string, string][] = [
    ['compute', 'nova', `${site.url('nova')}/v2.1`],
    ['volumev3', 'cinderv3', `${site.url('cinder')}/v3/$(project_id)s`],
    ['block-storage', 'cinder', `${site.url('cinder')}/v3/$(project_id)s`],
    ['network', 'neutron', site.url('neutron')],
    ['image', 'glance', site.url('glance')],
  ];
  for (const [type, name, url] of entries) {
    const services = await ks<{ services: { id: string }[] }>('GET', `/services?type=${type}`, admin);
    for (const s of services.body.services) await ks('DELETE', `/services/${s.id}`, admin);
    const svc = await ks<{ service: { id: string } }>('POST', '/services', admin, { service: { type, name, enabled: true } });
    await ks('POST', '/endpoints', admin, { endpoint: { service_id: svc.body.service.id, interface: 'public', region_id: 'RegionOne', url, enabled: true } });
  }
  demoAuth = { authUrl: KEYSTONE, username: 'demo', password: 'demo-pw', projectName: 'demo' };
});
after(() => site?.stop());

test('a token from the real Keystone is accepted by every simulated service', async () => {
  const token = await passwordToken('demo', 'demo-pw', 'demo');
  for (const [service, path] of [['nova', '/v2.1/servers'], ['neutron', '/v2.0/networks'], ['glance', '/v2/images']] as const) {
    const res = await fetch(site.url(service) + path, { headers: { 'X-Auth-Token': token } });
    assert.equal(res.status, 200, `${service} ${path}`);
  }
});

test('an unknown token is 401 with the Keystone URL in WWW-Authenticate', async () => {
  const res = await fetch(`${site.url('nova')}/v2.1/servers`, { headers: { 'X-Auth-Token': 'gAAAAAnot-a-token' } });
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate') ?? '', new RegExp(KEYSTONE));
});

test('a token revoked in the real Keystone stops working in cloudsim', async () => {
  const token = await passwordToken('demo', 'demo-pw', 'demo');
  let res = await fetch(`${site.url('neutron')}/v2.0/networks`, { headers: { 'X-Auth-Token': token } });
  assert.equal(res.status, 200);
  const revoke = await fetch(`${KEYSTONE}/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': admin, 'X-Subject-Token': token } });
  assert.equal(revoke.status, 204);
  res = await fetch(`${site.url('neutron')}/v2.0/networks`, { headers: { 'X-Auth-Token': token } });
  assert.equal(res.status, 401);
});

test('roles come from the real Keystone: a member cannot create flavors', async () => {
  const token = await passwordToken('demo', 'demo-pw', 'demo');
  const res = await fetch(`${site.url('nova')}/v2.1/flavors`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ flavor: { name: 'x', vcpus: 1, ram: 64, disk: 1 } }),
  });
  assert.equal(res.status, 403);
});

test('the real openstack CLI works through the real Keystone catalog', async () => {
  await openstack(demoAuth, ['network', 'create', 'rk-net', '-f', 'json']);
  const networks = await openstack<{ Name: string }[]>(demoAuth, ['network', 'list', '-f', 'json']);
  assert.ok(networks.some((n) => n.Name === 'rk-net'));
  const vol = await openstack<{ name: string }>(demoAuth, ['volume', 'create', '--size', '1', 'rk-vol', '-f', 'json']);
  assert.equal(vol.name, 'rk-vol');
  const vols = await openstack<{ Name: string }[]>(demoAuth, ['volume', 'list', '-f', 'json']);
  assert.ok(vols.some((v) => v.Name === 'rk-vol'));
  await openstack(demoAuth, ['server', 'list', '-f', 'json']);
  await openstack(demoAuth, ['image', 'list', '-f', 'json']);
});
