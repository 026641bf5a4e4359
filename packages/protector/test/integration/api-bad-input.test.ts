// Every route of protector-api, fed malformed bodies, ids and query strings: always a 4xx in the
// API's error shape that says what is wrong, never a 500 or a stack trace.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { siteBody, startApi } from '../helpers/api.js';
import { assertErrorAnswer, errorAnswer, rawRequest } from '../helpers/error-answers.js';

const h = await startApi();
type Err = { error?: { code?: number; title?: string; message?: string } };

const BODIES: unknown[] = [
  '{not json',
  '[]',
  'null',
  '"text"',
  {},
  { unexpected: true },
  { site: {} },
  { site: { name: 'x'.repeat(300) } },
  { site: 'flat' },
  { site: { name: 5, auth_url: 'ftp://x' } },
  { tenant_mapping: { local_project_id: 7, remote_site_id: [], remote_project_id: null } },
  { tenant_mapping: { local_project_id: 'a'.repeat(500), remote_site_id: 'x', remote_project_id: 'y', extra: 1 } },
];

test('malformed input to every route is a 4xx with a message, never a 5xx', async () => {
  const site = await h.call<{ site: { id: string } }>('POST', '/v1/admin/sites', { body: siteBody(h) });
  assert.equal(site.status, 201);
  const routes = h.app.protectorRoutes.filter((r) => r.url.startsWith('/v1/') && r.url !== '/v1/openapi.json');
  assert.ok(routes.length >= 10, `the API registers its routes (${routes.length})`);
  let requests = 0;
  for (const route of routes) {
    for (const id of [randomUUID(), 'not a valid id!', 'z'.repeat(300), site.body.site.id]) {
      const path = route.url.replace(/:[a-z_]+/g, encodeURIComponent(id));
      const bodies = ['POST', 'PUT', 'PATCH'].includes(route.method) ? BODIES : [undefined];
      for (const body of bodies) {
        const res = await h.call<Err>(route.method, path, { body });
        requests++;
        const where = `${route.method} ${route.url} (${path.slice(0, 60)}) body ${JSON.stringify(body)?.slice(0, 50)}`;
        assert.ok(res.status < 500, `${where} answered ${res.status}: ${res.text.slice(0, 300)}`);
        assert.doesNotMatch(res.text, /\n\s+at /, `${where}: a stack trace`);
        if (res.status >= 400) {
          assert.equal(res.body?.error?.code, res.status, `${where}: error shape: ${res.text.slice(0, 200)}`);
          assert.ok((res.body?.error?.message ?? '').length > 10, `${where}: says what is wrong`);
        }
      }
      const q = await h.call<Err>(route.method, `${path}?bogus=1`);
      assert.ok(q.status === 400 || q.status === 404, `${route.method} ${route.url}?bogus=1 answered ${q.status}`);
    }
  }
  assert.ok(requests > 200, `${requests} requests`);
});

test('the 400s name the field and the reason', async () => {
  const cases: [unknown, RegExp][] = [
    [{ site: { ...siteBody(h).site, name: 'x'.repeat(300) } }, /field\/attribute site\.name\. Must NOT have more than 255 characters/],
    [{ site: { ...siteBody(h).site, auth_url: 'ftp://x' } }, /field\/attribute site\.auth_url\./],
    [{ site: { ...siteBody(h).site, colour: 'blue' } }, /field\/attribute site\.colour\. Additional properties are not allowed/],
    [{ site: { ...siteBody(h).site, credentials: { username: 'u', project_name: 'p' } } }, /field\/attribute site\.credentials\.password\. Required and missing/],
    [{ site: { ...siteBody(h).site, is_local: 'yes' } }, /field\/attribute site\.is_local\. Must be boolean/],
    ['{"site": ', /not valid JSON/],
  ];
  for (const [body, re] of cases) {
    const r = await h.call<Err>('POST', '/v1/admin/sites', { body });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.error?.message ?? '', re);
  }
  const q = await h.call<Err>('GET', '/v1/admin/sites?limit=0');
  assert.match(q.body.error?.message ?? '', /field\/attribute limit\. Must be >= 1/);
  const text = await h.call<Err>('POST', '/v1/admin/sites', { body: 'x', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(text.status, 415);
  const big = await h.call<Err>('POST', '/v1/admin/sites', { body: JSON.stringify({ site: { name: 'x'.repeat(2 * 1024 * 1024) } }) });
  assert.equal(big.status, 413);
  assert.equal((await h.call<Err>('GET', '/v1/nothing-here')).status, 404);
});

test('what the framework answers before our handlers is in the error shape with a request id', async () => {
  const marker = `zq${randomUUID().slice(0, 8)}`; // stands for the caller's input: never echoed
  const admin = await h.token('admin');
  // Unknown routes and methods.
  for (const [method, path] of [['GET', `/v1/${marker}`], ['GET', `/v2/${marker}/x`], ['PATCH', '/v1/admin/sites'], ['DELETE', `/v1/admin/tenant-mappings?${marker}=1`]] as const) {
    assertErrorAnswer(errorAnswer(await h.call(method, path)), 404, `${method} ${path}`, marker);
  }
  // Bad percent-encoding, in a static segment and in a path parameter.
  for (const path of [`/v1/%zz${marker}`, `/v1/admin/sites/%E0%A4%A${marker}`, `/v1/admin/sites/${marker}%`]) {
    assertErrorAnswer(errorAnswer(await h.call('GET', path)), 400, `GET ${path}`, marker);
  }
  // Path parameters over the router's limit (2048): 414, with or without a token.
  const long = marker + 'a'.repeat(5000);
  for (const token of [admin, null]) {
    for (const path of [`/v1/admin/sites/${long}`, `/v1/admin/sites/${long}/validate`]) {
      assertErrorAnswer(errorAnswer(await h.call('GET', path, { token })), 414, `GET ${path.slice(0, 40)}…`, marker);
    }
  }
  // A malformed microversion header is named, not repeated.
  const mv = await h.call('GET', '/v1/admin/sites', { headers: { 'OpenStack-API-Version': `protector ${marker}` } });
  assertErrorAnswer(errorAnswer(mv), 400, 'bad OpenStack-API-Version', marker);
  // A header block over 16 KiB: Node refuses it before Fastify sees a request.
  const big = await rawRequest(h.url, `GET /v1/admin/sites HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${admin}\r\nX-Big: ${marker}${'b'.repeat(20 * 1024)}\r\n\r\n`);
  assertErrorAnswer(big, 431, '20 KiB header', marker);
  assert.equal(big.headers['content-type'], 'application/json');
});

test('malformed HTTP on a raw socket gets a JSON 400 with a request id, then the connection closes', async () => {
  const marker = `zq${randomUUID().slice(0, 8)}`;
  const cases: [string, string][] = [
    ['garbage', `GARBAGE${marker}\r\n\r\n`],
    ['an invalid method', `G@T${marker} / HTTP/1.1\r\nHost: x\r\n\r\n`],
    ['an invalid header line', `GET /v1 HTTP/1.1\r\nHost: x\r\nno colon ${marker}\r\n\r\n`],
    ['an invalid header name', `GET /v1 HTTP/1.1\r\nHost: x\r\nBad Name${marker}: y\r\n\r\n`],
    ['a bad Content-Length', `POST /v1/admin/sites HTTP/1.1\r\nHost: x\r\nContent-Length: 12${marker}\r\n\r\n{}`],
    ['Content-Length and Transfer-Encoding', `POST /v1/admin/sites HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}`],
    ['a bad chunk size', `POST /v1/admin/sites HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${marker}\r\n{}\r\n0\r\n\r\n`],
    ['an invalid HTTP version', `GET /v1 HTTP/9${marker}\r\nHost: x\r\n\r\n`],
  ];
  for (const [what, bytes] of cases) {
    const r = await rawRequest(h.url, bytes);
    assertErrorAnswer(r, 400, what, marker);
    assert.match(JSON.parse(r.text).error.message, /^Malformed HTTP request: /, what);
    assert.equal(r.headers['content-type'], 'application/json', what);
    assert.equal(r.headers.connection, 'close', what);
  }
  // The server is still fine afterwards.
  assert.equal((await h.call('GET', '/v1')).status, 200);
});

