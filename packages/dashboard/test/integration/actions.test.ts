// DR actions through protector-dashboard's server on two real sites with engines: a drill is
// pre-checked, run on the site that brings the workload up (as the CLI routes it), followed to
// its end, and its result stored on the other site; cleanup likewise. Actions that lose data or
// move the workload home need the PG's name typed; an unknown action is a clean 404.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../../../protectorclient/test/helpers/cli-lab.js';
import { dashboardOn, logIn } from '../helpers/dashboard-server.js';

const lab = await startCliLab();
const { t } = lab;
// Made before the engines scan: protectedPg runs its operations with engines of its own.
const { pg } = await protectedPg(t, { name: 'dash-drill', servers: { 'dd-web': 0 } });
lab.startEngines();
const app = dashboardOn(lab);
const alice = await logIn(app);
const post = (url: string, payload: unknown) => alice.call('POST', url, payload);

test('a drill from the dashboard: pre-checked, run on site-b, followed to its end, stored on site-a; cleanup likewise', { timeout: 180_000 }, async () => {
  const dry = await post(`/api/protection-groups/${pg.id}/actions/test-failover`, { dry_run: true });
  assert.equal(dry.statusCode, 200, dry.body);
  const report = dry.json() as { site: string; precheck: { ok: boolean; blockers: unknown[] } };
  assert.equal(report.site, 'site-b');
  assert.equal(report.precheck.ok, true, JSON.stringify(report.precheck.blockers));

  const run = await post(`/api/protection-groups/dash-drill/actions/test-failover`, {});
  assert.equal(run.statusCode, 200, run.body);
  const started = run.json() as { site: string; operation: { id: string; type: string } };
  assert.deepEqual([started.site, started.operation.type], ['site-b', 'test_failover']);
  const done = await alice.ended('site-b', started.operation.id);
  assert.equal(done.operation.status, 'completed', JSON.stringify(done.operation.steps));
  assert.equal(done.stored, true, done.store_error);
  const table = await alice.read<{ protection_groups: { name: string; status: string; sync: string }[] }>('/api/protection-groups');
  const row = table.protection_groups.find((p) => p.name === 'dash-drill');
  assert.deepEqual([row?.status, row?.sync], ['test_failed_over', 'IN SYNC']);

  const cleanup = await post(`/api/protection-groups/${pg.id}/actions/test-cleanup`, {});
  assert.equal(cleanup.statusCode, 200, cleanup.body);
  const cleaned = await alice.ended('site-b', (cleanup.json() as { operation: { id: string } }).operation.id);
  assert.equal(cleaned.operation.status, 'completed');
  assert.equal(cleaned.stored, true);
});

test('unplanned failover and failback need the PG name typed; an unknown action is a 404 in the error shape', async () => {
  const unconfirmed = await post(`/api/protection-groups/${pg.id}/actions/failover`, { unplanned: true });
  assert.equal(unconfirmed.statusCode, 400);
  assert.deepEqual((unconfirmed.json() as { error: { code: string } }).error.code, 'confirmation_required');
  assert.match((unconfirmed.json() as { error: { message: string } }).error.message, /type the protection group's name \(dash-drill\) to confirm an unplanned failover: data written after the newest recovery point is lost/);
  const unknown = await post(`/api/protection-groups/${pg.id}/actions/explode`, {});
  assert.equal(unknown.statusCode, 404);
  assert.match((unknown.json() as { error: { message: string } }).error.message, /no action 'explode' \(test-failover, test-cleanup, failover, failback\)/);
  const noCsrf = await app.inject({ method: 'POST', url: `/api/protection-groups/${pg.id}/actions/test-failover`, payload: {}, headers: { cookie: alice.cookie } });
  assert.equal(noCsrf.statusCode, 403);
});
