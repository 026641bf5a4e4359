// protector-dashboard's server against two real sites (cloudsim Keystones, each site's own
// protector-api): a user logs in to both, gets an HttpOnly SameSite cookie and a CSRF token,
// reads the PG table with both sites' sync state; a change without the CSRF token is refused;
// with one site down the login still works on the other, and the PG table says UNREACHABLE.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCliLab } from '../../../protectorclient/test/helpers/cli-lab.js';
import { ALICE } from '../../../protector/test/helpers/two-sites.js';
import { COOKIE } from '../../src/server/index.js';
import { dashboardOn, DEMO, logIn } from '../helpers/dashboard-server.js';

const lab = await startCliLab();
const app = dashboardOn(lab);
const login = () => app.inject({ method: 'POST', url: '/api/login', payload: DEMO });

test('log in to both sites: an HttpOnly SameSite cookie, a CSRF token, nothing secret in the answer', async () => {
  const r = await login();
  assert.equal(r.statusCode, 200, r.body);
  const setCookie = String(r.headers['set-cookie']);
  assert.match(setCookie, new RegExp(`^${COOKIE}=[A-Za-z0-9_-]{40,}; Path=/; HttpOnly; SameSite=Strict; Max-Age=\\d+$`));
  const body = r.json() as { user: string; csrf_token: string; sites: { name: string; logged_in: boolean }[]; failures: unknown[] };
  assert.equal(body.user, ALICE.name);
  assert.deepEqual(body.sites.map((s) => [s.name, s.logged_in]), [['site-a', true], ['site-b', true]]);
  assert.deepEqual(body.failures, []);
  assert.ok(!r.body.includes(ALICE.password) && !/gAAAA|token"\s*:/.test(r.body.replace(/csrf_token/g, '')), 'no password or Keystone token reaches the browser');

  const bad = await app.inject({ method: 'POST', url: '/api/login', payload: { username: ALICE.name, password: 'wrong', project: 'demo' } });
  assert.equal(bad.statusCode, 401);
  assert.match((bad.json() as { error: { message: string } }).error.message, /no site accepted the login: site-(a|b): /);
  const missing = await app.inject({ method: 'POST', url: '/api/login', payload: { username: ALICE.name } });
  assert.deepEqual(missing.json(), { error: { code: 'bad_request', message: "'password' is required" } });
});

test('the PG table reads both sites; a change without the CSRF token is refused; logout ends the session', async () => {
  const created = await lab.protector(['protection-group', 'create', 'dash-pg', '-f', 'json']);
  assert.equal(created.code, 0, created.stderr);
  const alice = await logIn(app);
  const { cookie, csrf } = alice;

  const table = await alice.read<{ protection_groups: { name: string; sync: string; replication_type: string }[] }>('/api/protection-groups');
  const row = table.protection_groups.find((p) => p.name === 'dash-pg');
  assert.ok(row, JSON.stringify(table));
  assert.equal(row.replication_type, 'async');
  assert.equal(row.sync, 'IN SYNC');
  const overview = await alice.read<{ sites: { name: string; reachable: boolean }[] }>('/api/overview');
  assert.deepEqual(overview.sites.map((s) => [s.name, s.reachable]), [['site-a', true], ['site-b', true]]);

  assert.equal((await app.inject({ method: 'GET', url: '/api/protection-groups' })).statusCode, 401, 'no cookie, no data');
  const forged = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
  assert.equal(forged.statusCode, 403);
  const out = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(out.statusCode, 204);
  assert.equal((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode, 401);
});

test("with site-b's Protector down, the pages still answer from site-a: the table says UNREACHABLE, the overview why", async () => {
  await lab.api.b.stop();
  try {
    const alice = await logIn(app);
    const table = await alice.read<{ protection_groups: { name: string; sync: string }[] }>('/api/protection-groups');
    assert.equal(table.protection_groups.find((p) => p.name === 'dash-pg')?.sync, 'UNREACHABLE');
    const overview = await alice.read<{ sites: { name: string; reachable: boolean; error: string | null }[] }>('/api/overview');
    assert.equal(overview.sites[1]?.reachable, false);
    assert.ok(overview.sites[1]?.error);
  } finally {
    await lab.api.b.start();
  }
});

/** An application credential of ALICE's on one site's Keystone (each site issues its own). */
async function appCredential(keystone: string, name: string): Promise<{ id: string; secret: string }> {
  const auth = await fetch(`${keystone}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: ALICE.name, password: ALICE.password, domain: { name: 'Default' } } } }, scope: { project: { name: 'demo', domain: { name: 'Default' } } } } }),
  });
  assert.equal(auth.status, 201, await auth.clone().text());
  const token = auth.headers.get('x-subject-token')!;
  const userId = ((await auth.json()) as { token: { user: { id: string } } }).token.user.id;
  const r = await fetch(`${keystone}/v3/users/${userId}/application_credentials`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': token }, body: JSON.stringify({ application_credential: { name } }) });
  assert.equal(r.status, 201, await r.clone().text());
  const ac = ((await r.json()) as { application_credential: { id: string; secret: string } }).application_credential;
  return { id: ac.id, secret: ac.secret };
}

test('log in with an application credential per site; a site left out is not logged in to; a bad secret is refused', async () => {
  const a = await appCredential(lab.t.a.url('keystone'), 'dash-a');
  const b = await appCredential(lab.t.b.url('keystone'), 'dash-b');
  const both = await app.inject({ method: 'POST', url: '/api/login', payload: { method: 'application_credential', credentials: { 'site-a': a, 'site-b': b } } });
  assert.equal(both.statusCode, 200, both.body);
  const view = both.json() as { user: string; sites: { name: string; logged_in: boolean; project: string | null }[]; failures: unknown[] };
  assert.equal(view.user, ALICE.name);
  assert.deepEqual(view.sites.map((s) => [s.name, s.logged_in, s.project]), [['site-a', true, 'demo'], ['site-b', true, 'demo']]);
  assert.ok(!both.body.includes(a.secret) && !both.body.includes(b.secret), 'no secret in the answer');
  // The session works: the PG table reads through the credentials' tokens.
  const cookie = String(both.headers['set-cookie']).split(';')[0]!;
  assert.equal((await app.inject({ method: 'GET', url: '/api/protection-groups', headers: { cookie } })).statusCode, 200);

  const one = await app.inject({ method: 'POST', url: '/api/login', payload: { method: 'application_credential', credentials: { 'site-a': a } } });
  assert.equal(one.statusCode, 200, one.body);
  const oneView = one.json() as { sites: { name: string; logged_in: boolean }[]; failures: { site: string; error: string }[] };
  assert.deepEqual(oneView.sites.map((s) => s.logged_in), [true, false]);
  assert.deepEqual(oneView.failures, [{ site: 'site-b', error: 'no application credential given for this site' }]);

  const bad = await app.inject({ method: 'POST', url: '/api/login', payload: { method: 'application_credential', credentials: { 'site-a': { id: a.id, secret: 'wrong' } } } });
  assert.equal(bad.statusCode, 401);
  const unknown = await app.inject({ method: 'POST', url: '/api/login', payload: { method: 'application_credential', credentials: { 'site-c': a } } });
  assert.deepEqual(unknown.json(), { error: { code: 'bad_request', message: "'credentials.site-c': no site of that name (site-a, site-b)" } });
  const noSecret = await app.inject({ method: 'POST', url: '/api/login', payload: { method: 'application_credential', credentials: { 'site-a': { id: a.id } } } });
  assert.deepEqual(noSecret.json(), { error: { code: 'bad_request', message: "'credentials.site-a.secret' is required" } });
});
