// The wire contract holds for answers too: every answer of the API tests is checked against its
// route's response schema (ApiDeps.checkResponses, on in the test harness); this proves the check
// catches a field no schema declares, and that production strips such a field instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answers } from '@protector/contract';
import { Type } from 'typebox';
import { buildApi } from '../../src/api/app.js';
import { ROUTE_POLICIES, type RoutePolicy } from '../../src/api/route-policy.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { activePg } from '../helpers/api-pg.js';
import { startApi } from '../helpers/api.js';

const h = await startApi({ peer: true });

// The throwaway routes need a rule like every route (an unlisted one is refused before its handler).
for (const url of ['/v1/test/leaky', '/v1/test/wrong-status']) (ROUTE_POLICIES as Record<string, RoutePolicy>)[`GET ${url}`] = { scope: 'admin', actions: ['protector:sites:list'] };

/** The API with one throwaway route whose handler answers more than its schema declares. */
async function withLeakyRoute(checkResponses: boolean) {
  const app = await buildApi({ ...h.deps, checkResponses });
  const Thing = Type.Object({ id: Type.String(), name: Type.String() });
  app.get('/v1/test/leaky', { schema: { response: answers({ 200: Type.Object({ thing: Thing }) }) } }, async () => ({ thing: { id: 't1', name: 'n', secret: 'hunter2' } }));
  app.get('/v1/test/wrong-status', { schema: { response: answers({ 200: Type.Object({ thing: Thing }) }) } }, async (_request, reply) => {
    reply.code(202);
    return { thing: { id: 't1', name: 'n' } };
  });
  await app.ready();
  return app;
}

test('the check turns an undeclared field into a 500 naming it, and the log says where', async () => {
  const app = await withLeakyRoute(true);
  try {
    const token = await h.token('admin');
    const before = h.logs.length;
    const r = await app.inject({ method: 'GET', url: '/v1/test/leaky', headers: { 'x-auth-token': token } });
    assert.equal(r.statusCode, 500, r.body);
    assert.equal(r.json().error.code, 500);
    assert.ok(!r.body.includes('hunter2'));
    assert.ok(h.logs.slice(before).some((l) => l.includes('undeclared field thing.secret in response of GET /v1/test/leaky')), 'the mismatch is logged');

    const s = await app.inject({ method: 'GET', url: '/v1/test/wrong-status', headers: { 'x-auth-token': token } });
    assert.equal(s.statusCode, 500, 'a status the route does not declare fails too');
    assert.ok(h.logs.some((l) => l.includes('status 202 is not declared in the response schemas of GET /v1/test/wrong-status')));
  } finally {
    await app.close();
  }
});

test('without the check (production), the serializer strips the undeclared field', async () => {
  const app = await withLeakyRoute(false);
  try {
    const r = await app.inject({ method: 'GET', url: '/v1/test/leaky', headers: { 'x-auth-token': await h.token('admin') } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { thing: { id: 't1', name: 'n' } });
  } finally {
    await app.close();
  }
});

test('a PG answers its array handle in snake_case and no trust id to its tenant', async () => {
  const id = await activePg(h, 'contract');
  const handle = { type: 'async' as const, name: 'protector-contract', sourceArray: 'site-a-array', targetArray: 'peer-array' };
  await new ProtectionGroups(h.deps.db).setResources(id, (r) => ({ ...r, array: handle }));
  const r = await h.call<{ protection_group: { resources: { array: unknown; sites: Record<string, object> } } }>('GET', `/v1/${h.projects.demo}/protection-groups/${id}`, { token: await h.token('alice') });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.protection_group.resources.array, { type: 'async', name: 'protector-contract', source_array: 'site-a-array', target_array: 'peer-array' });
  for (const site of Object.values(r.body.protection_group.resources.sites)) assert.ok(!('trust_id' in site));
  const list = await h.call('GET', `/v1/${h.projects.demo}/protection-groups`, { token: await h.token('alice') });
  assert.ok(!/trust_id|sourceArray|targetArray/.test(list.text), list.text);
});
