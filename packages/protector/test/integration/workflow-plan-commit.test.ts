// A recovery plan's commit policy (issue [11]): a point_in_time run brings every tier up from a
// clean recovery point, each PG waiting awaiting_commit, the next tier starting once the one
// before is up (with one DR slot: a PG awaiting commit holds none); one rollback of the run
// undoes it last tier first and leaves both sites as before (inventory compared); a planned run
// whose later tier fails rolls back what awaits; the run's deadline commits every PG and
// replication is reversed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { CommitWindow, PlanRunMode, PlanTier } from '@protector/contract';
import { RecoveryPlans } from '../../src/db/recovery-plans.js';
import type { OperationRecord } from '../../src/engine/index.js';
import { actionParams, createPlanRun, runCommitWindow, runTiers, type PlanRunParams } from '../../src/engine/plan-runs.js';
import { failoverWorkflow, lifecycleWorkflows } from '../../src/engine/workflows/index.js';
import { decideCommit } from '../../src/engine/workflows/recovery/commit-window.js';
import { StepError } from '../../src/engine/workflow.js';
import { expectStatus, guestRead, guestWrite, protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());
const b = t.atB;
const CLEAN = 'clean, before the ransomware';

function inventory(which: 'a' | 'b') {
  const site = which === 'a' ? t.a : t.b;
  return {
    servers: site.nova.servers.list().map((s) => `${s.name}:${s.vm_state}`).sort(),
    volumes: site.cinder.listVolumes().length,
    array_volumes: site.arrays.listVolumes(`site-${which}-array`).map((v) => v.name).sort(),
  };
}

const until = async (what: string, ok: () => Promise<boolean>, ms = 180_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const ended = (id: string) => async () => ['completed', 'failed', 'partial', 'rolled_back', 'cancelled'].includes((await b.ops.get(id))!.status);
const child = async (runId: string, pgId: string) => (await b.ops.children(runId)).find((c) => c.pg_id === pgId && typeof c.params.revert_of !== 'string')!;
const step = async (opId: string, name: string) => (await b.ops.steps(opId)).find((s) => s.name === name);

/** A PG of one server whose newest recovery point is encrypted, with a clean one before it. */
async function infected(name: string) {
  const { pg, servers } = await protectedPg(t, { name, servers: { [`${name}-1`]: 0 } });
  const server = servers[0]!;
  await guestWrite(t.a, server.serverId, 0, CLEAN);
  await runOp(t.atA, pg, 'replicate');
  const [clean] = (await b.storage.listRecoveryPoints((await b.pgs.get(pg.id))!.resources.array!)).sort((x, y) => y.createdAt - x.createdAt);
  await guestWrite(t.a, server.serverId, 0, 'ENCRYPTED BY RANSOMWARE!!');
  await runOp(t.atA, pg, 'replicate');
  await t.push(pg.id, 'a');
  return { id: pg.id, server, clean: clean!.name };
}

const db = await infected('pc-db');
const web = await infected('pc-web');
const ids = [db.id, web.id];
const planId = randomUUID();
const project = (await b.pgs.get(db.id))!.project_id;
const tiers: PlanTier[] = [
  { name: 'db', protection_groups: [db.id] },
  { name: 'web', protection_groups: [web.id] },
];
await new RecoveryPlans(b.db, b.sites.box).create(planId, project, { name: 'ransomware', description: '', tiers, commit_window: { seconds: 600 } });

/** A run as the API records it: the plan's commit policy unless the run gives its own. */
async function startRun(mode: PlanRunMode, window?: CommitWindow): Promise<OperationRecord> {
  const p = (await new RecoveryPlans(b.db, b.sites.box).get(planId, project))!;
  const commit = runCommitWindow(mode, window, p.commit_window);
  const points = mode === 'point_in_time' ? { [db.id]: db.clean, [web.id]: web.clean } : {};
  const params: PlanRunParams = { plan_id: p.id, plan_name: p.name, version: p.version, mode, tiers: runTiers(p.tiers, mode), action: actionParams(mode, { boot_timeout_seconds: 60 }, commit), recovery_points: points, ...(commit ? { commit } : {}) };
  return (await createPlanRun(b.ops, Date.now(), { id: randomUUID(), project_id: project, params, request_id: `req-${randomUUID()}`, user_id: 'alice' }, () => randomUUID())).parent;
}

const awaitingRun = (run: OperationRecord) => until('the run to await its commit', async () => (await step(run.id, 'await_commit'))?.status === 'running' || (await ended(run.id)()));

test('a point_in_time run: every tier up from the clean point with one DR slot, then one rollback of the run undoes it last tier first, both sites as before', { timeout: 300_000 }, async () => {
  const before = { a: inventory('a'), b: inventory('b') };
  // One DR slot: tier 2 can only start because tier 1, awaiting its commit, gave its slot back.
  const engine = b.engine(undefined, { concurrency: 1 });
  await engine.start();
  const run = await startRun('point_in_time');
  await awaitingRun(run);
  for (const id of ids) assert.equal((await b.pgs.get(id))?.status, 'awaiting_commit');
  const [cDb, cWeb] = await Promise.all(ids.map((id) => child(run.id, id)));
  assert.deepEqual([cDb!.params.type, cDb!.params.recovery_point_id, cDb!.params.commit_with_run], ['planned', db.clean, true]);
  const tier1Up = (await step(run.id, 'wait_tier_1'))!;
  assert.deepEqual(tier1Up.detail.awaiting_commit, [db.id], 'tier 1 counted up while it awaits the commit');
  assert.ok(cWeb!.started_at! >= tier1Up.finished_at!, 'tier 2 started once tier 1 was up');
  for (const x of [db, web]) {
    const up = (await b.pgs.get(x.id))!.resources.failover!.servers[x.server.serverId]!;
    assert.equal(await guestRead(t.b, up, 0, CLEAN.length), CLEAN, 'the clean point is what runs on site-b');
  }
  const waiting = (await step(run.id, 'await_commit'))!;
  assert.deepEqual([waiting.detail.on_deadline, [...(waiting.detail.protection_groups as string[])].sort()], ['commit', [...ids].sort()]);
  assert.ok(Date.parse(waiting.detail.deadline as string) > Date.now() + 500_000, "the plan's 600 s window");
  const childWait = (await step(cDb!.id, 'await_commit'))!;
  assert.equal(childWait.detail.deadline, undefined, 'a child has no deadline of its own: its run decides');

  await decideCommit(b.db, run.id, 'rollback', 'alice', Date.now());
  await until('the rollback of the run', ended(run.id));
  await expectStatus(b, run, 'rolled_back');
  const [dDb, dWeb] = await Promise.all(ids.map((id) => child(run.id, id)));
  assert.deepEqual([dDb!.status, dWeb!.status], ['rolled_back', 'rolled_back']);
  assert.match(dDb!.error ?? '', /rolled back by alice/);
  assert.ok(dWeb!.finished_at! <= (await step(dDb!.id, 'await_commit'))!.finished_at!, 'the web tier was rolled back before the database was');
  assert.deepEqual((await step(run.id, 'await_commit'))!.detail.decision, 'rollback');
  assert.deepEqual({ a: inventory('a'), b: inventory('b') }, before, 'both sites as before the run');
  for (const x of [db, web]) {
    const pg = (await b.pgs.get(x.id))!;
    assert.deepEqual([pg.status, pg.current_primary_site_id, pg.resources.array?.sourceArray], ['active', b.siteA.id, 'site-a-array']);
  }
  assert.equal((await new RecoveryPlans(b.db, b.sites.box).get(planId, project))?.active_run_id, null, 'the plan is free again');
  await engine.stop(1000);
  for (const id of ids) await t.push(id, 'b');
});

test('a planned run with a commit window whose second tier fails: the first tier, awaiting the commit, is rolled back with the run', { timeout: 300_000 }, async () => {
  const before = { a: inventory('a'), b: inventory('b') };
  const w = failoverWorkflow(b.deps, { stepTimeoutMs: 20_000 });
  const failing = {
    ...w,
    steps: (op: OperationRecord) =>
      w.steps(op).map((s) => (s.name === 'boot_servers' && op.pg_id === web.id ? { name: s.name, run: async () => { throw new StepError('injected: the servers did not boot'); } } : s)),
  };
  const engine = b.engine(undefined, { concurrency: 4, workflows: [failing, ...lifecycleWorkflows(b.deps, { stepTimeoutMs: 20_000 }).filter((x) => x.type !== 'failover')] });
  await engine.start();
  const run = await startRun('planned');
  await until('the run to end', ended(run.id));
  await expectStatus(b, run, 'rolled_back');
  const rolled = (await step(run.id, 'wait_started'))!;
  assert.deepEqual(rolled.detail.rolled_back, [db.id], 'the db tier, up and awaiting the commit, was rolled back');
  assert.equal((await child(run.id, db.id)).status, 'rolled_back');
  assert.equal((await b.ops.children(run.id)).filter((c) => typeof c.params.revert_of === 'string').length, 0, 'nothing to move back: nothing was committed');
  assert.deepEqual({ a: inventory('a'), b: inventory('b') }, before);
  for (const id of ids) assert.deepEqual([(await b.pgs.get(id))!.status, (await b.pgs.get(id))!.current_primary_site_id], ['active', b.siteA.id]);
  await engine.stop(1000);
  for (const id of ids) await t.push(id, 'b');
});

test("the run's deadline commits every PG: replication reversed, the run completed", { timeout: 300_000 }, async () => {
  const engine = b.engine(undefined, { concurrency: 2 });
  await engine.start();
  const run = await startRun('point_in_time', { seconds: 2, on_deadline: 'commit' });
  await until('the run to end', ended(run.id));
  await expectStatus(b, run, 'completed');
  const decided = (await step(run.id, 'await_commit'))!;
  assert.deepEqual([decided.detail.decision, decided.detail.by, decided.detail.failed], ['commit', 'deadline', []]);
  for (const x of [db, web]) {
    const pg = (await b.pgs.get(x.id))!;
    assert.deepEqual([pg.status, pg.current_primary_site_id, pg.resources.array?.sourceArray], ['failed_over', b.siteB.id, 'site-b-array']);
    assert.equal((await child(run.id, x.id)).status, 'completed');
    const up = t.b.nova.servers.list().find((s) => s.name === x.server.name)!;
    assert.equal(await guestRead(t.b, up.id, 0, CLEAN.length), CLEAN);
  }
  await engine.stop(1000);
});
