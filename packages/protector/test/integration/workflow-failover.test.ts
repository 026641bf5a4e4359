// Failover and failback for real, proven by data written inside the VMs: planned (zero loss),
// point-in-time (exactly the chosen point), unplanned with site-a switched off (data up to the
// newest transferred recovery point, the loss window reported), failback (the DR site's writes
// come home), rollback when the link drops, partial when one server cannot boot, and a
// pre-check report listing every blocker at once.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ProtectionGroup } from '../../src/db/protection-groups.js';
import { failoverWorkflow } from '../../src/engine/workflows/index.js';
import { decideCommit } from '../../src/engine/workflows/recovery/commit-window.js';
import { engineWithHook, expectStatus, guestRead, guestWrite, protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());

const onB = async (pg: ProtectionGroup) => (await t.atB.pgs.get(pg.id)) as ProtectionGroup;
const onA = async (pg: ProtectionGroup) => (await t.atA.pgs.get(pg.id)) as ProtectionGroup;
const serverOn = async (pg: ProtectionGroup, at: 'a' | 'b', name: string): Promise<string> => {
  const p = at === 'a' ? t.atA : t.atB;
  const m = (await p.pgs.members(pg.id)).find((x) => x.name === name);
  assert.ok(m, `member ${name}`);
  return m.server_id;
};

async function siteA(up: boolean): Promise<void> {
  await t.a.faults.set('all', { down: !up });
  t.a.arrays.setArrayDown('site-a-array', !up);
}

test('planned failover: every byte written before it is on site-b, same IPs and MACs, replication reversed, old copies cleaned', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'planned', servers: { 'db-1': 0, 'app-1': 1 } });
  const app = servers.find((s) => s.name === 'app-1')!;
  const portBefore = (await t.alice('a').neutron.listPorts({ device_id: app.serverId }))[0]!;
  await guestWrite(t.a, app.serverId, 0, 'last write before the planned failover');

  const op = await runOp(t.atB, pg, 'failover', { type: 'planned' });
  const steps = await t.atB.ops.steps(op.id);
  assert.deepEqual(steps.map((s) => s.name), [
    'precheck', 'stop_source_servers', 'final_snapshot', 'wait_for_transfer', 'restore_volumes', 'manage_volumes', 'create_ports', 'boot_servers', 'reverse_replication', 'swap_roles', 'cleanup_source',
  ]);
  assert.ok(steps.every((s) => s.status === 'completed' && typeof s.duration_ms === 'number' && s.started_at !== null));

  const pgB = await onB(pg);
  assert.equal(pgB.status, 'failed_over');
  assert.equal(pgB.current_primary_site_id, t.atB.siteB.id);
  assert.equal(pgB.sync_state, 'out_of_sync', 'the client must push the new document');
  assert.equal(pgB.resources.array?.sourceArray, 'site-b-array');
  assert.equal(pgB.resources.leftovers, undefined, 'cleanup removed the old copies');
  const newApp = await serverOn(pg, 'b', 'app-1');
  assert.notEqual(newApp, app.serverId);
  assert.equal(await guestRead(t.b, newApp, 0, 'last write before the planned failover'.length), 'last write before the planned failover');
  const port = (await t.alice('b').neutron.listPorts({ device_id: newApp }))[0]!;
  assert.deepEqual(port.fixed_ips.map((f) => f.ip_address), portBefore.fixed_ips.map((f) => f.ip_address));
  assert.equal(port.mac_address, portBefore.mac_address);
  // The old primary's servers are gone and its Cinder records with them.
  assert.equal(t.a.nova.getServer(app.serverId), undefined);
  assert.equal(t.a.cinder.getVolume(app.volumeId), undefined);

  // Failback: written on the DR site, back home on site-a.
  await t.push(pg.id, 'b');
  await guestWrite(t.b, newApp, 4096, 'written on the DR site');
  const back = await runOp(t.atA, pg, 'failback');
  assert.ok((await t.atA.ops.steps(back.id)).every((s) => s.status === 'completed'));
  const pgA = await onA(pg);
  assert.equal(pgA.status, 'active');
  assert.equal(pgA.current_primary_site_id, t.atA.siteA.id);
  assert.equal(pgA.resources.array?.sourceArray, 'site-a-array', 'replication direction restored');
  const home = await serverOn(pg, 'a', 'app-1');
  assert.equal(await guestRead(t.a, home, 4096, 'written on the DR site'.length), 'written on the DR site');
  assert.equal(await guestRead(t.a, home, 0, 'last write before the planned failover'.length), 'last write before the planned failover');
  assert.equal(t.b.nova.getServer(newApp), undefined, 'the DR copy was cleaned up');
  // And it replicates again, site-a to site-b.
  await t.push(pg.id, 'a');
  await runOp(t.atA, pg, 'replicate');
});

test('point-in-time failover: the data equals the chosen recovery point exactly', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'pit', servers: { 'pit-1': 0 } });
  const vm = servers[0]!;
  await guestWrite(t.a, vm.serverId, 0, 'version-1');
  const first = await runOp(t.atA, pg, 'replicate');
  const rp1 = (await t.atA.ops.steps(first.id))[0]!.detail.recovery_point as string;
  await guestWrite(t.a, vm.serverId, 0, 'version-2');
  await runOp(t.atA, pg, 'replicate');
  await guestWrite(t.a, vm.serverId, 0, 'version-3');
  await t.push(pg.id, 'a');

  // A point-in-time planned failover waits for a commit (an hour by default) once the workload is up.
  const op = await t.atB.newOp((await t.atB.pgs.get(pg.id))!, 'failover', { type: 'planned', recovery_point_id: rp1 });
  const running = t.atB.run(op.id);
  const end = Date.now() + 60_000;
  while (!(await t.atB.ops.steps(op.id)).some((s) => s.name === 'await_commit' && s.status === 'running')) {
    assert.ok(Date.now() < end, 'the failover reaches its commit window');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await t.atB.pgs.get(pg.id))?.status, 'awaiting_commit');
  const window = (await t.atB.ops.get(op.id))!.result.commit as { deadline: number; on_deadline: string };
  assert.ok(Math.abs(window.deadline - Date.now() - 3_600_000) < 60_000, 'the default window is an hour');
  assert.equal(window.on_deadline, 'commit');
  await decideCommit(t.atB.db, op.id, 'commit', 'alice', Date.now());
  await running;
  await expectStatus(t.atB, op, 'completed');
  assert.equal((await t.atB.ops.steps(op.id)).find((s) => s.name === 'wait_for_transfer')?.detail.recovery_point, rp1);
  const vmB = await serverOn(pg, 'b', 'pit-1');
  assert.equal(await guestRead(t.b, vmB, 0, 9), 'version-1');
});

test('unplanned failover with site-a off: data up to the newest transferred point, not after; loss window reported; failback brings DR writes home', { timeout: 180_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'unplanned', servers: { 'u-1': 0 } });
  const vm = servers[0]!;
  await guestWrite(t.a, vm.serverId, 0, 'replicated in time');
  const sync = await runOp(t.atA, pg, 'replicate');
  const rp = (await t.atA.ops.steps(sync.id))[1]!.detail.recovery_point as string;
  const rpTime = (await t.storage.listRecoveryPoints((await onA(pg)).resources.array!)).find((p) => p.name === rp)!.createdAt;
  await guestWrite(t.a, vm.serverId, 512, 'lost with site-a');
  await t.push(pg.id, 'a');
  await siteA(false);
  try {
    const op = await runOp(t.atB, pg, 'failover', { type: 'unplanned' });
    const swap = (await t.atB.ops.steps(op.id)).find((s) => s.name === 'swap_roles')!;
    assert.equal(swap.detail.recovery_point, rp);
    assert.equal(swap.detail.data_as_of, rpTime, 'the loss window starts at the recovery point');
    const pgB = await onB(pg);
    assert.equal(pgB.status, 'failed_over');
    assert.equal(pgB.resources.leftovers?.fenced, true);
    assert.equal(pgB.resources.reverse_pending, true);
    const vmB = await serverOn(pg, 'b', 'u-1');
    assert.equal(await guestRead(t.b, vmB, 0, 'replicated in time'.length), 'replicated in time');
    assert.equal(await guestRead(t.b, vmB, 512, 16), '\0'.repeat(16), 'nothing newer than the recovery point');
    await guestWrite(t.b, vmB, 1024, 'written while site-a was down');
  } finally {
    await siteA(true);
  }
  // site-a is back: its copy must not be started again, and sync brings its document up to date.
  await t.push(pg.id, 'b');
  assert.equal((await onA(pg)).status, 'failed_over');
  const back = await runOp(t.atA, pg, 'failback');
  const steps = await t.atA.ops.steps(back.id);
  assert.equal(steps.find((s) => s.name === 'reverse_if_pending')?.detail.reversed, true);
  assert.equal(t.a.nova.getServer(vm.serverId), undefined, 'the fenced server was deleted, never started');
  const home = await serverOn(pg, 'a', 'u-1');
  assert.equal(await guestRead(t.a, home, 1024, 'written while site-a was down'.length), 'written while site-a was down');
  assert.equal((await onA(pg)).resources.array?.sourceArray, 'site-a-array');
});

test('link down during a planned failover: it stops, rolls back, and the source servers run again', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'linkdown', servers: { 'l-1': 0 } });
  // The link drops once the source servers are stopped: the final snapshot cannot transfer.
  const e = engineWithHook(t.atB, failoverWorkflow(t.atB.deps, { stepTimeoutMs: 2000 }), 'stop_source_servers', () => t.a.arrays.setLink('site-a-array', 'site-b-array', { up: false }));
  const op = await t.atB.newOp(await onB(pg), 'failover', { type: 'planned' });
  try {
    await e.tryRun(op.id);
  } finally {
    t.a.arrays.setLink('site-a-array', 'site-b-array', { up: true });
  }
  const done = await expectStatus(t.atB, op, 'rolled_back');
  assert.match(done.error ?? '', /^wait_for_transfer: /);
  const steps = await t.atB.ops.steps(op.id);
  assert.deepEqual(steps.slice(-3).map((s) => [s.name, s.status]), [['rollback_target', 'completed'], ['rollback_replication', 'completed'], ['rollback_source', 'completed']]);
  assert.equal(t.a.nova.getServer(servers[0]!.serverId)?.vm_state, 'active', 'the source server runs again');
  const pgB = await onB(pg);
  assert.equal(pgB.status, 'active');
  assert.equal(pgB.current_primary_site_id, t.atB.siteA.id);
  // Replication from site-a works again.
  await runOp(t.atA, pg, 'replicate');
});

test('one server failing to boot during an unplanned failover: failed_over_partial naming it, the others running', { timeout: 120_000 }, async () => {
  const { pg } = await protectedPg(t, { name: 'partial', servers: { 'ok-1': 0, 'bad-1': 1, 'ok-2': 1 } });
  t.b.faults.failBoots('bad-*', 'no capacity for the test');
  try {
    await runOp(t.atB, pg, 'failover', { type: 'unplanned', boot_timeout_seconds: 30 }, 'partial');
  } finally {
    t.b.faults.clearBoots();
  }
  const pgB = await onB(pg);
  assert.equal(pgB.status, 'failed_over_partial');
  const errors = pgB.resources.failover!.errors;
  const bad = (await t.atB.pgs.members(pg.id)).find((m) => m.name === 'bad-1')!;
  assert.deepEqual(Object.keys(errors), [bad.server_id]);
  assert.match(errors[bad.server_id]!, /No valid host was found/);
  for (const name of ['ok-1', 'ok-2']) assert.equal(t.b.nova.getServer(await serverOn(pg, 'b', name))?.vm_state, 'active');
});

test('pre-checks list every blocker at once and change nothing', { timeout: 60_000 }, async () => {
  const { pg } = await protectedPg(t, { name: 'blocked', servers: { 'x-1': 0 } });
  await t.atB.pgs.replaceMappings(pg.id, (await t.atB.pgs.mappings(pg.id)).filter((m) => m.kind !== 'network'));
  await t.atB.pgs.update(pg.id, { sync_state: 'out_of_sync' });
  t.a.arrays.setLink('site-a-array', 'site-b-array', { up: false });
  try {
    const op = await runOp(t.atB, pg, 'failover', { type: 'planned' }, 'failed');
    const codes = (((await t.atB.ops.steps(op.id))[0]!.detail.blockers as { code: string }[]) ?? []).map((b) => b.code).sort();
    assert.deepEqual(codes, ['mapping_missing', 'metadata_out_of_sync', 'replication_link_down']);
    assert.match(op.error ?? '', /3 blocker/);
  } finally {
    t.a.arrays.setLink('site-a-array', 'site-b-array', { up: true });
  }
  assert.equal((await onB(pg)).status, 'active');
  assert.equal(t.a.nova.getServer((await t.atA.pgs.members(pg.id))[0]!.server_id)?.vm_state, 'active');
});

test('sync (pod) PG: an unplanned failover with site-a off loses nothing', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'pod', servers: { 's-1': 0 }, replicationType: 'sync' });
  const vm = servers[0]!;
  assert.equal((await onA(pg)).resources.array?.type, 'sync');
  await guestWrite(t.a, vm.serverId, 0, 'acknowledged just before the site died');
  await siteA(false);
  try {
    const op = await runOp(t.atB, pg, 'failover', { type: 'unplanned' });
    const swap = (await t.atB.ops.steps(op.id)).find((s) => s.name === 'swap_roles')!;
    assert.equal(swap.detail.recovery_point, 'now');
    const vmB = await serverOn(pg, 'b', 's-1');
    assert.equal(await guestRead(t.b, vmB, 0, 'acknowledged just before the site died'.length), 'acknowledged just before the site died');
  } finally {
    await siteA(true);
  }
});
