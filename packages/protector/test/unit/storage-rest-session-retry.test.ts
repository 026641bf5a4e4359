// FlashArraySession's retries and failures against a fake HTTPS FlashArray: 429 back-off, 5xx,
// connection refused, timeouts (and POSTs that may have reached the array), TLS verification.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ArrayCallError } from '../../src/storage/flasharray/rest/index.js';
import { closedPort } from '../helpers/closed-port.js';
import { errorBody, FakeFlashArray, fakeSession, type FakeHandler } from '../helpers/fake-flasharray.js';
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

/** Answers `replies` in turn to requests on `endpoint` (any method), then lets the defaults answer. */
function script(endpoint: string, ...replies: ReturnType<FakeHandler>[]): void {
  let i = 0;
  fake.on((r) => (r.endpoint === endpoint && i < replies.length ? replies[i++] : undefined));
}

const busy = { status: 429, body: errorBody('Rate limit exceeded.') };

test("429 honours Retry-After, else waits 60 s when the minute's quota is spent and 1 s otherwise, then succeeds", async () => {
  script('volumes', { ...busy, headers: { 'Retry-After': '7' } }, { ...busy, headers: { 'X-RateLimit-Remaining-minute': '0' } }, { ...busy, headers: { 'X-RateLimit-Remaining-minute': '12' } });
  const { session, slept } = fakeSession(fake);
  assert.deepEqual(await session.get('volumes'), [{ name: 'v1' }]);
  assert.deepEqual(slept, [7000, 60_000, 1000]);
  assert.equal(fake.count('GET', 'volumes'), 4);
  await session.close();
});

test('429 forever is unreachable once the next wait would pass the per-call budget', async () => {
  fake.on((r) => (r.endpoint === 'volumes' ? { ...busy, headers: { 'Retry-After': '2' } } : undefined));
  const { session, slept } = fakeSession(fake, { maxRateLimitWaitMs: 5000 });
  const err = await session.get('volumes').catch((e: unknown) => e);
  assert.ok(err instanceof ArrayCallError);
  assert.equal(err.code, 'unreachable');
  assert.equal(err.status, 429);
  assert.match(err.message, /^array 'fa-a': GET \/api\/2\.20\/volumes answered 429: Rate limit exceeded\. — still rate limited after waiting 4000 ms; the next wait \(2000 ms\) would pass the 5000 ms allowed per call$/);
  assert.deepEqual(slept, [2000, 2000]);
  assert.equal(fake.count('GET', 'volumes'), 3);
  await session.close();
});

test('503 is retried with exponential back-off and then succeeds, for GET and for POST (the array served nothing)', async () => {
  const unavailable = { status: 503, body: errorBody('Service unavailable.') };
  script('volumes', unavailable, unavailable);
  const { session, slept } = fakeSession(fake, { retryDelayMs: 100 });
  assert.deepEqual(await session.get('volumes'), [{ name: 'v1' }]);
  assert.deepEqual(slept, [100, 200]);
  script('protection-group-snapshots', unavailable, { body: { items: [{ name: 'pg1.1' }] } });
  assert.deepEqual(await session.post('protection-group-snapshots', { source_names: ['pg1'] }), [{ name: 'pg1.1' }]);
  assert.equal(fake.count('POST', 'protection-group-snapshots'), 2);
  await session.close();
});

test('503 forever is unreachable after `retries` retries, with the array message', async () => {
  fake.on((r) => (r.endpoint === 'volumes' ? { status: 503, body: errorBody('The array is busy.') } : undefined));
  const { session, slept } = fakeSession(fake, { retries: 2 });
  await assert.rejects(session.get('volumes'), code('unreachable', /^array 'fa-a': GET \/api\/2\.20\/volumes answered 503: The array is busy\. — gave up after 3 attempts$/));
  assert.equal(fake.count('GET', 'volumes'), 3);
  assert.deepEqual(slept, [10, 20]);
  await session.close();
});

test('500 and 501 are failed without a retry; 502/504 retry a GET but not a POST', async () => {
  fake.on((r) => (r.endpoint === 'volumes' && r.method === 'POST' ? { status: 500, body: errorBody('Internal error.', 'v1') } : undefined));
  fake.on((r) => (r.endpoint === 'pods' ? { status: 501, body: errorBody('Not implemented.') } : undefined));
  fake.on((r) => (r.endpoint === 'hosts' ? { status: 504, body: errorBody('Gateway timeout.') } : undefined));
  const { session } = fakeSession(fake, { retries: 2 });
  await assert.rejects(session.post('volumes', { names: 'v1' }, { provisioned: 1024 }), code('failed', /POST \/api\/2\.20\/volumes \(names=v1\) answered 500: v1: Internal error\.$/));
  assert.equal(fake.count('POST', 'volumes'), 1);
  await assert.rejects(session.get('pods'), code('failed', /answered 501/));
  assert.equal(fake.count('GET', 'pods'), 1);
  await assert.rejects(session.get('hosts'), code('unreachable', /answered 504: Gateway timeout\. — gave up after 3 attempts/));
  assert.equal(fake.count('GET', 'hosts'), 3);
  await assert.rejects(session.post('hosts', { names: 'h1' }), code('unreachable', /answered 504/));
  assert.equal(fake.count('POST', 'hosts'), 1);
  await session.close();
});

test('4xx are never retried: 400, 403 (invalid), 404', async () => {
  fake.on((r) => (r.endpoint === 'volumes' ? { status: 400, body: errorBody('Invalid filter.', 'filter') } : undefined));
  fake.on((r) => (r.endpoint === 'admins' ? { status: 403, body: errorBody('Permission denied.') } : undefined));
  const { session, slept } = fakeSession(fake);
  await assert.rejects(session.get('volumes', { filter: 'x' }), code('failed', /answered 400: filter: Invalid filter\.$/));
  await assert.rejects(session.get('admins'), code('invalid', /answered 403: Permission denied\. — the API token's user may not do this/));
  await assert.rejects(session.get('no-such-endpoint'), code('failed', /answered 404/));
  assert.deepEqual([fake.count('GET', 'volumes'), fake.count('GET', 'admins'), fake.count('GET', 'no-such-endpoint')], [1, 1, 1]);
  assert.deepEqual(slept, []);
  await session.close();
});

test('connection refused is retried, then unreachable', async () => {
  const port = await closedPort();
  const { session, slept } = fakeSession(fake, { url: `127.0.0.1:${port}`, retries: 2 });
  await assert.rejects(
    session.post('volumes', { names: 'v1' }),
    code('unreachable', new RegExp(`^array 'fa-a': GET /api/api_version got no answer: connection refused by 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) \\(gave up after 3 attempts\\)$`)),
  );
  assert.deepEqual(slept, [10, 20]);
  await session.close();
});

test('a timeout aborts the attempt: a GET is retried, a POST that may have reached the array is not', async () => {
  fake.on((r) => (r.endpoint === 'volumes' ? 'hang' : undefined));
  const { session, slept } = fakeSession(fake, { timeoutMs: 300, retries: 1 });
  await session.connect();
  const started = Date.now();
  await assert.rejects(session.get('volumes'), code('unreachable', /GET \/api\/2\.20\/volumes got no answer: no answer from 127\.0\.0\.1:\d+ within 300 ms \(gave up after 2 attempts\)$/));
  assert.equal(fake.count('GET', 'volumes'), 2);
  await assert.rejects(
    session.post('volumes', { names: 'v2' }, { provisioned: 1024 }),
    code('unreachable', /POST \/api\/2\.20\/volumes \(names=v2\) got no answer: no answer .* within 300 ms; not sent again: the request may have reached the array/),
  );
  assert.equal(fake.count('POST', 'volumes'), 1);
  assert.ok(Date.now() - started < 2000);
  assert.deepEqual(slept, [10]);
  await session.close();
});

test('a connection reset after the request was sent: GET retried, POST not', async () => {
  script('volumes', 'reset');
  const { session } = fakeSession(fake, { retries: 1 });
  assert.deepEqual(await session.get('volumes'), [{ name: 'v1' }]);
  fake.on((r) => (r.endpoint === 'protection-groups' ? 'reset' : undefined));
  await assert.rejects(session.post('protection-groups', { names: 'pg1' }), code('unreachable', /was reset .*not sent again/));
  assert.equal(fake.count('POST', 'protection-groups'), 1);
  await session.close();
});

test("TLS: the right CA works; no CA (system CAs) is invalid naming the 'ca' option, and is not retried", async () => {
  const { session, slept } = fakeSession(fake, { ca: undefined });
  const err = await session.get('volumes').catch((e: unknown) => e);
  assert.ok(err instanceof ArrayCallError);
  assert.equal(err.code, 'invalid');
  assert.match(err.message, /^array 'fa-a': GET \/api\/api_version got no answer: the certificate of 127\.0\.0\.1:\d+ could not be verified \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY): .*\)\. Give the session the CA bundle .* \(the 'ca' option\), or, in a lab only, turn certificate verification off \(verifyTls: false\)$/);
  assert.deepEqual(slept, []);
  assert.equal(fake.requests.length, 0);
  await session.close();
  // The certificate names both 127.0.0.1 (used everywhere else) and localhost.
  const byName = fakeSession(fake, { url: `localhost:${fake.port}` }).session;
  await byName.connect();
  assert.equal(byName.version, '2.20');
  await byName.close();
});

test('verifyTls false connects without the CA and warns once per session', async () => {
  const warnings: string[] = [];
  const { session } = fakeSession(fake, { ca: undefined, verifyTls: false, warn: (m) => warnings.push(m) });
  await session.get('volumes');
  fake.expireSessions();
  await session.get('volumes');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /array 'fa-a': TLS certificate verification is off for https:\/\/127\.0\.0\.1:\d+; .* only in a lab/);
  assert.ok(!warnings[0]?.includes(fake.apiToken));
  await session.close();
});

test('the API token never appears in an error, even when the array echoes it', async () => {
  fake.on((r) => (r.endpoint === 'login' ? { status: 400, body: errorBody(`API token ${String(r.headers['api-token'])} is malformed.`) } : undefined));
  const { session } = fakeSession(fake);
  const err = await session.connect().catch((e: unknown) => e);
  assert.ok(err instanceof ArrayCallError);
  assert.equal(err.code, 'invalid');
  assert.ok(!err.message.includes(fake.apiToken));
  assert.match(err.message, /API token \*\*\* is malformed\./);
  await session.close();
});
