import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BLOCK_SIZE } from '../../src/index.js';
import { MiB, replicatingPair } from '../helpers/model.js';

/** fa-a replicates pg1 (volume v) to fa-b over a 1 MiB/s, 50 ms link. */
const pair = () => replicatingPair();

test('a transfer takes changed bytes / bandwidth + latency, and only what changed since the last one', () => {
  const { m, clock } = pair();
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(2 * MiB, 9));
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  const copy = m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1');
  assert.equal(copy.source.name, 'fa-a:pg1');
  assert.equal(copy.progress, 0);
  assert.equal(copy.completed, null);
  assert.throws(() => m.readSnapshot('fa-b', 'fa-a:pg1.1.v', 0, 1), /has not finished transferring/);
  clock.advance(1000);
  m.tick();
  const half = m.listTransfers('fa-a', 'pg1.1')[0];
  assert.equal(half?.target, 'fa-b');
  assert.ok(half && half.progress > 0.45 && half.progress < 0.5, `progress ${half?.progress}`);
  clock.advance(1049);
  m.tick();
  assert.equal(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1').completed, null);
  clock.advance(1);
  const t0 = clock.now();
  assert.deepEqual(m.tick().completed, ['fa-b/fa-a:pg1.1']);
  const done = m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1');
  assert.equal(done.completed, t0);
  assert.equal(done.progress, 1);
  assert.equal(done.data_transferred, 2 * MiB);
  assert.deepEqual(m.readSnapshot('fa-b', 'fa-a:pg1.1.v', 0, 2 * MiB), Buffer.alloc(2 * MiB, 9));
  // One block changed: the next transfer sends one block.
  m.writeVolume('fa-a', 'v', 5, Buffer.from('x'));
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  clock.advance(1000);
  m.tick();
  assert.equal(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.2').data_transferred, BLOCK_SIZE);
});

test('link down holds a transfer; link up resumes it with the snapshot it was sending', () => {
  const { m, clock } = pair();
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(MiB, 1));
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(MiB, 2));
  clock.advance(500);
  m.linkDown('fa-a', 'fa-b');
  assert.equal(m.listArrayConnections('fa-a')[0]?.status, 'connecting');
  clock.advance(3600_000);
  m.tick();
  const held = m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1');
  assert.equal(held.completed, null);
  assert.ok(held.progress !== null && held.progress < 0.5);
  // Source pruning its snapshot does not take the copy's content away.
  m.eradicateProtectionGroupSnapshot('fa-a', 'pg1.1');
  m.linkUp('fa-a', 'fa-b');
  clock.advance(600);
  m.tick();
  const done = m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1');
  assert.ok(done.completed !== null);
  assert.deepEqual(m.readSnapshot('fa-b', 'fa-a:pg1.1.v', 0, MiB), Buffer.alloc(MiB, 1));
});

test('a slow link sends the remaining bytes at the new rate', () => {
  const { m, clock } = pair();
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(2 * MiB, 3));
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  clock.advance(1050); // about half of 2 MiB at 1 MiB/s (+ 50 ms latency)
  m.setLink('fa-a', 'fa-b', { bandwidth: MiB / 4 });
  clock.advance(3900); // the other half at 1 MiB/s would have finished long ago; at 1/4 it needs ~4.2 s
  m.tick();
  assert.equal(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1').completed, null);
  clock.advance(400);
  m.tick();
  assert.ok(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1').completed !== null);
  assert.equal(m.listArrayConnections('fa-b')[0]?.bandwidth, MiB / 4);
});

test('targets that are not allowed receive nothing; a down target holds transfers', () => {
  const { m, clock } = pair();
  m.setProtectionGroupTargetAllowed('fa-a', 'pg1', 'fa-b', false);
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  assert.deepEqual(m.listProtectionGroupSnapshots('fa-b'), []);
  m.setProtectionGroupTargetAllowed('fa-a', 'pg1', 'fa-b', true);
  m.setArrayDown('fa-b', true);
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  clock.advance(10_000);
  m.tick();
  m.setArrayDown('fa-b', false);
  assert.equal(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.2').completed, null);
  clock.advance(100);
  m.tick();
  assert.ok(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.2').completed !== null);
  assert.throws(() => m.addProtectionGroupTargets('fa-a', 'pg1', ['fa-c']), /targets: array 'fa-a' is not connected to 'fa-c'/);
});

test('schedules fire on time, replication skips its blackout window', () => {
  const { m, clock } = pair();
  // ManualClock starts at midnight UTC; blackout 00:30-01:30.
  m.updateProtectionGroup('fa-a', 'pg1', {
    snapshot_schedule: { enabled: true, frequency: 600_000 },
    replication_schedule: { enabled: true, frequency: 1_800_000, blackout: { start: 1_800_000, end: 5_400_000 } },
  });
  clock.advance(599_999);
  assert.deepEqual(m.tick().snapshots, []);
  clock.advance(1);
  assert.deepEqual(m.tick().snapshots, ['fa-a/pg1.1']);
  clock.advance(1_200_000); // 00:30, in blackout: only the local snapshot
  assert.deepEqual(m.tick().snapshots, ['fa-a/pg1.2']);
  clock.advance(3_600_000); // 01:30, out of blackout
  assert.deepEqual(m.tick().snapshots, ['fa-a/pg1.3', 'fa-a/pg1.4']);
  clock.advance(1000);
  m.tick();
  assert.deepEqual(m.listProtectionGroupSnapshots('fa-b').map((s) => s.name), ['fa-a:pg1.3']);
});

test('reads bring transfers to now: a copy shows complete, and is readable, from its simulated end without a tick', () => {
  const { m, clock } = pair();
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(MiB, 4));
  const start = clock.now();
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  const end = start + 1000 + 50; // 1 MiB at 1 MiB/s, 50 ms latency
  clock.advance(end - start - 1);
  assert.equal(m.listTransfers('fa-a', 'pg1.1')[0]?.completed, null);
  assert.throws(() => m.copyVolume('fa-b', 'fa-a:pg1.1.v', 'early'), /has not finished transferring/);
  clock.advance(1);
  assert.equal(m.listTransfers('fa-a', 'pg1.1')[0]?.completed, end);
  assert.equal(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1').completed, end);
  assert.deepEqual(m.listProtectionGroupSnapshots('fa-b').map((s) => [s.name, s.completed]), [['fa-a:pg1.1', end]]);
  assert.ok(m.listVolumeSnapshots('fa-b').some((s) => s.name === 'fa-a:pg1.1.v'));
  assert.deepEqual(m.readSnapshot('fa-b', 'fa-a:pg1.1.v', 0, 2), Buffer.alloc(2, 4));
  assert.equal(m.copyVolume('fa-b', 'fa-a:pg1.1.v', 'restored').name, 'restored');
  // Nothing left in flight: reads write nothing (no write lock taken on a shared file).
  const changes = m.db.prepare('SELECT total_changes()').pluck();
  const before = changes.get();
  clock.advance(10_000);
  m.listProtectionGroupSnapshots('fa-b');
  m.listTransfers('fa-a', 'pg1.1');
  assert.equal(changes.get(), before);
});
