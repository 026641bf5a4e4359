import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();

test('keystone issues a project token whose catalog names every service of the site', async () => {
  const res = await ts.call<{ token: { catalog: { type: string; endpoints: { url: string }[] }[]; roles: { name: string }[] } }>(
    'keystone',
    'POST',
    '/v3/auth/tokens',
    {
      token: null,
      body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'secret', domain: { name: 'Default' } } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } },
    },
  );
  assert.equal(res.status, 201);
  const types = res.body.token.catalog.map((c) => c.type).sort();
  assert.deepEqual(types, ['block-storage', 'compute', 'identity', 'image', 'network', 'volumev3']);
  const compute = res.body.token.catalog.find((c) => c.type === 'compute')!;
  assert.equal(compute.endpoints[0]!.url, `${ts.site.url('nova')}/v2.1`);
  assert.deepEqual(res.body.token.roles.map((r) => r.name).sort(), ['admin', 'member', 'reader']);
});

test('a wrong password is 401 in Keystone error shape', async () => {
  const res = await ts.call('keystone', 'POST', '/v3/auth/tokens', {
    token: null,
    body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'nope', domain: { id: 'default' } } } } } },
  });
  assert.equal(res.status, 401);
  assert.deepEqual(Object.keys(res.body), ['error']);
  assert.equal((res.body.error as { code: number }).code, 401);
});

test('a body missing a required field is 400 naming it', async () => {
  const res = await ts.call<{ error: { message: string } }>('keystone', 'POST', '/v3/auth/tokens', { token: null, body: { auth: { identity: {} } } });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /auth\.identity\.methods/);
});

test('malformed JSON is 400, not 500', async () => {
  const res = await ts.call('keystone', 'POST', '/v3/auth/tokens', { token: null, body: '{"auth":' });
  assert.equal(res.status, 400);
});

test('token validation by GET and HEAD, then revocation', async () => {
  const admin = await ts.adminToken();
  const user = await ts.tenant('demo');
  let res = await ts.call('keystone', 'GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': user.token } });
  assert.equal(res.status, 200);
  res = await ts.call('keystone', 'HEAD', '/v3/auth/tokens', { headers: { 'X-Subject-Token': user.token } });
  assert.equal(res.status, 200);
  res = await ts.call('keystone', 'DELETE', '/v3/auth/tokens', { token: admin, headers: { 'X-Subject-Token': user.token } });
  assert.equal(res.status, 204);
  res = await ts.call('keystone', 'GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': user.token } });
  assert.equal(res.status, 404);
});

test('fault switches: down refuses connections, latency delays, up restores', async () => {
  let res = await ts.call('sim', 'PUT', '/sim/faults', { token: null, body: { service: 'keystone', down: true } });
  assert.equal(res.status, 200);
  await assert.rejects(fetch(`${ts.site.url('keystone')}/v3`), /fetch failed/);
  res = await ts.call('sim', 'PUT', '/sim/faults', { token: null, body: { service: 'keystone', down: false, latency_ms: 50 } });
  assert.equal(res.status, 200);
  const t0 = Date.now();
  res = await ts.call('keystone', 'GET', '/v3', { token: null });
  assert.equal(res.status, 200);
  assert.ok(Date.now() - t0 >= 45);
  res = await ts.call('sim', 'PUT', '/sim/faults', { token: null, body: { service: 'bogus', down: true } });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body), /service/);
  res = await ts.call('sim', 'DELETE', '/sim/faults', { token: null });
  assert.equal(res.status, 204);
});

test('boot fault switches: PUT adds a pattern, GET lists, DELETE clears, bad input is 400 naming the field', async () => {
  let res = await ts.call('sim', 'PUT', '/sim/faults/boot', { token: null, body: { name_pattern: 'app-2*', message: 'rack down' } });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { boot_faults: [{ name_pattern: 'app-2*', message: 'rack down' }] });
  res = await ts.call('sim', 'PUT', '/sim/faults/boot', { token: null, body: { name_pattern: 'db-*' } });
  assert.equal(res.status, 200);
  res = await ts.call('sim', 'GET', '/sim/faults/boot', { token: null });
  assert.deepEqual(res.body, {
    boot_faults: [
      { name_pattern: 'app-2*', message: 'rack down' },
      { name_pattern: 'db-*', message: 'There are not enough hosts available.' },
    ],
  });
  assert.equal(ts.site.faults.bootFailure('app-21'), 'No valid host was found. rack down');
  for (const [body, field] of [
    [{ message: 'x' }, 'name_pattern'],
    [{ name_pattern: '' }, 'name_pattern'],
    [{ name_pattern: 'a*', message: 5 }, 'message'],
    [{ name_pattern: 'a*', colour: 'red' }, 'colour'],
  ] as const) {
    res = await ts.call('sim', 'PUT', '/sim/faults/boot', { token: null, body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(JSON.stringify(res.body), new RegExp(field));
  }
  res = await ts.call('sim', 'DELETE', '/sim/faults/boot', { token: null });
  assert.equal(res.status, 204);
  res = await ts.call('sim', 'GET', '/sim/faults/boot', { token: null });
  assert.deepEqual(res.body, { boot_faults: [] });
});

test('the Cinder endpoint carries the token project, as Keystone fills in $(project_id)s', async () => {
  const demo = await ts.tenant('catalog-demo');
  const res = await ts.call<{ token: { catalog: { type: string; endpoints: { url: string }[] }[] } }>('keystone', 'GET', '/v3/auth/tokens', {
    headers: { 'X-Subject-Token': demo.token },
  });
  const volume = res.body.token.catalog.find((c) => c.type === 'volumev3')!;
  assert.equal(volume.endpoints[0]!.url, `${ts.site.url('cinder')}/v3/${demo.projectId}`);
});
