// The DR actions through the API: schema, dry runs (the pre-check report, nothing recorded),
// the rule that an action is posted to the site that brings the workload up, state conflicts,
// and the operation cleanup route.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { Operations } from '../../src/engine/operations.js';
import { startApi } from '../helpers/api.js';
import { activePg, completeOperation } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
type Err = { error: { code: number; message: string } };
type Precheck = { precheck: { action: string; ok: boolean; checks: string[]; blockers: { code: string; message: string }[]; report: string } };

test('dry_run answers the pre-check report with every blocker and records nothing', async () => {
  const alice = await h.token('alice');
  const pgId = await activePg(h, 'dry');
  const path = `/v1/${h.projects.demo}/protection-groups/${pgId}/action`;
  const r = await h.call<Precheck>('POST', path, { token: alice, body: { failover: { type: 'planned', dry_run: true } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.precheck.action, 'planned_failover');
  assert.equal(r.body.precheck.ok, false);
  assert.ok(r.body.precheck.checks.includes('recovery_point'));
  assert.ok(r.body.precheck.blockers.some((b) => b.code === 'no_array_group'), r.body.precheck.report);
  const cleanup = await h.call<Precheck>('POST', path, { token: alice, body: { test_cleanup: { dry_run: true } } });
  assert.deepEqual(cleanup.body.precheck.blockers.map((b) => b.code), ['pg_state_invalid']);
  const ops = await h.call<{ operations: unknown[] }>('GET', `/v1/${h.projects.demo}/operations?pg_id=${pgId}&type=failover`, { token: alice });
  assert.deepEqual(ops.body.operations, [], 'a dry run records no operation');
  assert.equal((await new ProtectionGroups(h.deps.db).get(pgId))?.active_operation_id, null);
});

test('an action is refused on the wrong site, in the wrong state, and with bad input, naming why', async () => {
  const alice = await h.token('alice');
  const pgId = await activePg(h, 'misplaced');
  const path = `/v1/${h.projects.demo}/protection-groups/${pgId}/action`;
  // This site (site-a) runs the workload: a failover is posted to the peer, which takes it over.
  const here = await h.call<Err>('POST', path, { token: alice, body: { failover: { type: 'planned' } } });
  assert.equal(here.status, 409);
  assert.match(here.body.error.message, /runs on site site-b, which brings the workload up; post it there/);
  const cleanup = await h.call<Err>('POST', path, { token: alice, body: { test_cleanup: {} } });
  assert.equal(cleanup.status, 409);
  const bad = await h.call<Err>('POST', path, { token: alice, body: { test_failover: { network_id: 'not a uuid!' } } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /test_failover\.network_id/);
  const badMap = await h.call<Err>('POST', path, { token: alice, body: { failover: { type: 'unplanned', mappings: [{ kind: 'router', source_id: 'a', target_id: 'b' }] } } });
  assert.equal(badMap.status, 400);
  assert.match(badMap.body.error.message, /failover\.mappings\.0\.kind/);
  assert.equal((await h.call('POST', path, { token: await h.token('bob'), body: { failback: {} } })).status, 403);
});

test('operation cleanup: only while the failover left copies behind, as a cleanup operation', async () => {
  const alice = await h.token('alice');
  const pgId = await activePg(h, 'leftover');
  const pgs = new ProtectionGroups(h.deps.db);
  const ops = new Operations(h.deps.db);
  const fo = await ops.create({ id: crypto.randomUUID(), project_id: h.projects.demo, pg_id: pgId, type: 'failover', params: { type: 'planned' }, request_id: 'req-1', user_id: 'alice' });
  await completeOperation(h, fo.id);
  const path = `/v1/${h.projects.demo}/operations/${fo.id}/cleanup`;
  const none = await h.call<Err>('POST', path, { token: alice });
  assert.equal(none.status, 409);
  assert.match(none.body.error.message, /left nothing to clean up/);
  const pg = (await pgs.get(pgId))!;
  await pgs.setResources(pgId, (r) => ({ ...r, leftovers: { operation_id: fo.id, site_id: pg.primary_site_id, fenced: false, servers: ['s1'], volumes: [], ports: [] } }));
  const ok = await h.call<{ operation: { type: string; status: string; protection_group_id: string } }>('POST', path, { token: alice });
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual([ok.body.operation.type, ok.body.operation.status, ok.body.operation.protection_group_id], ['cleanup', 'pending', pgId]);
  const carol = await h.token('carol');
  assert.equal((await h.call('POST', `/v1/${h.projects.other}/operations/${fo.id}/cleanup`, { token: carol })).status, 404);
});
