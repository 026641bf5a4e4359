// The tenant routes walked with malformed input against a real protection group (the generic
// walk in api-bad-input only reaches their 404s): always a 4xx naming the problem, never a 5xx.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { startApi } from '../helpers/api.js';
import { activePg } from '../helpers/api-pg.js';
import { assertErrorAnswer, errorAnswer, rawRequest } from '../helpers/error-answers.js';

const h = await startApi({ peer: true });
type Err = { error?: { code?: number; message?: string } };

const BODIES: unknown[] = [
  '{not json', '[]', 'null', {}, { unexpected: true },
  { protection_group: { name: 'x'.repeat(300), replication_type: 'async' } },
  { protection_group: { name: 5 } },
  { member: { server_id: [] } },
  { member: { server_id: randomUUID(), boot_order: -1 } },
  { policy: { interval_minutes: '5' } },
  { resource_mappings: [{ kind: 'network' }] },
  { resource_mappings: 'all' },
  { metadata: { expected_version: -1, version: 'x', document: {} } },
  { metadata: { expected_version: 0, version: 1, document: { protection_group: {} } } },
  { version: 1.5 },
];

test('every tenant route, with a real PG and operation, answers malformed input with a 4xx', async () => {
  const pgId = await activePg(h, 'walk');
  const op = (await h.deps.db.selectFrom('operations').select('id').executeTakeFirstOrThrow()).id;
  const alice = await h.token('alice');
  const routes = h.app.protectorRoutes.filter((r) => r.url.startsWith('/v1/:project_id/'));
  assert.ok(routes.length >= 18, `tenant routes registered (${routes.length})`);
  for (const route of routes) {
    for (const id of [pgId, randomUUID(), 'bad id!']) {
      const path = route.url
        .replace(':project_id', h.projects.demo)
        .replace(':pg_id', id)
        .replace(':operation_id', id === pgId ? op : id)
        .replace(':server_id', id);
      for (const body of ['POST', 'PUT'].includes(route.method) ? BODIES : [undefined]) {
        const res = await h.call<Err>(route.method, path, { token: alice, body, headers: { 'X-Peer-Auth-Token': 'not-a-token' } });
        const where = `${route.method} ${path} body ${JSON.stringify(body)?.slice(0, 60)}`;
        assert.ok(res.status < 500, `${where} answered ${res.status}: ${res.text.slice(0, 300)}`);
        if (res.status >= 400) assert.ok((res.body?.error?.message ?? '').length > 10, `${where}: says what is wrong`);
      }
    }
  }
});

test('every route with a body names the field when the body is wrong', async () => {
  const pgId = (await h.deps.db.selectFrom('protection_groups').select('id').executeTakeFirstOrThrow()).id;
  const alice = await h.token('alice');
  const admin = await h.token('admin');
  const routes = h.app.protectorRoutes.filter((r) => ['POST', 'PUT'].includes(r.method) && r.url.startsWith('/v1/') && !r.url.endsWith('/cancel') && !r.url.endsWith('/validate'));
  assert.ok(routes.length >= 10, `body routes (${routes.length})`);
  for (const route of routes) {
    const path = route.url.replace(':project_id', h.projects.demo).replace(':pg_id', pgId).replace(':id', randomUUID()).replace(':server_id', 'x');
    const token = route.url.startsWith('/v1/admin/') ? admin : alice;
    for (const body of [{ zz_unknown: 1 }, [], 'null']) {
      const res = await h.call<Err>(route.method, path, { token, body });
      const where = `${route.method} ${route.url} body ${JSON.stringify(body)}`;
      // A wrong body is refused before anything else looks at the request.
      assert.equal(res.status, 400, `${where}: ${res.text.slice(0, 200)}`);
      assert.match(res.body?.error?.message ?? '', /^Invalid input for field\/attribute [A-Za-z_.]+\. \S/, `${where}: names the field`);
    }
  }
});

test('every tenant route: over-long and badly encoded ids, unknown sub-resources and oversize headers get the error shape', async () => {
  const pgId = (await h.deps.db.selectFrom('protection_groups').select('id').executeTakeFirstOrThrow()).id;
  const alice = await h.token('alice');
  const marker = `zq${randomUUID().slice(0, 8)}`; // stands for the caller's input: never echoed
  const routes = h.app.protectorRoutes.filter((r) => r.url.startsWith('/v1/:project_id/'));
  const fill = (url: string, id: string) => url.replace(':project_id', h.projects.demo).replace(/:[a-z_]+/g, id);
  const answer = async (method: string, path: string) => errorAnswer(await h.call(method, path, { token: alice }));
  for (const route of routes) {
    const where = `${route.method} ${route.url}`;
    if (route.url.includes(':pg_id') || route.url.includes(':operation_id')) {
      assertErrorAnswer(await answer(route.method, fill(route.url, marker + 'x'.repeat(5000))), 414, `${where} with a 5,000-character id`, marker);
      assertErrorAnswer(await answer(route.method, fill(route.url, `${marker}%E0%A4%A`)), 400, `${where} with a bad percent-encoding`, marker);
    }
    const big = await rawRequest(h.url, `${route.method} ${fill(route.url, pgId)} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${alice}\r\nX-Peer-Auth-Token: ${marker}${'p'.repeat(20 * 1024)}\r\n\r\n`);
    assertErrorAnswer(big, 431, `${where} with a 20 KiB header`, marker);
  }
  for (const path of [`/v1/${h.projects.demo}/protection-groups/${pgId}/${marker}`, `/v1/${h.projects.demo}/${marker}`]) {
    assertErrorAnswer(await answer('GET', path), 404, `GET ${path}`, marker);
  }
});

