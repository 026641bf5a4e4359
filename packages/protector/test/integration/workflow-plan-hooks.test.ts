// A plan run's hooks and readiness waits (issue [11]): signed HTTP callouts before and after the
// run and its tiers, in order, each body verifiable with the hook's secret; a readiness wait that
// holds the next tier until the application answers; a hook that fails with the `fail` policy
// stops the run before the next tier starts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { PlanHookInput, PlanTier } from '@protector/contract';
import { RecoveryPlans } from '../../src/db/recovery-plans.js';
import { actionParams, createPlanRun, runTiers } from '../../src/engine/plan-runs.js';
import { hookSignature } from '../../src/engine/plan-hooks.js';
import { publicHook } from '../../src/db/recovery-plans.js';
import { expectStatus, protectedPg } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());
const b = t.atB;
const SECRET = 'hook-secret-0123456789abcdef';

/** The receiving end: every call recorded with whether its signature checks out; /fail answers 500, /ready 503 until its third call. */
const calls: { path: string; event?: string; tier?: string; signed: boolean; at: number }[] = [];
let readyCalls = 0;
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    const path = req.url ?? '';
    if (path === '/ready') {
      readyCalls++;
      res.writeHead(readyCalls >= 3 ? 200 : 503).end();
      return;
    }
    const ts = String(req.headers['x-protector-timestamp'] ?? '');
    const signed = req.headers['x-protector-signature'] === hookSignature(SECRET, ts, body);
    const p = JSON.parse(body || '{}') as { event?: string; tier?: string };
    calls.push({ path, event: p.event, tier: p.tier, signed, at: Date.now() });
    res.writeHead(path === '/fail' ? 500 : 204).end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => new Promise<void>((r) => server.close(() => r())));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const one = await protectedPg(t, { name: 'hk-one', servers: { 'hk-1': 0 } });
const two = await protectedPg(t, { name: 'hk-two', servers: { 'hk-2': 0 } });
const plans = new RecoveryPlans(b.db, b.sites.box);
const engine = b.engine(undefined, { concurrency: 3 });
await engine.start();
after(() => engine.stop(1000));

async function run(name: string, tiers: PlanTier[], hooks: PlanHookInput[], mode: 'drill' | 'drill_cleanup' = 'drill') {
  const existing = await plans.findByName(one.pg.project_id, name);
  const p = existing ?? (await plans.create(randomUUID(), one.pg.project_id, { name, description: '', tiers, hooks }));
  const made = await createPlanRun(b.ops, Date.now(), {
    id: randomUUID(), project_id: p.project_id, request_id: `req-${randomUUID()}`, user_id: 'alice',
    params: { plan_id: p.id, plan_name: p.name, version: p.version, mode, tiers: runTiers(p.tiers, mode), action: actionParams(mode, { boot_timeout_seconds: 60 }), recovery_points: {}, hooks: p.hooks.map(publicHook) },
  }, () => randomUUID());
  const end = Date.now() + 120_000;
  while (!['completed', 'failed', 'partial', 'rolled_back', 'cancelled'].includes((await b.ops.get(made.parent.id))!.status) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return made;
}

test('hooks are called in order, signed with their secret; a readiness wait holds the next tier until the application answers', { timeout: 180_000 }, async () => {
  const tiers: PlanTier[] = [
    { name: 'db', protection_groups: [one.pg.id], wait_after: { type: 'ready', url: `${base}/ready`, interval_seconds: 1, timeout_seconds: 30 } },
    { name: 'app', protection_groups: [two.pg.id] },
  ];
  const hooks: PlanHookInput[] = [
    { name: 'announce', url: `${base}/start`, event: 'before_run', secret: SECRET },
    { name: 'db-up', url: `${base}/db-up`, event: 'after_tier', tier: 'db', secret: SECRET },
    { name: 'every-tier', url: `${base}/tier`, event: 'before_tier', secret: SECRET },
    { name: 'flaky', url: `${base}/fail`, event: 'after_run', retries: 1, on_failure: 'continue', secret: SECRET },
  ];
  const { parent } = await run('hooked', tiers, hooks);
  await expectStatus(b, parent, 'completed');
  assert.deepEqual(calls.map((c) => `${c.path} ${c.event} ${c.tier ?? ''}`), ['/start before_run ', '/tier before_tier db', '/db-up after_tier db', '/tier before_tier app', '/fail after_run ', '/fail after_run ']);
  assert.ok(calls.every((c) => c.signed), 'every body verifies with the secret');
  assert.equal(readyCalls, 3);
  const steps = await b.ops.steps(parent.id);
  assert.deepEqual(steps.map((s) => s.name), ['precheck', 'hooks_before_run', 'hooks_before_tier_1', 'start_tier_1', 'wait_tier_1', 'hooks_after_tier_1', 'ready_after_tier_1', 'hooks_before_tier_2', 'start_tier_2', 'wait_tier_2', 'hooks_after_run']);
  assert.equal((steps.find((s) => s.name === 'ready_after_tier_1')!.detail.checks), 3);
  const kids = await b.ops.children(parent.id);
  const readyAt = steps.find((s) => s.name === 'ready_after_tier_1')!.finished_at!;
  assert.ok(kids.find((k) => k.pg_id === two.pg.id)!.started_at! >= readyAt, 'the app tier after the db tier was ready');
  const last = steps.find((s) => s.name === 'hooks_after_run')!.detail.hooks as { ok: boolean; attempts: unknown[] }[];
  assert.deepEqual([last[0]!.ok, last[0]!.attempts.length], [false, 2], 'a continue hook that failed is recorded and passed');
  for (const id of [one.pg.id, two.pg.id]) await t.push(id, 'b');
  const cleanup = await run('hooked', tiers, hooks, 'drill_cleanup');
  await expectStatus(b, cleanup.parent, 'completed');
});

test('a hook that fails with the fail policy stops the run before the next tier: its PGs are never touched', { timeout: 180_000 }, async () => {
  for (const id of [one.pg.id, two.pg.id]) await t.push(id, 'b');
  calls.length = 0;
  const { parent } = await run('gated', [{ name: 'db', protection_groups: [one.pg.id] }, { name: 'app', protection_groups: [two.pg.id] }], [
    { name: 'change-ticket', url: `${base}/fail`, event: 'before_tier', tier: 'app', retries: 1, timeout_seconds: 5, secret: SECRET },
  ]);
  const done = await expectStatus(b, parent, 'failed');
  assert.match(done.error ?? '', /hooks_before_tier_2: hook change-ticket failed after 2 attempt\(s\): HTTP 500/);
  const app = (await b.ops.children(parent.id)).find((k) => k.pg_id === two.pg.id)!;
  assert.deepEqual([app.status, app.started_at], ['cancelled', null], 'the app tier never started');
  assert.equal((await b.pgs.get(two.pg.id))?.status, 'active');
  assert.equal((await b.pgs.get(two.pg.id))?.active_operation_id, null, 'and its PG is free');
});
