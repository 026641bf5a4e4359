// The DR drill for real, on site-b's Protector: the drill servers read the data as of the
// recovery point while production on site-a keeps writing, and test_cleanup leaves nothing.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { guestRead, guestWrite, protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());

/** Everything on site-b a drill could leave behind, as ids. */
function siteBInventory(): { servers: string[]; ports: string[]; networks: string[]; volumes: string[]; array_volumes: string[] } {
  const b = t.b;
  return {
    servers: b.nova.servers.list().map((s) => s.id).sort(),
    ports: b.neutron.ports.list().map((p) => p.id).sort(),
    networks: b.neutron.networks.list().map((n) => n.id).sort(),
    volumes: b.cinder.listVolumes().map((v) => v.id).sort(),
    array_volumes: b.arrays.listVolumes('site-b-array').map((v) => v.name).sort(),
  };
}

test('drill: the drill servers hold the recovery point data, production keeps running, cleanup removes all', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'drilled', servers: { 'db-1': 0, 'web-1': 1 } });
  const web = servers.find((s) => s.name === 'web-1')!;
  await guestWrite(t.a, web.serverId, 0, 'as of the recovery point');
  await runOp(t.atA, pg, 'replicate');
  await guestWrite(t.a, web.serverId, 0, 'newer, not replicated yet');
  const before = siteBInventory();

  const drill = await runOp(t.atB, pg, 'test_failover');
  const steps = await t.atB.ops.steps(drill.id);
  assert.deepEqual(steps.map((s) => s.name), ['precheck', 'choose_recovery_point', 'restore_volumes', 'manage_volumes', 'prepare_network', 'create_ports', 'boot_servers', 'report']);
  assert.ok(steps.every((s) => s.status === 'completed' && s.duration_ms !== null));
  const onB = (await t.atB.pgs.get(pg.id))!;
  assert.equal(onB.status, 'test_failed_over');
  const rec = onB.resources.drill!;
  assert.equal(Object.keys(rec.servers).length, 2);
  const drillWeb = rec.servers[web.serverId]!;
  assert.equal(await guestRead(t.b, drillWeb, 0, 'as of the recovery point'.length), 'as of the recovery point');
  // Booted in tiers: db-1 (order 0) was created before web-1 (order 1).
  const boot = steps.find((s) => s.name === 'boot_servers')!.detail.booted as { server: string; tier: number }[];
  assert.deepEqual(boot.map((x) => [x.server, x.tier]), [['db-1', 0], ['web-1', 1]]);

  // Production was never stopped and still writes; the drill reads its own copy.
  assert.equal(t.a.nova.getServer(web.serverId)?.vm_state, 'active');
  await guestWrite(t.a, web.serverId, 100, 'written during the drill');
  assert.equal(await guestRead(t.a, web.serverId, 0, 'newer, not replicated yet'.length), 'newer, not replicated yet');
  await guestWrite(t.b, drillWeb, 200, 'drill scribbles');
  assert.notEqual(await guestRead(t.a, web.serverId, 200, 15), 'drill scribbles');
  // The drill's network is isolated: a new network, not dr-net.
  const drillNet = rec.networks[0]!;
  assert.ok(drillNet && !before.networks.includes(drillNet));

  // The client pushes the changed document to the peer after each operation (DESIGN §5).
  assert.equal((await t.atB.pgs.get(pg.id))?.sync_state, 'out_of_sync');
  await t.push(pg.id, 'b');
  const cleanup = await runOp(t.atB, pg, 'test_cleanup');
  assert.deepEqual((await t.atB.ops.steps(cleanup.id)).map((s) => [s.name, s.status]), [['precheck', 'completed'], ['remove_drill', 'completed']]);
  assert.deepEqual(siteBInventory(), before, 'nothing the drill created remains on site-b');
  const done = (await t.atB.pgs.get(pg.id))!;
  assert.equal(done.status, 'active');
  assert.equal(done.resources.drill, undefined);
  // Replication still works after the drill.
  await runOp(t.atA, pg, 'replicate');
});

test('after a planned failover, a drill rehearses the way back on site-a; cleanup leaves the PG failed over', { timeout: 180_000 }, async () => {
  const { pg } = await protectedPg(t, { name: 'wayback', servers: { 'w-1': 0 } });
  await runOp(t.atB, pg, 'failover', { type: 'planned' });
  await t.push(pg.id, 'b');
  const dr = (await t.atB.pgs.members(pg.id))[0]!.server_id;
  await guestWrite(t.b, dr, 0, 'written on the DR site');
  await runOp(t.atB, pg, 'replicate');
  await t.push(pg.id, 'b');
  const inventoryA = () => ({
    servers: t.a.nova.servers.list().map((s) => s.id).sort(),
    ports: t.a.neutron.ports.list().map((p) => p.id).sort(),
    networks: t.a.neutron.networks.list().map((n) => n.id).sort(),
    volumes: t.a.cinder.listVolumes().map((v) => v.id).sort(),
  });
  const before = inventoryA();

  await runOp(t.atA, pg, 'test_failover');
  const rec = (await t.atA.pgs.get(pg.id))!.resources.drill!;
  assert.equal(rec.site_id, t.siteA.id, 'the drill runs on the original primary');
  assert.equal(await guestRead(t.a, rec.servers[dr]!, 0, 'written on the DR site'.length), 'written on the DR site');
  assert.equal(t.b.nova.getServer(dr)?.vm_state, 'active', 'production on site-b is untouched');
  await t.push(pg.id, 'a');
  await runOp(t.atA, pg, 'test_cleanup');
  const after = (await t.atA.pgs.get(pg.id))!;
  assert.equal(after.status, 'failed_over', 'back to the state it was drilled from');
  assert.equal(after.current_primary_site_id, t.siteB.id);
  assert.deepEqual(inventoryA(), before, 'nothing the drill created remains on site-a');
});
