// FlashArraySession against a fake HTTPS FlashArray: version negotiation, login and the session
// token, the array-name check, re-login on 401, paging, and what its errors say.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ArrayCallError, FlashArraySession } from '../../src/storage/flasharray/rest/index.js';
import { errorBody, FakeFlashArray, fakeSession } from '../helpers/fake-flasharray.js';
import { code } from '../helpers/storage.js';

let fake: FakeFlashArray;
before(async () => {
  fake = await FakeFlashArray.start();
});
after(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.collections = { volumes: [{ name: 'v1' }] };
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('connects lazily: api_version, login with the api-token header, arrays; then x-auth-token on every call', async () => {
  const { session } = fakeSession(fake);
  assert.equal(session.version, null);
  assert.deepEqual(await session.get('volumes'), [{ name: 'v1' }]);
  assert.equal(session.version, '2.20');
  assert.deepEqual(session.info, { id: 'a1b2', name: 'fa-a', os: 'Purity//FA', version: '6.5.3' });
  assert.deepEqual(
    fake.requests.map((r) => `${r.method} ${r.path}`),
    ['GET /api/api_version', 'POST /api/2.20/login', 'GET /api/2.20/arrays', 'GET /api/2.20/volumes'],
  );
  const [versions, login, arrays, volumes] = fake.requests;
  assert.equal(versions?.headers['x-auth-token'], undefined);
  assert.equal(login?.headers['api-token'], fake.apiToken);
  assert.equal(login?.headers['x-auth-token'], undefined);
  assert.equal(arrays?.headers['x-auth-token'], fake.issued[0]);
  assert.equal(volumes?.headers['x-auth-token'], fake.issued[0]);
  assert.equal(volumes?.headers['api-token'], undefined, 'the API token is sent to login only');
  assert.equal(volumes?.headers.accept, 'application/json');
  assert.match(String(volumes?.headers['x-request-id']), UUID);
  assert.notEqual(arrays?.headers['x-request-id'], volumes?.headers['x-request-id']);
  // Connected once: later calls go straight to the endpoint.
  await session.get('volumes');
  assert.equal(fake.count('POST', 'login'), 1);
  await session.close();
  assert.equal(fake.count('POST', 'logout'), 1);
  assert.equal(fake.sessions.size, 0);
  await assert.rejects(session.get('volumes'), code('invalid', /session is closed/));
});

test('negotiation picks the highest version both know: an array offering 2.0..2.36 gets 2.20, 1.x..2.12 gets 2.12', async () => {
  fake.versions = [...Array.from({ length: 20 }, (_, i) => `1.${i}`), ...Array.from({ length: 37 }, (_, i) => `2.${i}`), '2.DEV'];
  const { session } = fakeSession(fake);
  await session.connect();
  assert.equal(session.version, '2.20');
  await session.close();

  fake.versions = [...Array.from({ length: 20 }, (_, i) => `1.${i}`), ...Array.from({ length: 13 }, (_, i) => `2.${i}`)];
  const older = fakeSession(fake).session;
  await older.get('volumes');
  assert.equal(older.version, '2.12');
  assert.equal(fake.requests.at(-1)?.path, '/api/2.12/volumes');
  await older.close();

  const pinned = fakeSession(fake, { versions: ['2.10'] }).session;
  await pinned.connect();
  assert.equal(pinned.version, '2.10');
  await pinned.close();
});

test('an array offering only 2.0..2.3 is refused, naming both lists, the minimum and why; no login is tried', async () => {
  fake.versions = ['1.17', '1.18', '1.19', '2.0', '2.1', '2.2', '2.3'];
  const { session } = fakeSession(fake);
  await assert.rejects(session.get('volumes'), code('invalid', /array 'fa-a': no common FlashArray REST version: the array offers 1\.17-1\.19, 2\.0-2\.3; this client speaks 2\.4-2\.20; the array's newest is 2\.3, older than the minimum 2\.4: .*upgrade Purity\/\/FA/));
  assert.equal(fake.count('POST', 'login'), 0);
  assert.equal(session.version, null);
  assert.throws(() => new FlashArraySession({ array: 'fa-a', url: fake.url, apiToken: 'x', versions: ['2.3'] }), code('invalid', /2\.3 cannot be used.*2\.4 or later/));
});

test('a wrong API token is invalid, and the message says so without the token', async () => {
  const { session } = fakeSession(fake, { apiToken: 'wrong-token-abcdef' });
  const err = await session.connect().catch((e: unknown) => e);
  assert.ok(err instanceof ArrayCallError);
  assert.equal(err.code, 'invalid');
  assert.equal(err.status, 401);
  assert.match(err.message, /^array 'fa-a': POST \/api\/2\.20\/login answered 401: \/api\/2\.20\/login: Invalid credentials\. — the array refused the API token configured for 'fa-a'/);
  assert.doesNotMatch(err.message, /wrong-token-abcdef/);
  assert.equal(fake.count('POST', 'login'), 1, 'a refused token is not tried again');
});

test('the wrong array at the address is refused, naming both, and its session is logged out', async () => {
  fake.name = 'fa-b';
  const { session } = fakeSession(fake);
  await assert.rejects(session.connect(), code('invalid', new RegExp(`array 'fa-a': https://127\\.0\\.0\\.1:${fake.port} is array 'fa-b', not 'fa-a'; check the management address configured for 'fa-a'`)));
  assert.equal(session.version, null);
  assert.equal(fake.count('POST', 'logout'), 1);
  assert.equal(fake.sessions.size, 0);
  // Names compare as the array does, without case.
  fake.name = 'FA-A';
  await session.connect();
  assert.equal(session.version, '2.20');
  await session.close();
});

test('a 401 mid-session (expired session) logs in again once and the call succeeds; concurrent calls share the login', async () => {
  const { session } = fakeSession(fake);
  await session.connect();
  fake.expireSessions();
  const [a, b] = await Promise.all([session.get('volumes'), session.get('volumes')]);
  assert.deepEqual(a, [{ name: 'v1' }]);
  assert.deepEqual(b, [{ name: 'v1' }]);
  assert.equal(fake.count('POST', 'login'), 2);
  assert.equal(fake.issued.length, 2);
  assert.equal(fake.requests.at(-1)?.headers['x-auth-token'], fake.issued[1]);
  await session.close();
});

test('a 401 again after the re-login is invalid (one re-login per call), without any token in the message', async () => {
  fake.on((r) => (r.endpoint === 'volumes' ? { status: 401, body: errorBody(`Session token ${String(r.headers['x-auth-token'])} is invalid.`, r.path) } : undefined));
  const { session } = fakeSession(fake);
  const err = await session.get('volumes').catch((e: unknown) => e);
  assert.ok(err instanceof ArrayCallError);
  assert.equal(err.code, 'invalid');
  assert.match(err.message, /GET \/api\/2\.20\/volumes .*answered 401: .*refused the session again after logging in again/);
  assert.equal(fake.count('GET', 'volumes'), 2);
  assert.equal(fake.count('POST', 'login'), 2);
  for (const t of [...fake.issued, fake.apiToken]) assert.ok(!err.message.includes(t), 'no token in the message');
  assert.match(err.message, /Session token \*\*\* is invalid/);
  await session.close();
});

test('list() follows x-next-token through 3 pages with limit and continuation_token', async () => {
  fake.collections.volumes = [1, 2, 3, 4, 5].map((i) => ({ name: `v${i}` }));
  const { session } = fakeSession(fake, { pageSize: 2 });
  const all = await session.list<{ name: string }>('volumes', { destroyed: false });
  assert.deepEqual(all.map((v) => v.name), ['v1', 'v2', 'v3', 'v4', 'v5']);
  const pages = fake.requests.filter((r) => r.endpoint === 'volumes');
  assert.equal(pages.length, 3);
  assert.deepEqual(pages.map((p) => [p.query.get('limit'), p.query.get('destroyed'), p.query.get('continuation_token')]), [
    ['2', 'false', null],
    ['2', 'false', 'Mg=='],
    ['2', 'false', 'NA=='],
  ]);
  // A limit in the query is the page size.
  fake.requests.length = 0;
  assert.equal((await session.list('volumes', { limit: 4 })).length, 5);
  assert.equal(fake.count('GET', 'volumes'), 2);
  await session.close();
});

test('queries: lists joined with commas, booleans and numbers as text, undefined left out, empty lists refused', async () => {
  const { session } = fakeSession(fake);
  await session.get('volumes', { names: ['v1', 'pod::v2', 'fa-b:pg.1.v3'], destroyed: true, limit: 5, filter: "name='x y'", sort: undefined });
  const q = fake.requests.at(-1)?.query;
  assert.equal(q?.get('names'), 'v1,pod::v2,fa-b:pg.1.v3');
  assert.equal(q?.get('destroyed'), 'true');
  assert.equal(q?.get('limit'), '5');
  assert.equal(q?.get('filter'), "name='x y'");
  assert.equal(q?.has('sort'), false);
  await assert.rejects(session.get('volumes', { names: [] }), code('invalid', /'names' is an empty list/));
  await assert.rejects(session.get('volumes?names=x'), code('invalid', /not a REST endpoint path/));
  await assert.rejects(session.get('../login'), code('invalid', /not a REST endpoint path/));
  await session.close();
});

test('post/patch send JSON bodies and return items; delete returns nothing', async () => {
  fake.on((r) => {
    if (r.endpoint !== 'protection-groups') return undefined;
    if (r.method === 'DELETE') return { status: 200 };
    return { body: { items: [{ name: r.query.get('names'), got: JSON.parse(r.body) as unknown }] } };
  });
  const { session } = fakeSession(fake);
  assert.deepEqual(await session.post('protection-groups', { names: 'pg1' }, { replication_schedule: { enabled: true } }), [
    { name: 'pg1', got: { replication_schedule: { enabled: true } } },
  ]);
  assert.equal(fake.requests.at(-1)?.headers['content-type'], 'application/json');
  assert.deepEqual(await session.patch('protection-groups', { names: ['pg1'] }, { destroyed: true }), [{ name: 'pg1', got: { destroyed: true } }]);
  assert.equal(await session.delete('protection-groups', { names: ['pg1'] }), undefined);
  await session.close();
});

test("errors name the array, method, path, query, status and the array's messages with context; 400 is classified", async () => {
  fake.on((r) => {
    if (r.endpoint === 'protection-groups') return { status: 400, body: errorBody('Protection group already exists.', 'pg1') };
    if (r.endpoint === 'volumes' && r.method === 'PATCH') return { status: 400, body: errorBody('Volume does not exist.', 'v9') };
    if (r.endpoint === 'pods') return { status: 400, body: { errors: [{ context: 'p1', message: 'Invalid value.' }, { message: 'Pod name is too long.' }] } };
    return undefined;
  });
  const { session } = fakeSession(fake);
  const err = await session.post('protection-groups', { names: 'pg1', continuation_token: 'abc' }).catch((e: unknown) => e);
  assert.ok(err instanceof ArrayCallError);
  assert.equal(err.message, "array 'fa-a': POST /api/2.20/protection-groups (names=pg1) answered 400: pg1: Protection group already exists.");
  assert.equal(err.code, 'conflict');
  assert.deepEqual([err.status, err.method, err.path, err.errors], [400, 'POST', '/api/2.20/protection-groups', [{ context: 'pg1', message: 'Protection group already exists.' }]]);
  assert.match(String(err.requestId), UUID);
  await assert.rejects(session.patch('volumes', { names: ['v9'] }, { destroyed: true }), code('not_found', /PATCH \/api\/2\.20\/volumes \(names=v9\) answered 400: v9: Volume does not exist\.$/));
  await assert.rejects(session.post('pods', { names: 'p1' }), code('failed', /answered 400: p1: Invalid value\.; Pod name is too long\.$/));
  assert.equal(fake.count('POST', 'protection-groups'), 1, '400 is never retried');
  await session.close();
});

test('an answer that is not JSON fails with its first 200 characters; a redirect is not followed', async () => {
  const html = `<html><body>${'Proxy error. '.repeat(40)}</body></html>`;
  fake.on((r) => (r.endpoint === 'volumes' ? { raw: html } : undefined));
  fake.on((r) => (r.endpoint === 'hosts' ? { status: 302, headers: { location: 'https://elsewhere/' } } : undefined));
  const { session } = fakeSession(fake);
  const err = await session.get('volumes').catch((e: unknown) => e);
  assert.ok(err instanceof ArrayCallError);
  assert.equal(err.code, 'failed');
  assert.ok(err.message.startsWith("array 'fa-a': GET /api/2.20/volumes answered 200: the answer is not JSON: <html><body>Proxy error."));
  assert.ok(err.message.includes(`${html.slice(0, 200)}…`));
  assert.ok(!err.message.includes(html.slice(0, 201)));
  await assert.rejects(session.get('hosts'), code('invalid', /answered 302: redirects are not followed \(to https:\/\/elsewhere\/\)/));
  assert.equal(fake.count('GET', 'hosts'), 1);
  await session.close();
});

test('construction refuses http://, other schemes, paths, credentials and a missing token', () => {
  const make = (url: string, apiToken = 't') => () => new FlashArraySession({ array: 'fa-a', url, apiToken });
  assert.throws(make('http://10.0.0.1'), code('invalid', /array 'fa-a': the management address 'http:\/\/10\.0\.0\.1' uses http:\/\/; FlashArrays serve their REST API over HTTPS only/));
  assert.throws(make('ftp://10.0.0.1'), code('invalid', /HTTPS only/));
  assert.throws(make('https://10.0.0.1/api'), code('invalid', /has a path or query/));
  assert.throws(make('https://user:pw@10.0.0.1'), (e: unknown) => code('invalid', /must not carry a user name or password/)(e) && !String(e).includes('pw@'));
  assert.throws(make('fa-a.example.com', ''), code('invalid', /no API token/));
  const s = new FlashArraySession({ array: 'fa-a', url: 'fa-a.example.com:8443', apiToken: 't' });
  assert.equal(s.version, null);
  void s.close();
});
