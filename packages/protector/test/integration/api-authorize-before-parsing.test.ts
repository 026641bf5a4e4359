// Authorisation before parsing: what the URL decides (admin-only, the caller's own project, the
// rule of the route) is checked before the body is read, so a caller who may not call a route
// gets its 403 whatever the body, and the server never reads a large body for them.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { startApi, type Answer } from '../helpers/api.js';
import { activePg } from '../helpers/api-pg.js';
import { assertErrorAnswer, errorAnswer } from '../helpers/error-answers.js';

const h = await startApi({ peer: true });
type Err = { error?: { code?: number; title?: string; message?: string } };

const CHANGES = ['POST', 'PUT', 'PATCH', 'DELETE'];
const MIB = 1024 * 1024;
/** Bodies no parser or schema would accept, each with the content type it is sent as. */
const BAD_BODIES: [string, string, string][] = [
  ['garbage JSON', '{not json', 'application/json'],
  ['a 2 MiB body', JSON.stringify({ site: { name: 'x'.repeat(2 * MIB) } }), 'application/json'],
  ['a schema-invalid body', JSON.stringify({ zz_unknown: [1, 2, 3] }), 'application/json'],
  ['the wrong content type', 'name=x', 'application/x-www-form-urlencoded'],
];

const assertErrorShape = (r: Answer<Err>, status: number, where: string) => assertErrorAnswer(errorAnswer(r), status, where);

const fill = (url: string, ids: Record<string, string>) => url.replace(/:([a-z_]+)/g, (_, name: string) => ids[name] ?? randomUUID());

test('a member gets 403 on every admin route whatever the body', async () => {
  const alice = await h.token('alice');
  const routes = h.app.protectorRoutes.filter((r) => r.url.startsWith('/v1/admin/'));
  assert.ok(routes.length >= 11, `admin routes (${routes.length})`);
  for (const route of routes) {
    const path = fill(route.url, {});
    const bodies: [string, string | undefined, string | undefined][] = CHANGES.includes(route.method) ? BAD_BODIES : [['no body', undefined, undefined]];
    for (const [what, body, type] of bodies) {
      const r = await h.call<Err>(route.method, path, { token: alice, body, headers: type ? { 'Content-Type': type } : {} });
      const where = `${route.method} ${route.url} with ${what}`;
      assertErrorShape(r, 403, where);
      assert.match(r.body?.error?.message ?? '', /^Policy doesn't allow protector:(sites|tenant_mappings|site):\w+ to be performed\.$/, where);
    }
  }
});

test('a reader gets 403 on every change to their own project, whatever the body', async () => {
  const pgId = await activePg(h, 'early');
  const bob = await h.token('bob');
  const routes = h.app.protectorRoutes.filter((r) => r.url.startsWith('/v1/:project_id/') && CHANGES.includes(r.method));
  assert.ok(routes.length >= 12, `tenant change routes (${routes.length})`);
  for (const route of routes) {
    const path = fill(route.url, { project_id: h.projects.demo, pg_id: pgId });
    for (const [what, body, type] of BAD_BODIES) {
      const r = await h.call<Err>(route.method, path, { token: bob, body, headers: { 'Content-Type': type } });
      const where = `${route.method} ${route.url} with ${what}`;
      assertErrorShape(r, 403, where);
      assert.match(r.body?.error?.message ?? '', /^Policy doesn't allow protector:\w+:\w+( or protector:\w+:\w+)* to be performed\.$/, where);
    }
  }
});

test("a member of another project gets the project-mismatch answer on every tenant route, not a body error", async () => {
  const carol = await h.token('carol');
  const routes = h.app.protectorRoutes.filter((r) => r.url.startsWith('/v1/:project_id/'));
  for (const route of routes) {
    const path = fill(route.url, { project_id: h.projects.demo });
    const bodies: [string, string | undefined, string | undefined][] = CHANGES.includes(route.method) ? BAD_BODIES : [['no body', undefined, undefined]];
    for (const [what, body, type] of bodies) {
      const r = await h.call<Err>(route.method, path, { token: carol, body, headers: type ? { 'Content-Type': type } : {} });
      const where = `${route.method} ${route.url} with ${what}`;
      assertErrorShape(r, 400, where);
      assert.match(r.body?.error?.message ?? '', /^Malformed request URL: URL's project_id '[0-9a-f]+' doesn't match Context's project_id '[0-9a-f]+'$/, where);
    }
  }
  // A project id that is not one is refused as a bad path parameter, never echoed.
  const odd = await h.call<Err>('POST', `/v1/${encodeURIComponent("<b>x'</b>")}/protection-groups`, { token: carol, body: '{not json' });
  assertErrorShape(odd, 400, 'odd project id');
  assert.match(odd.body?.error?.message ?? '', /^Invalid input for field\/attribute project_id\./);
  assert.doesNotMatch(odd.text, /<b>/);
});

test('the refusal does not wait for the body: headers announcing 512 KiB, then silence', async () => {
  const alice = await h.token('alice');
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${h.url}/v1/admin/sites`, {
      method: 'POST',
      headers: { 'X-Auth-Token': alice, 'Content-Type': 'application/json', 'Content-Length': String(512 * 1024) },
    });
    const timer = setTimeout(() => reject(new Error('no answer: the server waited for the body')), 5000);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.write('{"site": ');
  });
  assert.equal(status, 403);
});

test('callers who may call the route still get the body errors', async () => {
  const admin = await h.call<Err>('POST', '/v1/admin/sites', { body: '{not json' });
  assertErrorShape(admin, 400, 'admin, garbage JSON');
  assert.match(admin.body?.error?.message ?? '', /not valid JSON/);
  const big = await h.call<Err>('POST', '/v1/admin/sites', { body: BAD_BODIES[1]![1] });
  assertErrorShape(big, 413, 'admin, 2 MiB');
  const alice = await h.call<Err>('POST', `/v1/${h.projects.demo}/protection-groups`, { token: await h.token('alice'), body: { zz_unknown: 1 } });
  assertErrorShape(alice, 400, 'member of the project, schema-invalid body');
  assert.match(alice.body?.error?.message ?? '', /^Invalid input for field\/attribute /);
});
