// A planned failover that cannot finish rolls back all the way (issue [7]): the workload runs
// again on the source, nothing the failover created stays on the target (site-b's inventory and
// its array's are what they were), replication resumes; and when removing a target object fails,
// the source is restarted all the same and what remains is recorded for `operation cleanup`.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ProtectionGroup } from '../../src/db/protection-groups.js';
import type { Workflow } from '../../src/engine/index.js';
import { failoverWorkflow, lifecycleWorkflows } from '../../src/engine/workflows/index.js';
import { createWorkflowContext, resumePass } from '../../src/engine/index.js';
import { engineWithHook, expectStatus, guestRead, guestWrite, protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());

/** Everything on a site and its array a failover could leave behind, as ids. */
function inventory(which: 'a' | 'b') {
  const site = which === 'a' ? t.a : t.b;
  return {
    servers: site.nova.servers.list().map((s) => s.id).sort(),
    ports: site.neutron.ports.list().map((p) => p.id).sort(),
    volumes: site.cinder.listVolumes().map((v) => v.id).sort(),
    array_volumes: site.arrays.listVolumes(`site-${which}-array`, { destroyed: true }).map((v) => v.name).sort(),
  };
}
const siteBInventory = () => inventory('b');

const onB = async (pg: ProtectionGroup) => (await t.atB.pgs.get(pg.id)) as ProtectionGroup;

test('a boot failure on the target during a planned failover: rolled back, the workload ACTIVE on the source with its data, nothing left on the target', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'noboot', servers: { 'db-1': 0, 'bad-app': 1 } });
  const db = servers.find((s) => s.name === 'db-1')!;
  await guestWrite(t.a, db.serverId, 0, 'before the failover');
  const before = siteBInventory();
  t.b.faults.failBoots('bad-*', 'no capacity for the test');
  let op;
  try {
    op = await runOp(t.atB, pg, 'failover', { type: 'planned', boot_timeout_seconds: 20 }, 'rolled_back');
  } finally {
    t.b.faults.clearBoots();
  }
  assert.match(op.error ?? '', /^boot_servers: /);
  const steps = await t.atB.ops.steps(op.id);
  assert.deepEqual(steps.slice(-3).map((s) => [s.name, s.status]), [['rollback_target', 'completed'], ['rollback_replication', 'completed'], ['rollback_source', 'completed']]);
  for (const s of servers) assert.equal(t.a.nova.getServer(s.serverId)?.vm_state, 'active', `${s.name} runs on site-a again`);
  assert.equal(await guestRead(t.a, db.serverId, 0, 'before the failover'.length), 'before the failover');
  assert.deepEqual(siteBInventory(), before, 'nothing the failover created remains on site-b or its array');
  const pgB = await onB(pg);
  assert.equal(pgB.status, 'active');
  assert.equal(pgB.current_primary_site_id, t.atB.siteA.id);
  assert.equal(pgB.resources.failover, undefined);
  // Replication from site-a works again, and the failover can be tried again (and now succeeds).
  await runOp(t.atA, pg, 'replicate');
  await t.push(pg.id, 'a');
  await runOp(t.atB, pg, 'failover', { type: 'planned' });
  assert.equal(await guestRead(t.b, (await t.atB.pgs.members(pg.id)).find((m) => m.name === 'db-1')!.server_id, 0, 'before the failover'.length), 'before the failover');
});

test("a target object the rollback cannot remove: the source runs again all the same, and operation cleanup removes the rest", { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'stuck', servers: { 'bad-one': 0 } });
  const before = siteBInventory();
  // site-b's Cinder stops answering while the rollback removes the target's objects.
  const base = failoverWorkflow(t.atB.deps, { stepTimeoutMs: 20_000 });
  const flaky: Workflow = {
    ...base,
    rollback: (op, failed) =>
      base.rollback!(op, failed).map((s) =>
        s.name !== 'rollback_target'
          ? s
          : {
              name: s.name,
              run: async (sc) => {
                await t.b.faults.set('cinder', { down: true });
                try {
                  return await s.run(sc);
                } finally {
                  await t.b.faults.set('cinder', { down: false });
                }
              },
            },
      ),
  };
  const e = t.atB.engine(undefined, { workflows: [flaky, ...lifecycleWorkflows(t.atB.deps).filter((w) => w.type !== 'failover')] });
  const op = await t.atB.newOp(await onB(pg), 'failover', { type: 'planned', boot_timeout_seconds: 20 });
  t.b.faults.failBoots('bad-*', 'no capacity for the test');
  try {
    await e.tryRun(op.id);
  } finally {
    t.b.faults.clearBoots();
  }
  await expectStatus(t.atB, op, 'rolled_back');
  const steps = await t.atB.ops.steps(op.id);
  const target = steps.find((s) => s.name === 'rollback_target')!;
  assert.equal(target.status, 'completed');
  assert.ok((target.detail.failed as unknown[]).length > 0, 'the volumes could not be removed');
  assert.match(String(target.detail.retry), new RegExp(`operations/${op.id}/cleanup$`));
  assert.equal(t.a.nova.getServer(servers[0]!.serverId)?.vm_state, 'active', 'the source server runs again');
  const left = (await onB(pg)).resources.failover;
  assert.equal(left?.operation_id, op.id);
  assert.deepEqual(left?.servers, {}, 'the server was removed; only what failed is still recorded');
  assert.ok(Object.keys(left?.volumes ?? {}).length > 0);
  // A new failover would lose track of them: it is blocked until they are cleaned up.
  const blocked = await runOp(t.atB, pg, 'failover', { type: 'planned' }, 'failed');
  assert.match(blocked.error ?? '', new RegExp(`rolled-back operation ${op.id} left objects .*protector operation cleanup ${op.id}`));

  const cleanup = await runOp(t.atB, pg, 'cleanup', { operation_id: op.id });
  assert.deepEqual((await t.atB.ops.steps(cleanup.id)).map((s) => [s.name, s.status]), [['cleanup_source', 'completed'], ['cleanup_target', 'completed']]);
  assert.equal((await onB(pg)).resources.failover, undefined);
  assert.deepEqual(siteBInventory(), before, 'nothing the failover created remains on site-b or its array');
});

test('a link cut during the transfer of a planned failover: rolled back within the grace, not after the step timeout', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'cut', servers: { 'c-1': 0 } });
  const e = engineWithHook(t.atB, failoverWorkflow(t.atB.deps, { stepTimeoutMs: 300_000, deadLinkGraceMs: 1000 }), 'stop_source_servers', () => t.a.arrays.setLink('site-a-array', 'site-b-array', { up: false }));
  const op = await t.atB.newOp(await onB(pg), 'failover', { type: 'planned' });
  const started = Date.now();
  try {
    await e.tryRun(op.id);
  } finally {
    t.a.arrays.setLink('site-a-array', 'site-b-array', { up: true });
  }
  const done = await expectStatus(t.atB, op, 'rolled_back');
  const wait = (await t.atB.ops.steps(op.id)).find((s) => s.name === 'wait_for_transfer')!;
  assert.match(done.error ?? '', /^wait_for_transfer: .*cannot complete: replication link between 'site-a-array' and 'site-b-array' is down for \d+ s \(grace 1 s/);
  assert.ok((wait.duration_ms ?? Infinity) < 60_000, `the wait ended after ${wait.duration_ms} ms, not the 300 s step timeout`);
  assert.ok(Date.now() - started < 120_000);
  assert.equal(t.a.nova.getServer(servers[0]!.serverId)?.vm_state, 'active', 'the source server runs again');
  await runOp(t.atA, pg, 'replicate');
});

test('a boot failure on the original primary during a failback: rolled back, the workload ACTIVE on the DR site with its data, nothing left on the original primary', { timeout: 180_000 }, async () => {
  const { pg } = await protectedPg(t, { name: 'noreturn', servers: { 'bad-home': 0 } });
  await runOp(t.atB, pg, 'failover', { type: 'planned' });
  await t.push(pg.id, 'b');
  const drServer = (await t.atB.pgs.members(pg.id))[0]!.server_id;
  await guestWrite(t.b, drServer, 0, 'written on the DR site');
  const before = inventory('a');
  t.a.faults.failBoots('bad-*', 'no capacity at home');
  let op;
  try {
    op = await runOp(t.atA, pg, 'failback', { boot_timeout_seconds: 20 }, 'rolled_back');
  } finally {
    t.a.faults.clearBoots();
  }
  assert.match(op.error ?? '', /^boot_servers: /);
  assert.deepEqual((await t.atA.ops.steps(op.id)).slice(-3).map((s) => [s.name, s.status]), [['rollback_target', 'completed'], ['rollback_replication', 'completed'], ['rollback_source', 'completed']]);
  assert.equal(t.b.nova.getServer(drServer)?.vm_state, 'active', 'the workload runs on the DR site again');
  assert.equal(await guestRead(t.b, drServer, 0, 'written on the DR site'.length), 'written on the DR site');
  assert.deepEqual(inventory('a'), before, 'nothing the failback created remains on site-a or its array');
  const pgA = (await t.atA.pgs.get(pg.id))!;
  assert.equal(pgA.status, 'failed_over');
  assert.equal(pgA.current_primary_site_id, t.siteB.id);
  // Replication from the DR site works again.
  await runOp(t.atB, pg, 'replicate');
});

test('the old primary lost once the target runs the workload: the failover completes, replication reverse_pending, the old copies fenced; failback later brings it home', { timeout: 180_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'noreturn-a', servers: { 'n-1': 0 } });
  await guestWrite(t.a, servers[0]!.serverId, 0, 'before the loss');
  const e = engineWithHook(t.atB, failoverWorkflow(t.atB.deps, { stepTimeoutMs: 20_000 }), 'boot_servers', async () => {
    await t.a.faults.set('all', { down: true });
    t.a.arrays.setArrayDown('site-a-array', true);
  });
  const op = await t.atB.newOp(await onB(pg), 'failover', { type: 'planned' });
  try {
    await e.tryRun(op.id);
    await expectStatus(t.atB, op, 'completed');
    const steps = await t.atB.ops.steps(op.id);
    assert.equal(steps.find((s) => s.name === 'reverse_replication')?.detail.reverse_pending, true);
    const pgB = await onB(pg);
    assert.equal(pgB.status, 'failed_over');
    assert.equal(pgB.current_primary_site_id, t.atB.siteB.id);
    assert.equal(pgB.resources.reverse_pending, true);
    assert.equal(pgB.resources.leftovers?.fenced, true, 'the old copies are fenced');
    const drServer = (await t.atB.pgs.members(pg.id))[0]!.server_id;
    assert.equal(t.b.nova.getServer(drServer)?.vm_state, 'active', 'the workload runs on site-b, exactly once');
    assert.equal(await guestRead(t.b, drServer, 0, 'before the loss'.length), 'before the loss');
  } finally {
    await t.a.faults.set('all', { down: false });
    t.a.arrays.setArrayDown('site-a-array', false);
  }
  assert.equal(t.a.nova.getServer(servers[0]!.serverId)?.vm_state, 'stopped', 'the old copy stayed stopped');
  // site-a is back: failback reverses the replication and brings the workload home.
  await t.push(pg.id, 'b');
  await runOp(t.atA, pg, 'failback');
  const home = (await t.atA.pgs.members(pg.id))[0]!.server_id;
  assert.equal(await guestRead(t.a, home, 0, 'before the loss'.length), 'before the loss');
});

test('the old primary lost during the transfer: the rollback waits for it, nothing is left on the target, and the engine completes the rollback when the site returns', { timeout: 180_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'lost-mid', servers: { 'l-1': 0, 'l-2': 1 } });
  await guestWrite(t.a, servers[0]!.serverId, 0, 'before the loss');
  const before = siteBInventory();
  const siteA = async (up: boolean) => {
    await t.a.faults.set('all', { down: !up });
    t.a.arrays.setArrayDown('site-a-array', !up);
  };
  const e = engineWithHook(t.atB, failoverWorkflow(t.atB.deps, { stepTimeoutMs: 300_000, deadLinkGraceMs: 1000 }), 'final_snapshot', () => siteA(false));
  const op = await t.atB.newOp(await onB(pg), 'failover', { type: 'planned' });
  const resumed: string[] = [];
  // A transfer that takes 15 s: site-a is lost while it is in flight.
  t.a.arrays.setLink('site-a-array', 'site-b-array', { latency_ms: 15_000 });
  try {
    await e.tryRun(op.id);
    const failed = await expectStatus(t.atB, op, 'failed');
    assert.match(failed.error ?? '', /^wait_for_transfer: .*; the rollback was interrupted at rollback_replication: .*it resumes by itself once the site answers again/);
    assert.equal((failed.result.rollback_failed as { unreachable: boolean }).unreachable, true);
    // Safe meanwhile: nothing of the failover on site-b, the source servers stopped but kept,
    // and the PG free, so that an unplanned failover could be run from site-b instead.
    assert.deepEqual(siteBInventory(), before);
    const pgB = await onB(pg);
    assert.equal(pgB.status, 'failing_over');
    assert.equal(pgB.active_operation_id, null);
    // While site-a stays down the watch leaves the rollback alone.
    assert.deepEqual(await resumePass(t.atB.ops, createWorkflowContext(t.atB.deps), (id) => resumed.push(id)), []);
  } finally {
    await siteA(true);
    t.a.arrays.setLink('site-a-array', 'site-b-array', { latency_ms: 1 });
  }
  for (const s of servers) assert.equal(t.a.nova.getServer(s.serverId)?.vm_state, 'stopped', `${s.name} stopped, not deleted`);
  // site-a answers again: the watch resumes the rollback at the step it stopped at.
  const reports = await resumePass(t.atB.ops, createWorkflowContext(t.atB.deps), (id) => resumed.push(id));
  assert.deepEqual(reports.map((r) => [r.operation_id, r.site_id, r.step]), [[op.id, t.atB.siteA.id, 'rollback_replication']]);
  assert.deepEqual(resumed, [op.id]);
  await e.tryRun(op.id);
  const done = await expectStatus(t.atB, op, 'rolled_back');
  assert.match(done.error ?? '', /^wait_for_transfer: .*\(rolled back\)$/);
  const steps = await t.atB.ops.steps(op.id);
  assert.deepEqual(steps.filter((s) => s.name.startsWith('rollback_')).map((s) => [s.name, s.status]), [['rollback_target', 'completed'], ['rollback_replication', 'completed'], ['rollback_source', 'completed']]);
  for (const s of servers) assert.equal(t.a.nova.getServer(s.serverId)?.vm_state, 'active', `${s.name} runs on site-a again`);
  assert.equal(await guestRead(t.a, servers[0]!.serverId, 0, 'before the loss'.length), 'before the loss');
  assert.deepEqual(siteBInventory(), before, 'nothing on site-b');
  const pgB = await onB(pg);
  assert.equal(pgB.status, 'active');
  assert.equal(pgB.current_primary_site_id, t.atB.siteA.id);
  // Replication from site-a works again.
  await runOp(t.atA, pg, 'replicate');
});

test('the old primary lost during the transfer, then the disaster declared: an unplanned failover from site-b brings the workload up there, and the interrupted rollback is never resumed', { timeout: 180_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'lost-declared', servers: { 'd-1': 0 } });
  await guestWrite(t.a, servers[0]!.serverId, 0, 'replicated before');
  await runOp(t.atA, pg, 'replicate');
  const siteA = async (up: boolean) => {
    await t.a.faults.set('all', { down: !up });
    t.a.arrays.setArrayDown('site-a-array', !up);
  };
  const e = engineWithHook(t.atB, failoverWorkflow(t.atB.deps, { stepTimeoutMs: 300_000, deadLinkGraceMs: 1000 }), 'final_snapshot', () => siteA(false));
  const planned = await t.atB.newOp(await onB(pg), 'failover', { type: 'planned' });
  t.a.arrays.setLink('site-a-array', 'site-b-array', { latency_ms: 15_000 });
  const resumed: string[] = [];
  try {
    await e.tryRun(planned.id);
    await expectStatus(t.atB, planned, 'failed');
    const unplanned = await runOp(t.atB, await onB(pg), 'failover', { type: 'unplanned' });
    assert.equal(unplanned.status, 'completed');
    const drServer = (await t.atB.pgs.members(pg.id))[0]!.server_id;
    assert.equal(t.b.nova.getServer(drServer)?.vm_state, 'active', 'the workload runs on site-b');
    assert.equal(await guestRead(t.b, drServer, 0, 'replicated before'.length), 'replicated before');
    assert.equal((await onB(pg)).status, 'failed_over');
  } finally {
    await siteA(true);
    t.a.arrays.setLink('site-a-array', 'site-b-array', { latency_ms: 1 });
  }
  // site-a answers again: the superseded rollback is left alone (it would start site-a's copy).
  assert.deepEqual(await resumePass(t.atB.ops, createWorkflowContext(t.atB.deps), (id) => resumed.push(id)), []);
  assert.deepEqual(resumed, []);
  await assert.rejects(t.atB.ops.resume(planned.id, 'u1'), /superseded by failover operation .* \(completed\)/);
  assert.equal(t.a.nova.getServer(servers[0]!.serverId)?.vm_state, 'stopped', "site-a's copy stays stopped");
  assert.equal((await onB(pg)).resources.leftovers?.fenced, true);
});

test('the old primary lost before a planned failover: refused at the pre-checks naming it, nothing changed on either site', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'lost-before', servers: { 'b-1': 0 } });
  const before = siteBInventory();
  await t.a.faults.set('all', { down: true });
  t.a.arrays.setArrayDown('site-a-array', true);
  let op;
  try {
    op = await runOp(t.atB, await onB(pg), 'failover', { type: 'planned' }, 'failed');
  } finally {
    await t.a.faults.set('all', { down: false });
    t.a.arrays.setArrayDown('site-a-array', false);
  }
  assert.match(op.error ?? '', /^precheck: pre-checks found 2 blocker\(s\):\n/);
  assert.match(op.error ?? '', /\[blocker\] replication_link_down: .*array site-a-array unreachable/);
  assert.match(op.error ?? '', /\[blocker\] source_site_unreachable: site site-a \(the current primary\) does not answer/);
  assert.deepEqual((await t.atB.ops.steps(op.id)).map((s) => [s.name, s.status]), [['precheck', 'failed']], 'no rollback: nothing had changed');
  assert.deepEqual(siteBInventory(), before);
  const pgB = await onB(pg);
  assert.equal(pgB.status, 'active');
  assert.equal(pgB.current_primary_site_id, t.atB.siteA.id);
  assert.equal(t.a.nova.getServer(servers[0]!.serverId)?.vm_state, 'active', 'the workload was never stopped');
});
