// Operations of both sites through protector-dashboard's server: the DR wizard's plan of an action
// (the site it runs on, its recovery points and mappings by name), the history merged from both
// sites newest first and paged without loss or repeat, filtered, and still answered with one site
// down (which it names); cleanup and cancel refused as clean 409s with the API's reason; a drill's
// run report (JSON and the printable page); a bulk action's parent lists its children and stores
// each one's document on the other site.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import type { RunReport } from '@protector/protectorclient';
import { startCliLab } from '../../../protectorclient/test/helpers/cli-lab.js';
import type { ActionPlan, OperationHistory } from '../../src/shared/operations.js';
import { dashboardOn, logIn } from '../helpers/dashboard-server.js';

const lab = await startCliLab();
const { t } = lab;
// Made before the engines scan: protectedPg runs its operations (on site-a) with engines of its own.
const { pg } = await protectedPg(t, { name: 'ops-pg', servers: { 'ops-web': 0 } });
for (const name of ['ops-b1', 'ops-b2']) await protectedPg(t, { name, servers: { [`${name}-web`]: 0 } });
lab.startEngines();
const app = dashboardOn(lab, { timeoutMs: 3000, webRoot: null });
const { call, read, ended } = await logIn(app);
const post = (url: string) => call('POST', url);

let drillId = '';

test('the plan of a drill: run on site-b, its recovery points, the mappings by name, what it means for data', async () => {
  const plan = await read<ActionPlan>(`/api/protection-groups/${pg.name}/actions/test-failover/plan`);
  assert.deepEqual([plan.target_site, plan.source_site, plan.source_reachable, plan.recovery_point], ['site-b', 'site-a', true, 'newest']);
  assert.ok(plan.recovery_points.length >= 1, 'replicated once by protectedPg');
  assert.equal(plan.last_sync, plan.recovery_points[0]!.completed_at);
  const network = plan.mappings.find((m) => m.kind === 'network');
  assert.deepEqual([network?.source_name, network?.target_name], ['demo-net', 'dr-net']);
  assert.deepEqual(plan.unmapped_networks, []);
  assert.deepEqual(plan.members.map((m) => m.name), ['ops-web']);
  assert.ok(plan.target_networks.some((n) => n.name === 'dr-net'));
  assert.match(plan.data_loss, /^No data is lost and production is untouched/);
  assert.equal(plan.confirm_required, false);
  const unplanned = await read<ActionPlan>(`/api/protection-groups/${pg.id}/actions/unplanned-failover/plan`);
  assert.equal(unplanned.confirm_required, true);
  assert.match(unplanned.data_loss, /Data written on site-a after the recovery point used is lost \(the newest finished transferring at /);
  const planned = await read<ActionPlan>(`/api/protection-groups/${pg.id}/actions/failover/plan`);
  assert.deepEqual([planned.recovery_point, planned.recovery_points], ['none', []]);
  const unknown = await call('GET', `/api/protection-groups/${pg.id}/actions/explode/plan`);
  assert.equal(unknown.statusCode, 404);
});

test('cleanup and cancel where the API refuses: 409 with its reason, and the operation page says why beforehand', { timeout: 120_000 }, async () => {
  const run = await post(`/api/protection-groups/${pg.id}/actions/test-failover`);
  assert.equal(run.statusCode, 200, run.body);
  drillId = (run.json() as { operation: { id: string } }).operation.id;
  const done = await ended('site-b', drillId);
  assert.equal(done.operation.status, 'completed', JSON.stringify(done.operation.steps));
  assert.deepEqual(done.actions.cancel, { allowed: false, reason: 'it has already ended (completed)' });
  assert.equal(done.actions.cleanup.allowed, false);
  assert.match(done.actions.cleanup.reason ?? '', /only a failover or failback leaves copies to clean up; this is a test_failover/);
  const cancel = await post(`/api/operations/site-b/${drillId}/cancel`);
  assert.equal(cancel.statusCode, 409, cancel.body);
  assert.deepEqual((cancel.json() as { error: { code: string } }).error.code, 'conflict');
  assert.match((cancel.json() as { error: { message: string } }).error.message, new RegExp(`site-b: Operation ${drillId} is already completed`));
  const cleanup = await post(`/api/operations/site-b/${drillId}/cleanup`);
  assert.equal(cleanup.statusCode, 409, cleanup.body);
  assert.match((cleanup.json() as { error: { message: string } }).error.message, /left nothing to clean up/);
  const nowhere = await post(`/api/operations/site-c/${drillId}/cancel`);
  assert.equal(nowhere.statusCode, 404);
});

test("the drill's run report through this server: JSON with its RTO and RPO, the printable page under a CSP that runs nothing, only with a session", async () => {
  const r = await read<RunReport>(`/api/operations/site-b/${drillId}/report`);
  assert.deepEqual([r.operation_id, r.mode, r.protection_groups[0]?.name, r.protection_groups[0]?.servers.map((s) => s.name)], [drillId, 'drill', 'ops-pg', ['ops-web']]);
  assert.ok(r.rto_seconds !== null && r.rpo_seconds !== null);
  const page = await call('GET', `/api/operations/site-b/${drillId}/report.html`);
  assert.equal(page.statusCode, 200, page.body);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.match(String(page.headers['content-security-policy']), /^default-src 'none'; style-src 'unsafe-inline'/);
  assert.match(page.body, /<title>Run report: test_failover of ops-pg, drill<\/title>/);
  assert.equal((await app.inject({ method: 'GET', url: `/api/operations/site-b/${drillId}/report.html` })).statusCode, 401, 'no session, no report');
});

test('the history merges both sites newest first, pages without loss or repeat, filters, and names a site that is down', { timeout: 120_000 }, async () => {
  const all = await read<OperationHistory>('/api/operations?limit=100');
  assert.deepEqual(all.unreachable, []);
  assert.equal(all.next, null);
  const sites = new Set(all.operations.map((o) => o.site));
  assert.deepEqual([...sites].sort(), ['site-a', 'site-b'], 'rows from both sites');
  const times = all.operations.map((o) => o.created_at);
  assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
  assert.equal(all.operations.find((o) => o.id === drillId)?.site, 'site-b');
  assert.equal(all.operations.find((o) => o.id === drillId)?.protection_group_name, 'ops-pg');

  const seen: string[] = [];
  let cursor: string | null = '';
  for (let i = 0; cursor !== null && i < 50; i++) {
    const page: OperationHistory = await read<OperationHistory>(`/api/operations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.ok(page.operations.length <= 2);
    seen.push(...page.operations.map((o) => `${o.site}/${o.id}`));
    cursor = page.next;
  }
  assert.deepEqual(seen, all.operations.map((o) => `${o.site}/${o.id}`), 'the pages, one after the other, are the whole history');

  const drills = await read<OperationHistory>('/api/operations?type=test_failover&pg=ops-pg');
  assert.deepEqual(drills.operations.map((o) => [o.site, o.type]), [['site-b', 'test_failover']]);
  const bad = await call('GET', '/api/operations?status=Nope');
  assert.equal(bad.statusCode, 400);

  await lab.api.b.stop();
  try {
    const half = await read<OperationHistory>('/api/operations?limit=100');
    assert.deepEqual(half.unreachable, ['site-b']);
    assert.ok(half.reasons['site-b']);
    assert.deepEqual(half.operations.map((o) => o.id), all.operations.filter((o) => o.site === 'site-a').map((o) => o.id));
  } finally {
    await lab.api.b.start();
  }
});

test("a bulk action's parent: its children listed, and once they have ended each PG's document stored on the other site", { timeout: 120_000 }, async () => {
  const r = await lab.protector(['test-failover', 'ops-b1', 'ops-b2', '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const parent = (JSON.parse(r.stdout) as { Parent: string }[])[0]!.Parent;
  const done = await ended('site-b', parent);
  assert.equal(done.operation.type, 'bulk');
  assert.equal(done.operation.status, 'completed', JSON.stringify(done.operation.children));
  assert.deepEqual(done.operation.children.map((c) => [c.type, c.status]), [['test_failover', 'completed'], ['test_failover', 'completed']]);
  assert.deepEqual([done.stored, done.store_error], [true, undefined]);
  for (const c of done.operation.children) {
    const child = await read<{ stored: boolean | null }>(`/api/operations/site-b/${c.id}`);
    assert.equal(child.stored, true, 'already stored through the parent');
  }
});
