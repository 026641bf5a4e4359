// Recovery plans through protector-api (`/v1/{project}/recovery-plans`): versioned CRUD checked
// against the caller's project, the peer's copy (never merged silently), a run recorded all or
// nothing as a plan_run parent with a held child per PG, one run per plan, the run's controls
// (pause, resume, approve) and what they refuse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { Operations } from '../../src/engine/operations.js';
import { startApi } from '../helpers/api.js';
import { activePg } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
const demo = h.projects.demo;
const plans = `/v1/${demo}/recovery-plans`;
const pgs = new ProtectionGroups(h.deps.db);
const ops = new Operations(h.deps.db);

type Err = { error: { code: number; message: string } };
type Plan = { id: string; name: string; description: string; version: number; tiers: { name: string; protection_groups: string[]; wait_after?: unknown }[]; hooks: unknown[]; commit_window: { seconds: number; on_deadline?: string } | null; active_run_id: string | null };
type Op = { id: string; type: string; status: string; protection_group_id: string | null; parent_id: string | null; params: Record<string, unknown>; result: Record<string, unknown> };
type Run = { operation: Op; children: Op[] };

/** A PG failed over to site-b: its failback runs on this site (site-a). */
async function failedOver(name: string): Promise<string> {
  const id = await activePg(h, name);
  const pg = (await pgs.get(id))!;
  await pgs.update(id, { current_primary_site_id: pg.secondary_site_id, status: 'failed_over' });
  return id;
}

const alice = () => h.token('alice');
const create = async (body: unknown, token?: string) => h.call<{ recovery_plan: Plan } & Err>('POST', plans, { token: token ?? (await alice()), body: { recovery_plan: body } });

test('create, show, list, update (a new version, expected_version checked), delete; names unique per project', async () => {
  const [db, app] = [await activePg(h, 'rp-db'), await activePg(h, 'rp-app')];
  const r = await create({ name: 'two-tier', description: 'db then app', tiers: [{ name: 'db', protection_groups: [db], wait_after: { type: 'approval', prompt: 'check the db' } }, { name: 'app', protection_groups: [app] }] });
  assert.equal(r.status, 201, r.text);
  const p = r.body.recovery_plan;
  assert.deepEqual([p.name, p.version, p.active_run_id, p.tiers.map((t) => t.name), p.commit_window], ['two-tier', 1, null, ['db', 'app'], null]);
  assert.equal((await create({ name: 'two-tier', tiers: [{ name: 'x', protection_groups: [db] }] })).status, 409);

  const shown = await h.call<{ recovery_plan: Plan }>('GET', `${plans}/${p.id}`, { token: await h.token('bob') });
  assert.equal(shown.status, 200, 'a reader may look');
  assert.deepEqual(shown.body.recovery_plan, p);
  const listed = await h.call<{ recovery_plans: Plan[] }>('GET', `${plans}?name=two-tier`, { token: await alice() });
  assert.deepEqual(listed.body.recovery_plans.map((x) => x.id), [p.id]);
  assert.equal((await create({ name: 'by-a-reader', tiers: [{ name: 'x', protection_groups: [db] }] }, await h.token('bob'))).status, 403);

  const up = await h.call<{ recovery_plan: Plan }>('PUT', `${plans}/${p.id}`, { token: await alice(), body: { recovery_plan: { tiers: [{ name: 'all', protection_groups: [db, app] }], expected_version: 1 } } });
  assert.equal(up.status, 200, up.text);
  assert.deepEqual([up.body.recovery_plan.version, up.body.recovery_plan.name, up.body.recovery_plan.tiers.length], [2, 'two-tier', 1]);
  const stale = await h.call<Err>('PUT', `${plans}/${p.id}`, { token: await alice(), body: { recovery_plan: { description: 'late', expected_version: 1 } } });
  assert.equal(stale.status, 409);
  assert.match(stale.body.error.message, /at version 2, not 1/);

  // The commit policy: set, kept by a change that does not name it, cleared with null, checked.
  const policy = async (body: Record<string, unknown>) => h.call<{ recovery_plan: Plan } & Err>('PUT', `${plans}/${p.id}`, { token: await alice(), body: { recovery_plan: body } });
  let w = await policy({ commit_window: { seconds: 900, on_deadline: 'rollback' } });
  assert.deepEqual([w.status, w.body.recovery_plan.commit_window], [200, { seconds: 900, on_deadline: 'rollback' }]);
  w = await policy({ description: 'kept' });
  assert.deepEqual(w.body.recovery_plan.commit_window, { seconds: 900, on_deadline: 'rollback' });
  w = await policy({ commit_window: null });
  assert.deepEqual([w.body.recovery_plan.commit_window, w.body.recovery_plan.version], [null, 5]);
  w = await policy({ commit_window: { seconds: 60, on_deadline: 'later' } });
  assert.equal(w.status, 400);
  assert.match(w.body.error.message, /recovery_plan\.commit_window\.on_deadline/);

  assert.equal((await h.call('DELETE', `${plans}/${p.id}`, { token: await alice() })).status, 204);
  assert.equal((await h.call('GET', `${plans}/${p.id}`, { token: await alice() })).status, 404);
});

test('bad tiers are refused naming the field: a PG twice, a tier name twice, an unknown or another project\'s PG, no tiers', async () => {
  const pg = await activePg(h, 'rp-bad');
  const cases: [unknown, number, RegExp][] = [
    [{ name: 'p', tiers: [{ name: 'a', protection_groups: [pg] }, { name: 'b', protection_groups: [pg] }] }, 400, /recovery_plan\.tiers\[1\]\.protection_groups\[0\].*already in tier 'a'/],
    [{ name: 'p', tiers: [{ name: 'a', protection_groups: [pg] }, { name: 'a', protection_groups: ['x'] }] }, 400, /recovery_plan\.tiers\[1\]\.name.*named twice/],
    [{ name: 'p', tiers: [{ name: 'a', protection_groups: ['no-such-pg'] }] }, 400, /recovery_plan\.tiers.*no-such-pg could not be found/],
    [{ name: 'p', tiers: [] }, 400, /tiers/],
    [{ name: 'p', tiers: [{ name: 'a', protection_groups: [pg], wait_after: { type: 'time', seconds: 0 } }] }, 400, /seconds/],
  ];
  for (const [body, status, message] of cases) {
    const r = await create(body);
    assert.equal(r.status, status, r.text);
    assert.match(r.body.error.message, message);
  }
  // carol (project other) cannot name demo's PG, nor see demo's plans.
  const carol = await h.token('carol');
  const r = await h.call<Err>('POST', `/v1/${h.projects.other}/recovery-plans`, { token: carol, body: { recovery_plan: { name: 'steal', tiers: [{ name: 'a', protection_groups: [pg] }] } } });
  assert.equal(r.status, 400);
  const mine = (await create({ name: 'mine', tiers: [{ name: 'a', protection_groups: [pg] }] })).body.recovery_plan;
  assert.equal((await h.call('GET', `/v1/${h.projects.other}/recovery-plans/${mine.id}`, { token: carol })).status, 404);
  const across = await h.call<Err>('GET', `${plans}/${mine.id}`, { token: carol });
  assert.equal(across.status, 400, 'as Nova: the URL names another project than the token');
  assert.match(across.body.error.message, /doesn't match Context's project_id/);
});

test('the peer\'s copy: created with its id, replaced by a newer version, kept when the same, refused when older or different at the same version', async () => {
  const pg = await activePg(h, 'rp-copy');
  const id = '5f0c3a52-2c41-4a8e-9d7e-0a6b1c2d3e4f';
  const put = async (version: number, description: string) =>
    h.call<{ recovery_plan: Plan } & Err>('PUT', `${plans}/${id}/metadata`, { token: await alice(), body: { recovery_plan: { name: 'copied', description, tiers: [{ name: 'a', protection_groups: [pg] }], version } } });
  let r = await put(3, 'v3');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.recovery_plan.id, r.body.recovery_plan.version], [id, 3]);
  assert.equal((await put(3, 'v3')).status, 200, 'the same copy again changes nothing');
  r = await put(3, 'changed on both sites');
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /differs between the sites at version 3/);
  assert.equal((await put(2, 'older')).status, 409);
  r = await put(4, 'v4');
  assert.deepEqual([r.status, r.body.recovery_plan.description, r.body.recovery_plan.version], [200, 'v4', 4]);
  const windowed = await h.call<{ recovery_plan: Plan } & Err>('PUT', `${plans}/${id}/metadata`, { token: await alice(), body: { recovery_plan: { name: 'copied', description: 'v4', tiers: [{ name: 'a', protection_groups: [pg] }], commit_window: { seconds: 60 }, version: 4 } } });
  assert.equal(windowed.status, 409, 'a commit policy that differs at the same version is a divergence too');
});

test('a run: a plan_run parent holding the plan and a held child per PG; one run per plan; its controls; a cancel frees everything', async () => {
  const ids = [await failedOver('rp-run-1'), await failedOver('rp-run-2'), await failedOver('rp-run-3')];
  const p = (await create({ name: 'failback-plan', tiers: [{ name: 'one', protection_groups: [ids[0]], wait_after: { type: 'approval' } }, { name: 'two', protection_groups: [ids[1], ids[2]] }] })).body.recovery_plan;
  const run = async (body: unknown) => h.call<Run & Err>('POST', `${plans}/${p.id}/run`, { token: await alice(), body });

  // Refusals first: nothing is recorded by any of them.
  let r = await run({ mode: 'planned' });
  assert.equal(r.status, 409, 'a planned failover of failed-over PGs: wrong state, every PG named');
  for (const id of ids) assert.match(r.body.error.message, new RegExp(id));
  r = await run({ mode: 'failback', recovery_points: { [ids[0]!]: 'rp-x' } });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /field\/attribute recovery_points.*does not take recovery points/);
  r = await run({ mode: 'point_in_time' });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /needs a recovery point for every protection group/);
  r = await run({ mode: 'failback', commit_window: { seconds: 60 } });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /field\/attribute commit_window.*planned and point_in_time runs do/);
  assert.equal((await run({ mode: 'sideways' })).status, 400);
  assert.equal((await ops.page(demo, { type: 'plan_run' }, { key: 'created_at', desc: true, limit: 10 }))?.rows.length, 0);

  r = await run({ mode: 'failback', boot_timeout_seconds: 60 });
  assert.equal(r.status, 202, r.text);
  const { operation: parent, children } = r.body;
  assert.deepEqual([parent.type, parent.status, parent.protection_group_id], ['plan_run', 'pending', null]);
  assert.deepEqual(parent.params.tiers, [{ name: 'one', protection_groups: [ids[0]], wait_after: { type: 'approval' } }, { name: 'two', protection_groups: [ids[1], ids[2]] }]);
  assert.deepEqual([parent.params.mode, parent.params.version, parent.params.plan_name], ['failback', 1, 'failback-plan']);
  assert.deepEqual(children.map((c) => [c.type, c.protection_group_id, c.parent_id]), ids.map((id) => ['failback', id, parent.id]));
  assert.deepEqual(children[0]!.params, { boot_timeout_seconds: 60 });
  for (const [i, id] of ids.entries()) assert.equal((await pgs.get(id))?.active_operation_id, children[i]!.id, 'each child holds its PG');
  assert.equal(await ops.claim(children[0]!.id, 'engine-x', 60_000), false, 'a held child cannot be claimed before its run releases it');
  assert.equal((await h.call<{ recovery_plan: Plan }>('GET', `${plans}/${p.id}`, { token: await alice() })).body.recovery_plan.active_run_id, parent.id);

  r = await run({ mode: 'failback' });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /already running/);
  assert.equal((await h.call('DELETE', `${plans}/${p.id}`, { token: await alice() })).status, 409, 'a plan being run stays');

  const opPath = `/v1/${demo}/operations/${parent.id}`;
  const approve = await h.call<Err>('POST', `${opPath}/approve`, { token: await alice(), body: {} });
  assert.equal(approve.status, 409);
  assert.match(approve.body.error.message, /not waiting for an approval/);
  assert.equal((await h.call('POST', `${opPath}/pause`, { token: await h.token('bob') })).status, 403, 'a reader cannot pause');
  const paused = await h.call<{ operation: Op }>('POST', `${opPath}/pause`, { token: await alice() });
  assert.equal(paused.status, 200, paused.text);
  assert.equal((paused.body.operation.result.paused as { by: string }).by.length > 0, true);
  const resumed = await h.call<{ operation: Op }>('POST', `${opPath}/resume`, { token: await alice() });
  assert.equal(resumed.status, 202, resumed.text);
  assert.equal(resumed.body.operation.result.paused, undefined);
  assert.equal((await h.call('POST', `${opPath}/resume`, { token: await alice() })).status, 409, 'not paused, not failed');

  const shown = await h.call<{ operation: Op & { children: Op[] } }>('GET', opPath, { token: await alice() });
  assert.deepEqual(shown.body.operation.children.map((c) => c.protection_group_id), ids, 'children in tier order');

  // No engine has taken it: the cancel ends the run and its children, and frees the plan and the PGs.
  const cancelled = await h.call<{ operation: Op & { children: Op[] } }>('POST', `${opPath}/cancel`, { token: await alice() });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.body.operation.status, 'cancelled');
  assert.deepEqual(cancelled.body.operation.children.map((c) => c.status), ['cancelled', 'cancelled', 'cancelled']);
  assert.deepEqual(cancelled.body.operation.result.children, { cancelled: 3 });
  for (const id of ids) assert.equal((await pgs.get(id))?.active_operation_id, null);
  assert.equal((await h.call<{ recovery_plan: Plan }>('GET', `${plans}/${p.id}`, { token: await alice() })).body.recovery_plan.active_run_id, null);
});

test('a drill of PGs whose drills run on the other site is refused naming that site; a dry run reports every PG', async () => {
  const id = await activePg(h, 'rp-drill');
  const p = (await create({ name: 'drill-here', tiers: [{ name: 'a', protection_groups: [id] }] })).body.recovery_plan;
  const r = await h.call<Err>('POST', `${plans}/${p.id}/run`, { token: await alice(), body: { mode: 'drill' } });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /runs on site .*post it there/);
  const dry = await h.call<{ precheck: { ok: boolean; protection_groups: { protection_group_id: string; action: string }[] } }>('POST', `${plans}/${p.id}/run`, { token: await alice(), body: { mode: 'drill', dry_run: true } });
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.body.precheck.protection_groups.map((g) => [g.protection_group_id, g.action]), [[id, 'test_failover']]);
});

test('commit and rollback refuse an operation that is not awaiting a commit; a commit window is for planned failovers only', async () => {
  const id = await failedOver('cw-api');
  const bad = await h.call<Err>('POST', `/v1/${demo}/protection-groups/${id}/action`, { token: await alice(), body: { failover: { type: 'unplanned', commit_window: { seconds: 60 } } } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /failover\.commit_window.*Only a planned failover/);
  const r = await h.call<{ operation: Op } & Err>('POST', `/v1/${demo}/protection-groups/${id}/action`, { token: await alice(), body: { failback: {} } });
  assert.equal(r.status, 202, r.text);
  for (const decision of ['commit', 'rollback']) {
    const refused = await h.call<Err>('POST', `/v1/${demo}/operations/${r.body.operation.id}/${decision}`, { token: await alice() });
    assert.equal(refused.status, 409, refused.text);
    assert.match(refused.body.error.message, /is not awaiting a commit/);
    assert.equal((await h.call('POST', `/v1/${demo}/operations/${r.body.operation.id}/${decision}`, { token: await h.token('bob') })).status, 403);
  }
  await ops.cancel(r.body.operation.id);
});

test('hooks: a secret is needed for a new hook, sealed at rest, never shown, kept when a change leaves it out', async () => {
  const pg = await activePg(h, 'rp-hooks');
  const hook = { name: 'ticket', url: 'https://itsm.example.com/hooks/dr', event: 'before_tier', tier: 'a', on_failure: 'fail' };
  const missing = await create({ name: 'hooked', tiers: [{ name: 'a', protection_groups: [pg] }], hooks: [hook] });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /recovery_plan\.hooks\[0\]\.secret/);
  const wrongTier = await create({ name: 'hooked', tiers: [{ name: 'a', protection_groups: [pg] }], hooks: [{ ...hook, tier: 'b', secret: 'a-long-enough-secret-1' }] });
  assert.equal(wrongTier.status, 400);
  assert.match(wrongTier.body.error.message, /hooks\[0\]\.tier.*no tier 'b'/);
  const r = await create({ name: 'hooked', tiers: [{ name: 'a', protection_groups: [pg] }], hooks: [{ ...hook, secret: 'a-long-enough-secret-1' }] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.recovery_plan.hooks, [hook]);
  assert.doesNotMatch(r.text, /a-long-enough-secret-1/);
  const row = await h.deps.db.selectFrom('recovery_plans').select('hooks').where('id', '=', r.body.recovery_plan.id).executeTakeFirstOrThrow();
  assert.doesNotMatch(row.hooks, /a-long-enough-secret-1/, 'sealed at rest');
  const up = await h.call<{ recovery_plan: Plan & { hooks: unknown[] } }>('PUT', `${plans}/${r.body.recovery_plan.id}`, { token: await alice(), body: { recovery_plan: { hooks: [{ ...hook, timeout_seconds: 5 }] } } });
  assert.equal(up.status, 200, up.text);
  const after_ = await h.deps.db.selectFrom('recovery_plans').select('hooks').where('id', '=', r.body.recovery_plan.id).executeTakeFirstOrThrow();
  assert.equal((JSON.parse(after_.hooks) as { secret: string }[])[0]!.secret, (JSON.parse(row.hooks) as { secret: string }[])[0]!.secret, 'the secret kept');
  assert.equal((await create({ name: 'bad-url', tiers: [{ name: 'a', protection_groups: [pg] }], hooks: [{ ...hook, name: 'x', url: 'file:///etc/passwd', secret: 'a-long-enough-secret-1' }] })).status, 400);
});
