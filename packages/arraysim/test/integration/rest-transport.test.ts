import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { ArrayModel } from '../../src/index.js';
import { ArrayRestClient, createSelfSignedTls, serveArrayRest } from '../../src/rest/index.js';
import { assertError, names, type List } from '../helpers/rest.js';

// HTTPS, advertised versions, continuation-token paging and the request rate limit.

const clock = new ManualClock();
const model = ArrayModel.open(':memory:', clock);
model.createArray('fa-a');
const apiToken = model.createApiToken('fa-a', 'pureuser');
after(() => model.close());

async function serve(opts: Parameters<typeof serveArrayRest>[2] = {}): Promise<{ url: string; ca: string; c: ArrayRestClient }> {
  const s = await serveArrayRest(model, 'fa-a', { clock, ...opts });
  after(() => s.close());
  const c = new ArrayRestClient(s.url, { ca: s.ca });
  return { ...s, c };
}

test('the face is HTTPS only, with a certificate its CA verifies for 127.0.0.1 and localhost', async () => {
  const t0 = Date.now();
  const tls = await createSelfSignedTls();
  assert.ok(Date.now() - t0 < 1000, 'certificates are made in well under a second');
  const { url, ca } = await serve({ tls });
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(ca, tls.ca);
  assert.equal((await new ArrayRestClient(url, { ca }).login(apiToken)).status, 200);
  const viaName = new ArrayRestClient(url.replace('127.0.0.1', 'localhost'), { ca });
  assert.equal((await viaName.call('GET', '/api/api_version')).status, 200);
  // Without the CA the certificate is not trusted; plain HTTP gets no answer from the face.
  await assert.rejects(new ArrayRestClient(url).call('GET', '/api/api_version'), /self[- ]signed|unable to verify|certificate/i);
  await assert.rejects(new ArrayRestClient(url.replace('https:', 'http:')).call('GET', '/api/api_version'));
  // A second certificate from the same CA (a lab's) is trusted by that CA.
  const again = await createSelfSignedTls({ ca: { cert: tls.ca, key: tls.caKey } });
  assert.equal(again.ca, tls.ca);
  const other = await serve({ tls: again });
  assert.equal((await new ArrayRestClient(other.url, { ca: tls.ca }).call('GET', '/api/api_version')).status, 200);
});

test('versions: what is advertised is served; anything else answers 404', async () => {
  const { c } = await serve({ versions: ['2.0', '2.1', '2.20'] });
  assert.deepEqual((await c.call<{ version: string[] }>('GET', '/api/api_version')).body.version, ['2.0', '2.1', '2.20']);
  assert.equal((await c.login(apiToken)).status, 200);
  assert.equal((await c.call('GET', '/api/2.1/arrays')).status, 200);
  assertError(await c.call('GET', '/api/2.4/arrays'), 404);
  const dflt = (await serve()).c;
  await dflt.login(apiToken);
  assert.equal((await dflt.call('GET', '/api/2.36/arrays')).status, 200);
  assertError(await dflt.call('GET', '/api/2.37/arrays'), 404);
});

test('paging: limit gives x-next-token (and continuation_token), which fetches the next page', async () => {
  for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) model.createVolume('fa-a', n, 1 << 20);
  const { c } = await serve();
  await c.login(apiToken);
  const seen: string[] = [];
  let token: string | null = null;
  for (let page = 0; page < 5; page++) {
    const query: Record<string, string | number> = { limit: 2, sort: 'name', filter: "name='p*'" };
    if (token) query.continuation_token = token;
    const a = await c.call<List<{ name: string }>>('GET', 'volumes', { query });
    assert.equal(a.status, 200, a.text);
    seen.push(...names(a.body));
    token = a.headers.get('x-next-token');
    assert.equal(token, a.body.continuation_token);
    if (!token) break;
  }
  assert.deepEqual(seen, ['p1', 'p2', 'p3', 'p4', 'p5']);
});

test('rate limit: 429 over the limit with Retry-After; every answer carries the X-RateLimit headers', async () => {
  const { c } = await serve({ rateLimit: { perSecond: 3, perMinute: 5 } });
  const plain = (await serve()).c;
  assert.equal((await plain.call('GET', '/api/api_version')).headers.get('x-ratelimit-limit-second'), null, 'off by default');
  clock.advance(60_000 - (clock.now() % 60_000));
  const first = await c.call('GET', '/api/api_version');
  assert.equal(first.headers.get('x-ratelimit-limit-second'), '3');
  assert.equal(first.headers.get('x-ratelimit-remaining-second'), '2');
  assert.equal(first.headers.get('x-ratelimit-limit-minute'), '5');
  assert.equal(first.headers.get('x-ratelimit-remaining-minute'), '4');
  await c.call('GET', '/api/api_version');
  await c.call('GET', '/api/api_version');
  const over = await c.call('GET', '/api/api_version');
  // Kong's body, as the array's gateway answers (not the array's error list).
  assert.equal(over.status, 429);
  assert.deepEqual(over.body, { message: 'API rate limit exceeded' });
  assert.equal(over.headers.get('retry-after'), '1');
  assert.equal(over.headers.get('x-ratelimit-remaining-second'), '0');
  clock.advance(1000);
  assert.equal((await c.call('GET', '/api/api_version')).status, 200);
  await c.call('GET', '/api/api_version');
  const minute = await c.call('GET', '/api/api_version');
  assert.equal(minute.status, 429);
  assert.equal(minute.headers.get('retry-after'), '59');
  assert.equal(minute.headers.get('x-ratelimit-remaining-minute'), '0');
});
