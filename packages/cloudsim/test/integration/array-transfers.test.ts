// A replication transfer shows complete on the site's array face from its simulated end: every
// read that shows transfer state brings transfers to now, so noticing a completion never waits
// for the site's array tick (once a second). The clock is manual: nothing ticks between reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { ArrayRestClient } from '@protector/arraysim/rest';
import { startTestSite } from '../helpers/site.js';

const MiB = 1024 * 1024;
const clock = new ManualClock();
const { site } = await startTestSite({ clock });
const ARRAY = 'test-site-array';
const PEER = 'peer-array';
const BANDWIDTH = 100 * MiB;
const LATENCY = 20;
site.arrays.createArray(PEER);
site.arrays.connectArrays(ARRAY, PEER, { bandwidth: BANDWIDTH, latency_ms: LATENCY });
site.arrays.createVolume(ARRAY, 'v', 64 * MiB);
site.arrays.createProtectionGroup(ARRAY, 'pg1');
site.arrays.addProtectionGroupVolumes(ARRAY, 'pg1', ['v']);
site.arrays.addProtectionGroupTargets(ARRAY, 'pg1', [PEER]);
const rest = new ArrayRestClient(site.url('array'), { ca: site.arrayCa });
assert.equal((await rest.login(site.arrays.createApiToken(ARRAY, 'pureuser'))).status, 200);

interface Transfer {
  name: string;
  progress: number | null;
  started: number | null;
  completed: number | null;
  data_transferred: number | null;
}

async function transferOf(snapshot: string): Promise<Transfer> {
  const res = await rest.call<{ items: Transfer[] }>('GET', 'protection-group-snapshots/transfer', { query: { names: snapshot } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.items.length, 1, res.text);
  return res.body.items[0]!;
}

test('the source shows a transfer complete at its simulated end, to the millisecond, without a tick', async () => {
  site.arrays.writeVolume(ARRAY, 'v', 0, Buffer.alloc(30 * MiB, 7));
  const start = clock.now();
  const snap = site.arrays.snapshotProtectionGroup(ARRAY, 'pg1', { replicate_now: true });
  const duration = Math.ceil(((30 * MiB) / BANDWIDTH) * 1000) + LATENCY;
  clock.advance(duration - 1);
  const running = await transferOf(snap.name);
  assert.equal(running.completed, null);
  assert.equal(running.started, start);
  assert.ok(running.progress !== null && running.progress > 0.99 && running.progress < 1, `progress ${running.progress}`);
  clock.advance(1);
  const done = await transferOf(snap.name);
  assert.equal(done.completed, start + duration);
  assert.equal(done.progress, 1);
  assert.equal(done.data_transferred, 30 * MiB);
  // The target sees its copy complete and readable at the same instant.
  const copy = `${ARRAY}:${snap.name}`;
  assert.equal(site.arrays.getProtectionGroupSnapshot(PEER, copy).completed, start + duration);
  assert.deepEqual(site.arrays.readSnapshot(PEER, `${copy}.v`, 0, 4), Buffer.alloc(4, 7));
});

test('a queued transfer starts when the one before it ends, and shows so when read late', async () => {
  site.arrays.writeVolume(ARRAY, 'v', 0, Buffer.alloc(10 * MiB, 1));
  const first = site.arrays.snapshotProtectionGroup(ARRAY, 'pg1', { replicate_now: true });
  site.arrays.writeVolume(ARRAY, 'v', 10 * MiB, Buffer.alloc(10 * MiB, 2));
  const second = site.arrays.snapshotProtectionGroup(ARRAY, 'pg1', { replicate_now: true });
  const t0 = clock.now();
  // Each sends the 10 MiB changed since the copy before it: 100 ms + latency.
  const each = Math.ceil(((10 * MiB) / BANDWIDTH) * 1000) + LATENCY;
  clock.advance(5000);
  const a = await transferOf(first.name);
  const b = await transferOf(second.name);
  assert.equal(a.completed, t0 + each);
  assert.equal(b.started, t0 + each);
  assert.equal(b.completed, t0 + 2 * each);
});

test('with nothing in flight, reading transfer state writes nothing', async () => {
  const changes = site.db.prepare('SELECT total_changes() AS n').pluck();
  const arraysDb = site.arrays.db;
  const before = (arraysDb === site.db ? changes : arraysDb.prepare('SELECT total_changes() AS n').pluck()).get();
  site.arrays.listProtectionGroupSnapshots(PEER);
  await transferOf('pg1.1');
  const after = (arraysDb === site.db ? changes : arraysDb.prepare('SELECT total_changes() AS n').pluck()).get();
  assert.equal(after, before);
});
