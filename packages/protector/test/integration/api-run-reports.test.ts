// Run reports through site-b's protector-api after real runs on two simulated sites: a drill
// (per-server times against Nova's own record of each server, RTO from the request to the last
// server ACTIVE, RPO from the recovery point the drill used, the addresses its ports got) of a
// PG and servers named like markup (the HTML page prints them as text), a planned failover
// (RPO 0: the final snapshot is taken after the start) and a two-tier plan run approved through
// the API (tiers, the approval with who and when, the run's RTO and RPO over its PGs).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { RunReport } from '@protector/contract';
import { RecoveryPlans } from '../../src/db/recovery-plans.js';
import type { OperationRecord, OperationType } from '../../src/engine/index.js';
import { actionParams, createPlanRun, runTiers, type PlanRunParams } from '../../src/engine/plan-runs.js';
import { expectStatus, protectedPg } from '../helpers/dr.js';
import { startSiteApis } from '../helpers/two-site-apis.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
const apis = await startSiteApis(t, 'run-reports-pairing-secret-0123456789abcdefghij');
after(async () => {
  await apis.b.close();
  await apis.a.close();
  await t.close();
});
const b = t.atB;
const alice = t.b.keystone.findUser('alice', 'default')!.id;
const demo = apis.b.project('demo');
/** An API timestamp (UTC, no zone) in epoch ms. */
const ms = (ts: string | null): number => Date.parse(`${ts}Z`);

/** Alice's operation on site-b's Protector, run to its end by an engine there. */
async function runAsAlice(pgId: string, type: OperationType, params: Record<string, unknown> = {}): Promise<OperationRecord> {
  const op = await b.ops.create({ id: randomUUID(), project_id: demo, pg_id: pgId, type, params, request_id: `req-${randomUUID()}`, user_id: alice });
  await b.run(op.id);
  return expectStatus(b, op, 'completed');
}

const report = async (id: string, token?: string) => apis.b.call<{ report: RunReport }>('GET', `/v1/${demo}/operations/${id}/report`, token ? { token } : {});

/** Each reported server against Nova's record of it on site-b: asked for before Nova created it, seen ACTIVE once Nova had launched it. */
function checkServersAgainstNova(r: RunReport['protection_groups'][number], op: OperationRecord): number {
  let lastLaunch = 0;
  for (const s of r.servers) {
    const nova = t.b.nova.getServer(s.target_server_id!);
    assert.ok(nova, `${s.name} exists on site-b`);
    assert.equal(s.status, 'active');
    assert.ok(ms(s.requested_at) >= op.started_at! && ms(s.requested_at) <= nova.created_ms, `${s.name} was asked for after the start, before Nova created it`);
    assert.ok(nova.launched_ms !== null && ms(s.active_at) >= nova.launched_ms && ms(s.active_at) <= op.finished_at!, `${s.name} seen ACTIVE once Nova launched it`);
    lastLaunch = Math.max(lastLaunch, nova.launched_ms);
    // Its addresses are those of its ports on site-b.
    const ips = t.b.neutron.ports.list().filter((p) => p.device_id === s.target_server_id).flatMap((p) => p.fixed_ips.map((f) => f.ip_address)).sort();
    assert.deepEqual(s.addresses.flatMap((a) => a.ips).sort(), ips);
    assert.ok(ips.length > 0);
  }
  return lastLaunch;
}

const EVIL_PG = '<script>alert("pg")</script>';
const EVIL_VM = '"><img src=x onerror=alert(1)>';

test('a drill: per-server times as Nova saw them, RTO to the last server ACTIVE, RPO from the recovery point; the HTML page escapes hostile names', { timeout: 180_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: EVIL_PG, servers: { [EVIL_VM]: 0, 'rr-web': 1 } });
  // The recovery point ages before the drill starts.
  await new Promise((r) => setTimeout(r, 1200));
  const drill = await runAsAlice(pg.id, 'test_failover');
  const res = await report(drill.id);
  assert.equal(res.status, 200, res.text);
  const r = res.body.report;
  assert.deepEqual([r.type, r.mode, r.status, r.started_by, r.plan, r.protection_groups.length], ['test_failover', 'drill', 'completed', { user_id: alice, user_name: 'alice' }, null, 1]);
  assert.deepEqual([r.requested_at, r.started_at, r.finished_at].map(ms), [drill.created_at, drill.started_at, drill.finished_at]);
  const p = r.protection_groups[0]!;
  assert.deepEqual([p.protection_group_id, p.name, p.operation_id, p.status], [pg.id, EVIL_PG, drill.id, 'completed']);

  // The servers: the drill's copies of the members, as the PG's drill record holds them.
  const rec = (await b.pgs.get(pg.id))!.resources.drill!;
  assert.deepEqual(p.servers.map((s) => [s.name, s.source_server_id, s.target_server_id, s.boot_tier]), servers.map((s) => [s.name, s.serverId, rec.servers[s.serverId], s.bootOrder]));
  const lastLaunch = checkServersAgainstNova(p, drill);
  const [first, second] = p.servers;
  assert.ok(ms(second!.requested_at) >= ms(first!.active_at), 'boot tier 1 asked for once tier 0 was ACTIVE');

  // RTO: the request to the last server ACTIVE (never less than Nova's launch of it).
  const lastActive = Math.max(...p.servers.map((s) => ms(s.active_at)));
  assert.equal(p.rto_seconds, Math.round((lastActive - drill.created_at) / 100) / 10);
  assert.ok(p.rto_seconds! * 1000 >= lastLaunch - drill.created_at - 50, 'RTO ≥ last launch − request');
  assert.equal(r.rto_seconds, p.rto_seconds);
  // RPO: the recovery point's age when the drill started, from the point the drill record names.
  assert.deepEqual([p.recovery_point?.name, ms(p.recovery_point!.time)], [rec.recovery_point, rec.recovery_point_time]);
  assert.equal(p.rpo_seconds, Math.round((drill.started_at! - rec.recovery_point_time!) / 100) / 10);
  assert.ok(p.rpo_seconds! >= 1.2, `the point aged at least 1.2 s (${p.rpo_seconds})`);
  assert.equal(r.rpo_seconds, p.rpo_seconds);
  assert.deepEqual(p.steps.map((s) => s.name), ['precheck', 'choose_recovery_point', 'restore_volumes', 'manage_volumes', 'prepare_network', 'create_ports', 'boot_servers', 'report']);
  assert.deepEqual(r.errors, []);

  const page = await apis.b.call('GET', `/v1/${demo}/operations/${drill.id}/report?format=html`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.doesNotMatch(page.text, /<script|<img/i, 'no markup from the names');
  assert.ok(page.text.includes('&lt;script&gt;alert(&quot;pg&quot;)&lt;/script&gt;') && page.text.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(page.text.includes(`<dt>RTO</dt><dd>${p.rto_seconds} s`));

  // Another project's reader finds no such operation; a bad format is refused.
  const mallory = await apis.b.token('mallory');
  assert.equal((await apis.b.call('GET', `/v1/${apis.b.project('tenant-b')}/operations/${drill.id}/report`, { token: mallory })).status, 404);
  assert.equal((await apis.b.call('GET', `/v1/${demo}/operations/${drill.id}/report?format=pdf`)).status, 400);
});

test('a planned failover: RPO 0 (the final snapshot is taken after the start), RTO to its server ACTIVE', { timeout: 180_000 }, async () => {
  const { pg } = await protectedPg(t, { name: 'rr-planned', servers: { 'rr-app': 0 } });
  const op = await runAsAlice(pg.id, 'failover', { type: 'planned' });
  const r = (await report(op.id)).body.report;
  const p = r.protection_groups[0]!;
  assert.deepEqual([r.mode, p.status, p.servers.length], ['planned', 'completed', 1]);
  const waited = (await b.ops.steps(op.id)).find((s) => s.name === 'wait_for_transfer')!;
  assert.equal(p.recovery_point?.name, waited.detail.recovery_point);
  assert.ok(ms(p.recovery_point!.time) >= op.started_at!, 'the final snapshot was taken after the start');
  assert.equal(p.rpo_seconds, 0);
  checkServersAgainstNova(p, op);
  assert.equal(p.rto_seconds, Math.round((ms(p.servers[0]!.active_at) - op.created_at) / 100) / 10);
});

test('a two-tier plan run approved through the API: tiers, the approval with who and when, per-PG and whole-run RTO and RPO', { timeout: 240_000 }, async () => {
  const db = await protectedPg(t, { name: 'rr-db', servers: { 'rr-db-1': 0 } });
  const web = await protectedPg(t, { name: 'rr-front', servers: { 'rr-front-1': 0 } });
  const tiers = [{ name: 'db', protection_groups: [db.pg.id], wait_after: { type: 'approval' as const, prompt: 'is the <db> up?' } }, { name: 'web', protection_groups: [web.pg.id] }];
  const plan = await new RecoveryPlans(b.db, b.sites.box).create(randomUUID(), demo, { name: 'rr-plan', description: '', tiers });
  const params: PlanRunParams = { plan_id: plan.id, plan_name: plan.name, version: plan.version, mode: 'drill', tiers: runTiers(plan.tiers, 'drill'), action: actionParams('drill', { boot_timeout_seconds: 60 }), recovery_points: {} };
  const { parent: run } = await createPlanRun(b.ops, Date.now(), { id: randomUUID(), project_id: demo, params, request_id: `req-${randomUUID()}`, user_id: alice }, () => randomUUID());
  const engine = b.engine(undefined, { concurrency: 4 });
  await engine.start();
  try {
    const until = async (ok: () => Promise<boolean>) => {
      for (const end = Date.now() + 180_000; !(await ok()); ) {
        assert.ok(Date.now() < end, 'timed out');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until(async () => (await b.ops.steps(run.id)).some((s) => s.name === 'approval_after_tier_1' && s.status === 'running'));
    const waiting = (await report(run.id)).body.report;
    assert.deepEqual(waiting.waits.map((w) => [w.kind, w.status, w.prompt, w.approval]), [['approval', 'running', 'is the <db> up?', null]]);
    assert.deepEqual(waiting.tiers.map((x) => x.status), ['completed', 'pending']);
    const approved = await apis.b.call('POST', `/v1/${demo}/operations/${run.id}/approve`, { body: { comment: 'db answers' } });
    assert.equal(approved.status, 200, approved.text);
    await until(async () => ['completed', 'failed', 'partial', 'cancelled'].includes((await b.ops.get(run.id))!.status));
  } finally {
    await engine.stop(1000);
  }
  const done = await expectStatus(b, run, 'completed');
  const r = (await report(run.id)).body.report;
  assert.deepEqual([r.type, r.mode, r.status, r.plan, r.started_by.user_name], ['plan_run', 'drill', 'completed', { id: plan.id, name: 'rr-plan', version: plan.version }, 'alice']);
  assert.deepEqual(r.tiers.map((x) => [x.number, x.name, x.status, x.protection_groups]), [[1, 'db', 'completed', [db.pg.id]], [2, 'web', 'completed', [web.pg.id]]]);
  const [w] = r.waits;
  assert.deepEqual([w?.kind, w?.after_tier, w?.status, w?.approval?.by, w?.approval?.comment], ['approval', 'db', 'completed', { user_id: alice, user_name: 'alice' }, 'db answers']);
  assert.deepEqual(r.protection_groups.map((p) => [p.name, p.tier, p.type, p.status]), [['rr-db', 'db', 'test_failover', 'completed'], ['rr-front', 'web', 'test_failover', 'completed']]);
  const [pdb, pweb] = r.protection_groups;
  assert.ok(ms(pweb!.servers[0]!.requested_at) >= ms(w!.approval!.at), 'the web tier was asked for after the approval');
  assert.ok(ms(r.tiers[1]!.released_at) >= ms(w!.approval!.at));
  // The run's RTO: its request to the last server ACTIVE in any PG; its RPO: the worst PG's.
  const lastActive = Math.max(...r.protection_groups.flatMap((p) => p.servers.map((s) => ms(s.active_at))));
  assert.equal(r.rto_seconds, Math.round((lastActive - done.created_at) / 100) / 10);
  assert.equal(r.rto_seconds, pweb!.rto_seconds, 'the web tier came up last');
  assert.equal(r.rpo_seconds, Math.max(pdb!.rpo_seconds!, pweb!.rpo_seconds!));
  for (const p of r.protection_groups) {
    const child = (await b.ops.get(p.operation_id))!;
    checkServersAgainstNova(p, child);
  }
  assert.deepEqual(r.steps.map((s) => s.name), ['precheck', 'start_tier_1', 'wait_tier_1', 'approval_after_tier_1', 'start_tier_2', 'wait_tier_2']);
  const page = (await apis.b.call('GET', `/v1/${demo}/operations/${run.id}/report?format=html`)).text;
  assert.match(page, /Recovery plan rr-plan \(version \d+\), drill/);
  assert.ok(page.includes('Prompt: is the &lt;db&gt; up?. Approved by alice'));
});
