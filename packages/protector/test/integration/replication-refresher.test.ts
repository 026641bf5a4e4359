// The engine's background refresh of every PG's replication state (issue [10]): read from the
// arrays in a few calls per array whatever the number of PGs, recorded per PG, a newer read
// winning, one engine per interval under the lease, failures recorded per PG.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ArrayModel, ManualClock } from '@protector/arraysim';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { REPLICATION_REFRESH, ReplicationStates, type RecordedState } from '../../src/db/replication-state.js';
import { ReplicationRefresher } from '../../src/engine/index.js';
import { countingDriver, seedPgs } from '../helpers/recorded-pgs.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const clock = new ManualClock();
const model = ArrayModel.open(':memory:', clock);
model.createArray('fa-a');
model.createArray('fa-b');
model.connectArrays('fa-a', 'fa-b', { type: 'sync-replication', bandwidth: 1024 * 1024 * 1024, latency_ms: 1 });
const { driver, calls } = countingDriver(model, 'fa-a', 'fa-b', clock);
const db = openDatabase(await testDatabaseUrl());
const states = new ReplicationStates(db);
const refresher = (owner: string, now = () => clock.now()) => new ReplicationRefresher(db, driver, { owner, intervalMs: 30_000, now });

before(() => syncDatabase(db));
after(async () => {
  await db.destroy();
  model.close();
});

/** Array calls of one refresh. */
async function refreshCalls(r: ReplicationRefresher): Promise<string[]> {
  calls.length = 0;
  await r.refresh();
  return [...calls];
}

test('every PG is read in a few array calls whatever their number, and recorded', async () => {
  const first = await seedPgs(db, driver, { count: 4, projectId: 'p1', sync: (i) => i === 3 });
  const few = await refreshCalls(refresher('engine-1'));
  const many = [...first, ...(await seedPgs(db, driver, { count: 40, projectId: 'p1', sync: (i) => i % 10 === 0, prefix: 'more' }))];
  const lots = await refreshCalls(refresher('engine-1'));
  // Reachability of each array, the link, then per target: async snapshots + transfers, sync pods.
  assert.deepEqual(lots.toSorted(), few.toSorted(), 'the same calls for 4 PGs as for 44');
  assert.ok(lots.length <= 6, lots.join(', '));
  assert.deepEqual(lots.filter((c) => c.startsWith('fa-b list')).toSorted(), ['fa-b listPods', 'fa-b listSnapshotsOfGroups', 'fa-b listTransfers']);

  // A replicated snapshot of one async PG: its lag is recorded, the others have no recovery point.
  const asyncPg = many[0]!;
  await driver.snapshotNow(asyncPg.handle, { replicate: true });
  clock.advance(1000);
  model.tick();
  clock.advance(4000);
  await refresher('engine-1').refresh();
  const a = await states.get(asyncPg.id);
  assert.equal(a?.link, 'connected');
  assert.equal(a?.lag_ms, 5000);
  assert.match(a?.newest_recovery_point ?? '', /^fa-a:protector-.*\./);
  assert.equal(a?.checked_at, clock.now());
  assert.equal(a?.checked_by, 'engine-1');
  assert.equal(a?.error, null);
  const other = await states.get(many[1]!.id);
  assert.deepEqual([other?.link, other?.lag_ms, other?.newest_recovery_point], ['connected', null, null]);
  const sync = await states.get(first[3]!.id);
  assert.deepEqual([sync?.link, sync?.lag_ms, sync?.newest_recovery_point], ['connected', 0, 'now']);
});

test('a PG whose construct cannot be read records why; the others are still recorded', async () => {
  const [gone, fine] = await seedPgs(db, driver, { count: 2, projectId: 'p2', sync: () => true, prefix: 'pod' });
  await driver.deleteReplicationGroup(gone!.handle);
  const report = await refresher('engine-1').refresh();
  assert.ok(report.failed >= 1);
  const g = await states.get(gone!.id);
  assert.match(g?.error ?? '', /reading the replication state of 'protector-.*': pod 'protector-.*' does not exist on 'fa-b'/);
  assert.equal((await states.get(fine!.id))?.error, null);
});

test('an unreachable array is recorded as a down link, not an error', async () => {
  const [pg] = await seedPgs(db, driver, { count: 1, projectId: 'p3' });
  model.setArrayDown('fa-b', true);
  try {
    await refresher('engine-1').refresh();
  } finally {
    model.setArrayDown('fa-b', false);
  }
  const s = await states.get(pg!.id);
  assert.deepEqual([s?.link, s?.target_reachable, s?.source_reachable, s?.error], ['down', false, true, null]);
  assert.match(s?.detail ?? '', /array fa-b unreachable/);
});

test('a newer read wins: an older one finishing late does not overwrite it', async () => {
  const [pg] = await seedPgs(db, driver, { count: 1, projectId: 'p4' });
  const state = (checked_at: number, link: 'connected' | 'down', by: string): RecordedState => ({
    pg_id: pg!.id, source_array: 'fa-a', target_array: 'fa-b', link, source_reachable: true, target_reachable: true, lag_ms: null,
    newest_recovery_point: null, last_transfer_at: null, transfers: [{ recovery_point: 'x', progress: 0.5 }], detail: link, error: null, checked_at, checked_by: by,
  });
  await states.record([state(2_000_000_000_000, 'down', 'engine-2')]);
  await states.record([state(1_999_999_999_000, 'connected', 'engine-1')]);
  let s = await states.get(pg!.id);
  assert.deepEqual([s?.link, s?.checked_by, s?.checked_at], ['down', 'engine-2', 2_000_000_000_000]);
  assert.deepEqual(s?.transfers, [{ recovery_point: 'x', progress: 0.5 }]);
  await states.record([state(2_000_000_001_000, 'connected', 'engine-1')]);
  s = await states.get(pg!.id);
  assert.deepEqual([s?.link, s?.checked_by, s?.checked_at], ['connected', 'engine-1', 2_000_000_001_000]);
  // Its records are from a clock far ahead of the other tests': it goes.
  await new ProtectionGroups(db).delete(pg!.id);
  await states.prune();
});

test('with several engines one refreshes per interval; another takes over when its lease runs out', async () => {
  // On the arrays' clock, which later tests continue from: a record from the future would win over theirs.
  const e1 = refresher('engine-1');
  const e2 = refresher('engine-2');
  assert.ok(await e1.tick(), 'engine-1 takes the first interval');
  calls.length = 0;
  assert.equal(await e2.tick(), null, 'engine-2 skips it');
  assert.deepEqual(calls, [], 'and asks no array');
  clock.advance(29_000);
  assert.equal(await e2.tick(), null);
  clock.advance(1_000);
  assert.ok(await e1.tick(), 'engine-1 renews at its next interval');
  // engine-1 stops: engine-2 refreshes once its lease has run out.
  clock.advance(30_000);
  assert.ok(await e2.tick());
  assert.equal(await e1.tick(), null, 'and now holds it');
  assert.equal((await db.selectFrom('refresh_leases').select('owner').where('name', '=', REPLICATION_REFRESH).executeTakeFirstOrThrow()).owner, 'engine-2');
});

test('between full refreshes only the PGs due are read: never read, reversed, or transferring', async () => {
  await refresher('engine-1').refresh();
  const r = refresher('engine-1');
  calls.length = 0;
  assert.equal(await r.refreshDue(), null, 'nothing due after a full refresh');
  assert.deepEqual(calls, [], 'and no array asked');
  const [fresh, moving] = await seedPgs(db, driver, { count: 2, projectId: 'p7' });
  const due = await r.refreshDue();
  assert.deepEqual([due?.kind, due?.pgs], ['due', 2], 'two new PGs');
  assert.ok(await states.get(fresh!.id));
  // A transfer in flight keeps its PG due until it completes.
  model.setLink('fa-a', 'fa-b', { bandwidth: 1024 });
  model.createVolume('fa-a', 'volume-moving-cinder', 4 * 1024 * 1024);
  model.writeVolume('fa-a', 'volume-moving-cinder', 0, Buffer.alloc(64 * 1024, 7));
  await driver.addVolumes(moving!.handle, ['volume-moving-cinder']);
  await driver.snapshotNow(moving!.handle, { replicate: true });
  clock.advance(100);
  model.tick();
  await r.refresh();
  assert.equal((await states.get(moving!.id))?.transfers.length, 1, 'the full refresh saw it in flight on a 1 KiB/s link');
  assert.equal((await r.refreshDue())?.pgs, 1, 'so it is due');
  model.setLink('fa-a', 'fa-b', { bandwidth: 1024 * 1024 * 1024 });
  clock.advance(10_000);
  model.tick();
  assert.equal((await r.refreshDue())?.pgs, 1);
  assert.deepEqual((await states.get(moving!.id))?.transfers, [], 'done');
  assert.equal(await r.refreshDue(), null);
  // Replication reversed (a failover): due until read in the new direction.
  const pgs = new ProtectionGroups(db);
  await pgs.setResources(fresh!.id, (x) => ({ ...x, array: { ...x.array!, sourceArray: 'fa-b', targetArray: 'fa-a' } }));
  assert.equal((await r.refreshDue())?.pgs, 1);
  assert.equal((await states.get(fresh!.id))?.source_array, 'fa-b');
});

test('the state of a deleted PG is pruned at the next refresh', async () => {
  const [pg] = await seedPgs(db, driver, { count: 1, projectId: 'p5' });
  await refresher('engine-1').refresh();
  assert.ok(await states.get(pg!.id));
  await new ProtectionGroups(db).delete(pg!.id);
  const r = await refresher('engine-1').refresh();
  assert.equal(r.pruned, 1);
  assert.equal(await states.get(pg!.id), undefined);
});

test('start() refreshes at once and then every interval until stop()', async () => {
  const [pg] = await seedPgs(db, driver, { count: 1, projectId: 'p6' });
  // The lease test left its lease far in the future of the real clock this one runs on.
  await db.updateTable('refresh_leases').set({ owner: null, expires_at: 0 }).execute();
  const reports: number[] = [];
  const r = new ReplicationRefresher(db, driver, { owner: 'engine-timer', intervalMs: 20, onRefreshed: (x) => reports.push(x.pgs) });
  r.start();
  while (reports.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  await r.stop();
  const n = reports.length;
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(reports.length, n, 'nothing after stop()');
  assert.equal((await states.get(pg!.id))?.checked_by, 'engine-timer');
});
