// Recovery plan runs on site-b's Protector, with real engines on two simulated sites: tiers in
// order (a later tier never starts before the earlier is up and approved), an approval that
// survives kill -9 of the engine running the plan, a delay between tiers, a drill's cleanup in
// reverse order, a planned run rolled back when a PG fails, and an unplanned run that goes on
// past a failed PG and reports it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PlanRunMode, PlanTier } from '@protector/contract';
import { RecoveryPlans } from '../../src/db/recovery-plans.js';
import type { OperationRecord } from '../../src/engine/index.js';
import { actionParams, approveRun, createPlanRun, pauseRun, runTiers, unpauseRun, type PlanRunParams } from '../../src/engine/plan-runs.js';
import { failoverWorkflow, lifecycleWorkflows } from '../../src/engine/workflows/index.js';
import { StepError } from '../../src/engine/workflow.js';
import { expectStatus, protectedPg, runOp } from '../helpers/dr.js';
import type { EngineProcessConfig } from '../helpers/engine-process.js';
import { SECRET_KEY, startTwoSites, type SiteProtector } from '../helpers/two-sites.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '../..');
const t = await startTwoSites();
after(() => t.close());
const b = t.atB;
const LEASE_MS = 800;

async function plan(name: string, tiers: PlanTier[]): Promise<string> {
  return (await new RecoveryPlans(b.db, b.sites.box).create(randomUUID(), (await b.pgs.get(tiers[0]!.protection_groups[0]!))!.project_id, { name, description: '', tiers })).id;
}

async function startRun(planId: string, mode: PlanRunMode): Promise<{ run: OperationRecord; children: OperationRecord[] }> {
  const p = (await new RecoveryPlans(b.db, b.sites.box).get(planId, (await b.db.selectFrom('recovery_plans').select('project_id').where('id', '=', planId).executeTakeFirstOrThrow()).project_id))!;
  const params: PlanRunParams = { plan_id: p.id, plan_name: p.name, version: p.version, mode, tiers: runTiers(p.tiers, mode), action: actionParams(mode, { boot_timeout_seconds: 60 }), recovery_points: {} };
  const made = await createPlanRun(b.ops, Date.now(), { id: randomUUID(), project_id: p.project_id, params, request_id: `req-${randomUUID()}`, user_id: 'alice' }, () => randomUUID());
  return { run: made.parent, children: made.children };
}

const until = async (what: string, ok: () => Promise<boolean>, ms = 120_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const runningStep = async (p: SiteProtector, id: string) => (await p.ops.steps(id)).filter((s) => s.status === 'running').at(-1)?.name;
const child = async (p: SiteProtector, runId: string, pgId: string) => (await p.ops.children(runId)).find((c) => c.pg_id === pgId && typeof c.params.revert_of !== 'string')!;
const hold = async (id: string) => (await b.db.selectFrom('operations').select('hold').where('id', '=', id).executeTakeFirstOrThrow()).hold;

/** The plan run in an engine process of its own (killed by the test); the in-process engine runs the children. */
function runInProcess(run: OperationRecord): { kill(): Promise<void>; events: string[] } {
  const cfg: EngineProcessConfig = {
    dbUrl: b.dbUrl, arrayFile: t.arrayFile, secretKey: SECRET_KEY, localArray: 'site-b-array', peerArray: 'site-a-array',
    operationId: run.id, owner: 'plan-engine', leaseMs: LEASE_MS, stepTimeoutMs: 20_000, arrayCa: t.arrayCa,
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', join(pkg, 'test/helpers/engine-process.ts')], { cwd: pkg, env: { ...process.env, PROTECTOR_TEST_ENGINE: JSON.stringify(cfg) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: string[] = [];
  createInterface({ input: proc.stdout }).on('line', (l) => events.push(l));
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  return {
    events,
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** An engine on site-b whose failover of one PG fails when its servers should boot (a fault the test injects). */
function faultyEngine(pgId: string) {
  const w = failoverWorkflow(b.deps, { stepTimeoutMs: 20_000 });
  const failing = {
    ...w,
    steps: (op: OperationRecord) =>
      w.steps(op).map((s) =>
        s.name === 'boot_servers' && op.pg_id === pgId
          ? { name: s.name, run: async () => { throw new StepError('injected: the servers did not boot'); } }
          : s,
      ),
  };
  return b.engine(undefined, { concurrency: 4, workflows: [failing, ...lifecycleWorkflows(b.deps, { stepTimeoutMs: 20_000 }).filter((x) => x.type !== 'failover')] });
}

const db = await protectedPg(t, { name: 'plan-db', servers: { 'pdb-1': 0 } });
const app = await protectedPg(t, { name: 'plan-app', servers: { 'papp-1': 0 } });
const web = await protectedPg(t, { name: 'plan-web', servers: { 'pweb-1': 0, 'pweb-2': 1 } });
const ids = [db.pg.id, app.pg.id, web.pg.id];

test('a three-tier drill: tiers in order, the approval survives kill -9 of the engine running the plan, a delay between tiers; the drill cleanup runs last tier first', { timeout: 300_000 }, async () => {
  const planId = await plan('three-tier', [
    { name: 'db', protection_groups: [ids[0]!], wait_after: { type: 'approval', prompt: 'check the database' } },
    { name: 'app', protection_groups: [ids[1]!], wait_after: { type: 'time', seconds: 1 } },
    { name: 'web', protection_groups: [ids[2]!] },
  ]);
  const { run, children } = await startRun(planId, 'drill');
  assert.deepEqual(children.map((c) => [c.type, c.pg_id]), ids.map((id) => ['test_failover', id]));
  assert.equal((await new RecoveryPlans(b.db, b.sites.box).get(planId, run.project_id))?.active_run_id, run.id, 'the run holds its plan');

  const engine = b.engine(undefined, { concurrency: 4, leaseMs: LEASE_MS });
  await engine.start();
  const proc = runInProcess(run);
  await until('the approval wait', async () => (await runningStep(b, run.id)) === 'approval_after_tier_1');
  assert.equal((await child(b, run.id, ids[0]!)).status, 'completed');
  assert.equal((await b.pgs.get(ids[0]!))?.status, 'test_failed_over', 'tier 1 drilled');
  for (const id of ids.slice(1)) {
    const c = await child(b, run.id, id);
    assert.deepEqual([c.status, c.started_at, await hold(c.id)], ['pending', null, c.pg_id === ids[1] ? 'tier-2' : 'tier-3'], 'later tiers held');
    assert.equal((await b.pgs.get(id))?.status, 'active');
  }
  const waiting = (await b.ops.steps(run.id)).find((s) => s.name === 'approval_after_tier_1')!;
  assert.equal(waiting.detail.prompt, 'check the database');

  await proc.kill();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await child(b, run.id, ids[1]!)).status, 'pending', 'no approval, no tier 2, whoever runs the plan');
  const approvedAt = Date.now();
  await approveRun(b.db, run.id, 'alice', approvedAt, 'db looks good');
  await until('the run to end', async () => ['completed', 'failed', 'partial', 'cancelled'].includes((await b.ops.get(run.id))!.status), 180_000);
  const done = await expectStatus(b, run, 'completed');
  assert.equal(done.result.approvals && (done.result.approvals as { by: string }[])[0]?.by, 'alice');
  const steps = await b.ops.steps(run.id);
  assert.deepEqual(steps.map((s) => s.name), ['precheck', 'start_tier_1', 'wait_tier_1', 'approval_after_tier_1', 'start_tier_2', 'wait_tier_2', 'delay_after_tier_2', 'start_tier_3', 'wait_tier_3']);
  assert.equal(steps.find((s) => s.name === 'approval_after_tier_1')!.detail.approved_by, 'alice');
  const [c1, c2, c3] = await Promise.all(ids.map((id) => child(b, run.id, id)));
  assert.ok(c2!.started_at! >= approvedAt, 'tier 2 started after the approval');
  assert.ok(c2!.started_at! >= c1!.finished_at!, 'tier 2 after tier 1 was up');
  assert.ok(c3!.started_at! >= c2!.finished_at! + 1000, 'tier 3 after tier 2 and the delay');
  for (const id of ids) assert.equal((await b.pgs.get(id))?.status, 'test_failed_over');
  assert.equal((await new RecoveryPlans(b.db, b.sites.box).get(planId, run.project_id))?.active_run_id, null, 'the plan is free again');
  // What the client does after a run: each PG's document stored on the other site.
  for (const id of ids) await t.push(id, 'b');

  // The cleanup, paused before its first tier and resumed: last tier first.
  const cleanup = await startRun(planId, 'drill_cleanup');
  await pauseRun(b.db, cleanup.run.id, 'alice', Date.now());
  await until('the pause', async () => (await runningStep(b, cleanup.run.id)) === 'start_tier_1');
  await new Promise((r) => setTimeout(r, 700));
  assert.equal((await child(b, cleanup.run.id, ids[2]!)).status, 'pending', 'paused: nothing released');
  await unpauseRun(b.db, cleanup.run.id, Date.now());
  await until('the cleanup to end', async () => (await b.ops.get(cleanup.run.id))!.status !== 'running' && (await b.ops.get(cleanup.run.id))!.status !== 'pending', 180_000);
  await expectStatus(b, cleanup.run, 'completed');
  const [w, a, d] = await Promise.all([ids[2]!, ids[1]!, ids[0]!].map((id) => child(b, cleanup.run.id, id)));
  assert.ok(a!.started_at! >= w!.finished_at! && d!.started_at! >= a!.finished_at!, 'web, then app, then db');
  for (const id of ids) assert.equal((await b.pgs.get(id))?.status, 'active');
  for (const id of ids) await t.push(id, 'b');
  await engine.stop(1000);
});

test('a planned run whose second tier fails is rolled back: the first tier is moved back to site-a, the run ends rolled_back', { timeout: 300_000 }, async () => {
  const planId = await plan('planned-rollback', [
    { name: 'db', protection_groups: [ids[0]!] },
    { name: 'app', protection_groups: [ids[1]!] },
  ]);
  const { run } = await startRun(planId, 'planned');
  // The app PG's failover fails once its servers are booting (a fault the test injects).
  const faulty = faultyEngine(ids[1]!);
  await faulty.start();
  await until('the run to end', async () => ['completed', 'failed', 'partial', 'rolled_back', 'cancelled'].includes((await b.ops.get(run.id))!.status), 240_000);
  const done = await expectStatus(b, run, 'rolled_back');
  assert.match(done.error ?? '', /tier app: protection group .* rolled_back/);
  const kids = await b.ops.children(run.id);
  const revert = kids.find((k) => k.params.revert_of !== undefined);
  assert.ok(revert, 'a failback moved the db tier back');
  assert.deepEqual([revert.type, revert.pg_id, revert.status], ['failback', ids[0], 'completed']);
  for (const id of ids.slice(0, 2)) {
    const pg = (await b.pgs.get(id))!;
    assert.deepEqual([pg.status, pg.current_primary_site_id], ['active', b.siteA.id], `${pg.name} is back on site-a`);
  }
  const steps = (await b.ops.steps(run.id)).map((s) => `${s.name}:${s.status}`);
  assert.deepEqual(steps, ['precheck:completed', 'start_tier_1:completed', 'wait_tier_1:completed', 'start_tier_2:completed', 'wait_tier_2:failed', 'cancel_unstarted:completed', 'wait_started:completed', 'revert_tier_2:completed', 'revert_tier_1:completed']);
  for (const s of [db, app].flatMap((x) => x.servers)) {
    assert.equal(t.a.nova.servers.list().filter((x) => x.name === s.name && x.vm_state === 'active').length, 1, `${s.name} runs on site-a again`);
    assert.equal(t.b.nova.servers.list().filter((x) => x.name === s.name).length, 0, `no ${s.name} left on site-b`);
  }
  await faulty.stop(1000);
});

test('an unplanned run goes on past a PG that fails and reports it: the run ends partial, the later tier came up', { timeout: 300_000 }, async () => {
  const planId = await plan('unplanned-partial', [
    { name: 'db', protection_groups: [ids[0]!] },
    { name: 'app', protection_groups: [ids[1]!, ids[2]!] },
  ]);
  // The PGs the last test moved there and back get a recovery point of their new volumes first.
  for (const id of ids.slice(0, 2)) {
    await t.push(id, 'b');
    await runOp(t.atA, (await t.atA.pgs.get(id))!, 'replicate');
    await t.push(id, 'a');
  }
  const { run } = await startRun(planId, 'unplanned');
  const faulty = faultyEngine(ids[0]!);
  await faulty.start();
  await until('the run to end', async () => ['completed', 'failed', 'partial', 'rolled_back', 'cancelled'].includes((await b.ops.get(run.id))!.status), 240_000);
  await expectStatus(b, run, 'partial');
  const tier1 = (await b.ops.steps(run.id)).find((s) => s.name === 'wait_tier_1')!;
  assert.deepEqual((tier1.detail.failed as { protection_group_id: string }[]).map((f) => f.protection_group_id), [ids[0]]);
  const tier2 = (await b.ops.steps(run.id)).find((s) => s.name === 'wait_tier_2')!;
  assert.deepEqual([...(tier2.detail.completed as string[])].sort(), [ids[1]!, ids[2]!].sort(), 'the app tier came up anyway');
  for (const id of ids.slice(1)) assert.equal((await b.pgs.get(id))?.current_primary_site_id, b.siteB.id);
  for (const s of [app, web].flatMap((x) => x.servers)) assert.equal(t.b.nova.servers.list().filter((x) => x.name === s.name && x.vm_state === 'active').length, 1, `${s.name} runs on site-b`);
  assert.deepEqual((await b.ops.get(run.id))!.result.children, { failed: 1, completed: 2 });
  await faulty.stop(1000);
});
