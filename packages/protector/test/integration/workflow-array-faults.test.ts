// Faults of real arrays met by whole operations on the pure driver (FlashArray REST 2.x over
// HTTPS to each site's array face), whatever PROTECTOR_TEST_STORAGE says: arrays that rate-limit
// and end idle sessions under a drill, and an array call that fails in the middle of a planned
// failover. Each ends in an honest operation result, proven by data; link and array loss during
// operations are in workflow-failover and workflow-rollback, which CI also runs on this driver.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { guestRead, guestWrite, protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

// A face answers 429 past 8 requests a second (a drill makes many more), and forgets a session
// idle for 1.5 s, so the engine's sessions expire between steps.
const t = await startTwoSites({ storage: 'pure', arrayFace: { rateLimit: { perSecond: 8 }, sessionIdleMs: 1500 } });
after(() => t.close());

test('a drill through rate-limited arrays whose sessions expire between steps completes, and its servers hold the recovery point', { timeout: 180_000 }, async () => {
  assert.equal(t.atB.storage.name, 'pure');
  const { pg, servers } = await protectedPg(t, { name: 'throttled', servers: { 'app-1': 0 } });
  const app = servers[0]!;
  await guestWrite(t.a, app.serverId, 0, 'before the drill');
  await runOp(t.atA, pg, 'replicate');
  await new Promise((r) => setTimeout(r, 2000)); // every array session is idle past its limit now
  const waitsBefore = t.sessionWaits.length;
  const drill = await runOp(t.atB, pg, 'test_failover');
  assert.equal(drill.status, 'completed', drill.error ?? '');
  assert.ok(t.sessionWaits.length > waitsBefore, 'the arrays rate-limited the drill, and it waited as told');
  const rec = (await t.atB.pgs.get(pg.id))!.resources.drill!;
  assert.equal(await guestRead(t.b, rec.servers[app.serverId]!, 0, 'before the drill'.length), 'before the drill');
  await t.push(pg.id, 'b');
  await runOp(t.atB, pg, 'test_cleanup');
});

test("an array call failing during a planned failover: the operation says which call and the array's words, rolls back, and the source runs again", { timeout: 180_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'refused', servers: { 'db-1': 0 } });
  const db = servers[0]!;
  await guestWrite(t.a, db.serverId, 0, 'kept on site-a');
  t.b.arrays.failNext('site-b-array', 'copyVolume', 10);
  let op;
  try {
    op = await runOp(t.atB, pg, 'failover', { type: 'planned' }, 'rolled_back');
  } finally {
    t.b.arrays.failNext('site-b-array', 'copyVolume', 0);
  }
  assert.match(op.error ?? '', /^restore_volumes: .*array 'site-b-array': POST \/api\/2\.\d+\/volumes .*answered 500: .*injected fault/);
  assert.equal(t.a.nova.getServer(db.serverId)?.vm_state, 'active');
  assert.equal(await guestRead(t.a, db.serverId, 0, 'kept on site-a'.length), 'kept on site-a');
  const pgB = (await t.atB.pgs.get(pg.id))!;
  assert.equal(pgB.status, 'active');
  assert.equal(pgB.current_primary_site_id, t.atB.siteA.id);
});
