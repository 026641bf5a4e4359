// Fencing on return (issue [7], DESIGN §5.5): after an unplanned failover with site-a down, its
// servers come back running when site-a does, with the names and addresses of the ones serving on
// site-b. The engine of the site running the workload watches the old primary and stops them as
// soon as it answers, records it, and leaves stopped servers alone.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { enforceFencing, startSiteWatcher, type FenceReport } from '../../src/engine/index.js';
import { protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());

async function siteA(up: boolean): Promise<void> {
  await t.a.faults.set('all', { down: !up });
  t.a.arrays.setArrayDown('site-a-array', !up);
}

test('the old primary returns with its fenced servers running: the watcher stops them and records it', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'splitbrain', servers: { 'f-1': 0, 'f-2': 1 } });
  await siteA(false);
  try {
    await runOp(t.atB, pg, 'failover', { type: 'unplanned' });
    const down = await enforceFencing(t.atB.deps, (await t.atB.pgs.get(pg.id))!);
    assert.ok(down?.unreachable, 'site-a down: nothing to do until it answers');
    assert.deepEqual(down.stopped, []);
  } finally {
    await siteA(true);
  }
  // site-a is back, and its copies never stopped: two copies of the workload run.
  for (const s of servers) assert.equal(t.a.nova.getServer(s.serverId)?.vm_state, 'active');
  const left = (await t.atB.pgs.get(pg.id))!.resources.leftovers!;
  assert.equal(left.fenced, true);

  const seen: FenceReport[] = [];
  const watcher = startSiteWatcher(t.atB.deps, t.atB.ops, { intervalMs: 100, run: () => {}, onFenced: (r) => seen.push(r) });
  try {
    const deadline = Date.now() + 30_000;
    while (servers.some((s) => t.a.nova.getServer(s.serverId)?.vm_state !== 'stopped') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await watcher.stop();
  }
  for (const s of servers) assert.equal(t.a.nova.getServer(s.serverId)?.vm_state, 'stopped', `${s.name} on site-a is stopped`);
  assert.deepEqual(seen.flatMap((r) => r.stopped).sort(), servers.map((s) => s.serverId).sort());
  const recorded = (await t.atB.pgs.get(pg.id))!.resources.leftovers!.stopped_on_return ?? [];
  assert.deepEqual(recorded.map((x) => x.server_id).sort(), servers.map((s) => s.serverId).sort());
  // The servers on site-b keep running; a second pass has nothing to do.
  for (const m of await t.atB.pgs.members(pg.id)) assert.equal(t.b.nova.getServer(m.server_id)?.vm_state, 'active');
  assert.deepEqual((await enforceFencing(t.atB.deps, (await t.atB.pgs.get(pg.id))!))?.stopped, []);
});
