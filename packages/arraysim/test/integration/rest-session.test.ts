import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ArrayModel } from '../../src/index.js';
import { ArrayRestClient, serveArrayRest } from '../../src/rest/index.js';
import { ManualClock } from '../../src/clock.js';
import { assertError } from '../helpers/rest.js';

// Sessions, versions, error shapes and array faults of the FlashArray REST face.

const clock = new ManualClock();
const model = ArrayModel.open(':memory:', clock);
const IDLE = 10 * 60 * 1000;
let url = '';
let ca = '';
let close: () => Promise<void> = async () => {};
let apiToken = '';

before(async () => {
  model.createArray('fa-a');
  apiToken = model.createApiToken('fa-a', 'pureuser');
  ({ url, ca, close } = await serveArrayRest(model, 'fa-a', { clock, sessionIdleMs: IDLE }));
});
after(async () => {
  await close();
  model.close();
});
const client = (version?: string) => new ArrayRestClient(url, { ca, version });


test('api_version lists 2.0 up to 2.36 (as Purity//FA 6.7), without a session', async () => {
  const a = await client().call<{ version: string[] }>('GET', '/api/api_version');
  assert.equal(a.status, 200);
  assert.equal(a.body.version[0], '2.0');
  assert.equal(a.body.version.at(-1), '2.36');
  assert.ok(a.body.version.includes('2.4'));
});

test('login exchanges an API token for x-auth-token; any listed version works', async () => {
  for (const version of ['2.0', '2.4', '2.20']) {
    const c = client(version);
    const a = await c.login(apiToken);
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, { items: [{ username: 'pureuser' }] });
    assert.match(c.token ?? '', /^[0-9a-f-]{36}$/);
    assert.equal((await c.call('GET', 'arrays')).status, 200);
  }
});

test('login refuses a wrong or missing API token with 401 and an error body', async () => {
  const c = client();
  assertError(await c.login('00000000-0000-0000-0000-000000000000'), 401, 'login');
  assertError(await c.call('POST', 'login', { token: null }), 401, 'login');
  assertError(await c.login('x'.repeat(5000)), 401, 'login');
  // A token of another array is no good here.
  model.createArray('fa-other');
  const other = model.createApiToken('fa-other', 'pureuser');
  assertError(await c.login(other), 401, 'login');
  assert.equal(c.token, null);
});

test('calls without a session, or with an unknown one, answer 401', async () => {
  const c = client();
  assertError(await c.call('GET', 'volumes'), 401, '/api/2.20/volumes');
  assertError(await c.call('GET', 'volumes', { token: 'not-a-session' }), 401);
  assertError(await c.call('POST', 'logout'), 401);
});

test('a session expires after the idle period; use keeps it alive', async () => {
  const c = client();
  await c.login(apiToken);
  clock.advance(IDLE - 1000);
  assert.equal((await c.call('GET', 'volumes')).status, 200);
  clock.advance(IDLE - 1000);
  assert.equal((await c.call('GET', 'volumes')).status, 200, 'the last call restarted the idle period');
  clock.advance(IDLE);
  assertError(await c.call('GET', 'volumes'), 401);
  // Expired is gone for good, even if the clock were to read earlier.
  assertError(await c.call('GET', 'arrays'), 401);
  assert.equal((await c.login(apiToken)).status, 200);
  assert.equal((await c.call('GET', 'arrays')).status, 200);
});

test('logout ends the session', async () => {
  const c = client();
  await c.login(apiToken);
  const keep = client();
  await keep.login(apiToken);
  assert.equal((await c.call('POST', 'logout')).status, 200);
  assertError(await c.call('GET', 'volumes'), 401);
  assert.equal((await keep.call('GET', 'volumes')).status, 200, 'other sessions stay');
});

test('a revoked API token cannot log in again, but its session lives on', async () => {
  const t = model.createApiToken('fa-a', 'ops');
  const c = client();
  await c.login(t);
  model.revokeApiToken('fa-a', t);
  assert.equal((await c.call('GET', 'arrays')).status, 200);
  assertError(await client().login(t), 401);
});

test('unknown versions, paths and query parameters are refused in the array error shape', async () => {
  const c = client();
  await c.login(apiToken);
  assertError(await c.call('GET', '/api/2.99/volumes'), 404);
  assertError(await c.call('GET', '/api/1.19/volumes'), 404);
  assertError(await c.call('GET', 'no-such-thing'), 404);
  assertError(await c.call('GET', 'volumes', { query: { bogus: 1 } }), 400, 'bogus');
  assertError(await c.call('GET', 'volumes', { query: { limit: 'ten' } }), 400, 'limit');
  assertError(await c.call('GET', 'volumes', { query: { destroyed: 'yes' } }), 400, 'destroyed');
  assertError(await c.call('GET', '/api/2.20/volumes?names=a&names=b'), 400, 'names');
});

test('x-request-id is echoed, or made up when not sent', async () => {
  const c = client();
  const a = await c.call('GET', '/api/api_version', { headers: { 'x-request-id': 'req-42' } });
  assert.equal(a.headers.get('x-request-id'), 'req-42');
  const b = await c.call('GET', '/api/api_version');
  assert.match(b.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test('an array that is down answers 503 to everything; an injected fault answers 500', async () => {
  const c = client();
  await c.login(apiToken);
  model.setArrayDown('fa-a', true);
  try {
    assertError(await c.call('GET', 'volumes'), 503);
    assertError(await c.call('GET', '/api/api_version'), 503);
    assertError(await client().login(apiToken), 503);
  } finally {
    model.setArrayDown('fa-a', false);
  }
  assert.equal((await c.call('GET', 'volumes')).status, 200);
  model.failNext('fa-a', 'createVolume');
  const failed = await c.call('POST', 'volumes', { query: { names: 'v-fault' }, body: { provisioned: 1048576 } });
  assertError(failed, 500, 'v-fault');
  assert.doesNotMatch(failed.text, /at .*\.ts/, 'no stack trace');
  assert.equal((await c.call('POST', 'volumes', { query: { names: 'v-fault' }, body: { provisioned: 1048576 } })).status, 200);
});

test('GET arrays describes this array', async () => {
  const c = client();
  await c.login(apiToken);
  const a = await c.call<{ items: { name: string; id: string; os: string; version: string }[]; total_item_count: number | null }>('GET', 'arrays');
  assert.equal(a.status, 200);
  assert.equal(a.body.items.length, 1);
  assert.equal(a.body.items[0]?.name, 'fa-a');
  assert.equal(a.body.items[0]?.os, 'Purity//FA');
  assert.equal(a.body.items[0]?.id, model.getArray('fa-a').id);
  assert.equal(a.body.total_item_count, null);
});
