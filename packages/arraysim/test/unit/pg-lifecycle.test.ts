import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERADICATION_DELAY_MS } from '../../src/index.js';
import { MiB, replicatingPair } from '../helpers/model.js';
const HOUR = 3600 * 1000;

/** fa-a replicates pg1 (volume v, 4 MiB) to fa-b over a 1 MiB/s link; `delay` is the eradication delay. */
const pair = (delay?: number) => replicatingPair({ latency_ms: 0, size: 4 * MiB, model: { eradicationDelayMs: delay } });

test('a destroyed group waits out the eradication delay with its snapshots; its name stays taken', () => {
  const { m, clock } = pair();
  m.snapshotProtectionGroup('fa-a', 'pg1');
  const g = m.destroyProtectionGroup('fa-a', 'pg1');
  assert.deepEqual([g.destroyed, g.time_remaining], [true, ERADICATION_DELAY_MS]);
  assert.equal(m.getProtectionGroupSnapshot('fa-a', 'pg1.1').destroyed, true);
  assert.throws(() => m.createProtectionGroup('fa-a', 'pg1'), (e: Error) => /pending eradication/.test(e.message) && !/already exists/.test(e.message));
  assert.throws(() => m.snapshotProtectionGroup('fa-a', 'pg1'), /has been destroyed/);
  assert.throws(() => m.destroyProtectionGroup('fa-a', 'pg1'), /has been destroyed/);
  assert.throws(() => m.recoverProtectionGroupSnapshot('fa-a', 'pg1.1'), /recover the protection group/);
  clock.advance(HOUR);
  assert.equal(m.getProtectionGroup('fa-a', 'pg1').time_remaining, ERADICATION_DELAY_MS - HOUR);
  const back = m.recoverProtectionGroup('fa-a', 'pg1');
  assert.deepEqual([back.destroyed, back.time_remaining], [false, null]);
  assert.equal(m.getProtectionGroupSnapshot('fa-a', 'pg1.1').destroyed, false, 'recovered with its group');
  assert.throws(() => m.recoverProtectionGroup('fa-a', 'pg1'), /is not destroyed/);
  assert.throws(() => m.eradicateProtectionGroup('fa-a', 'pg1'), /must be destroyed before it can be eradicated/);

  m.destroyProtectionGroup('fa-a', 'pg1');
  clock.advance(ERADICATION_DELAY_MS - 1);
  m.tick();
  assert.equal(m.getProtectionGroup('fa-a', 'pg1').destroyed, true);
  clock.advance(1);
  assert.ok(m.tick().eradicated.includes('fa-a/pg1'));
  assert.throws(() => m.getProtectionGroup('fa-a', 'pg1'), /does not exist/);
  assert.throws(() => m.getProtectionGroupSnapshot('fa-a', 'pg1.1'), /does not exist/);
  m.createProtectionGroup('fa-a', 'pg1');
});

test('the eradication delay is the model’s to set; eradicate takes a destroyed group at once', () => {
  const { m, clock } = pair(10 * 60 * 1000);
  m.createVolume('fa-a', 'x', MiB);
  m.destroyVolume('fa-a', 'x');
  assert.equal(m.getVolume('fa-a', 'x').time_remaining, 10 * 60 * 1000);
  m.destroyProtectionGroup('fa-a', 'pg1');
  clock.advance(10 * 60 * 1000);
  const gone = m.tick().eradicated;
  assert.ok(gone.includes('fa-a/pg1') && gone.includes('fa-a/x'), gone.join());
  m.createProtectionGroup('fa-a', 'pg2');
  m.destroyProtectionGroup('fa-a', 'pg2');
  m.eradicateProtectionGroup('fa-a', 'pg2');
  assert.deepEqual(m.listProtectionGroups('fa-a'), []);
});

test('a destroyed group stops replicating: schedules do not fire and transfers wait for recovery', () => {
  const { m, clock } = pair();
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(2 * MiB, 1));
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  clock.advance(1000);
  m.tick();
  m.destroyProtectionGroup('fa-a', 'pg1');
  clock.advance(10_000);
  m.tick();
  const paused = m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1');
  assert.ok(paused.completed === null && (paused.progress ?? 0) > 0.45 && (paused.progress ?? 0) < 0.55, `progress ${paused.progress}`);
  m.recoverProtectionGroup('fa-a', 'pg1');
  m.updateProtectionGroup('fa-a', 'pg1', { replication_schedule: { enabled: true, frequency: 60_000 } });
  m.destroyProtectionGroup('fa-a', 'pg1');
  clock.advance(120_000);
  assert.deepEqual(m.tick().snapshots, [], 'no schedule fires for a destroyed group');
  m.recoverProtectionGroup('fa-a', 'pg1');
  clock.advance(1000);
  m.tick();
  assert.notEqual(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1').completed, null);
});

test('snapshots and copies are destroyed, recovered and eradicated on either array', () => {
  const { m, clock } = pair();
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  clock.advance(1000);
  m.tick();
  for (const [array, name] of [['fa-a', 'pg1.1'], ['fa-b', 'fa-a:pg1.1']] as const) {
    assert.throws(() => m.eradicateProtectionGroupSnapshot(array, name, { requireDestroyed: true }), /must be destroyed/);
    const d = m.destroyProtectionGroupSnapshot(array, name);
    assert.deepEqual([d.destroyed, d.time_remaining], [true, ERADICATION_DELAY_MS]);
    assert.throws(() => m.destroyProtectionGroupSnapshot(array, name), /has been destroyed/);
    assert.equal(m.listVolumeSnapshots(array).find((v) => v.name === `${name}.v`)?.destroyed, true);
    assert.throws(() => m.copyVolume(array, `${name}.v`, 'restored'), /has been destroyed/);
    assert.equal(m.recoverProtectionGroupSnapshot(array, name).destroyed, false);
    assert.throws(() => m.recoverProtectionGroupSnapshot(array, name), /is not destroyed/);
    m.destroyProtectionGroupSnapshot(array, name);
    m.eradicateProtectionGroupSnapshot(array, name, { requireDestroyed: true });
    assert.throws(() => m.getProtectionGroupSnapshot(array, name), /does not exist/);
  }
  m.snapshotProtectionGroup('fa-a', 'pg1');
  m.destroyProtectionGroupSnapshot('fa-a', 'pg1.2');
  clock.advance(ERADICATION_DELAY_MS);
  assert.ok(m.tick().eradicated.includes('fa-a/pg1.2'));
});

test('a copy destroyed while it transfers stops transferring', () => {
  const { m, clock } = pair();
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(2 * MiB, 1));
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  clock.advance(1000);
  m.destroyProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1');
  clock.advance(5000);
  m.tick();
  const t = m.listTransfers('fa-a', 'pg1.1')[0];
  assert.equal(t?.destroyed, true);
  assert.equal(t?.completed, null);
});

test('apply_retention decides whether retention prunes a snapshot; for_replication ones go after an hour', () => {
  const { m, clock } = pair();
  m.updateProtectionGroup('fa-a', 'pg1', { source_retention: { all_for_sec: 60, per_day: 0, days: 0 } });
  m.snapshotProtectionGroup('fa-a', 'pg1', { apply_retention: false });
  m.snapshotProtectionGroup('fa-a', 'pg1', { apply_retention: true });
  m.snapshotProtectionGroup('fa-a', 'pg1', { apply_retention: false, for_replication: true });
  clock.advance(120_000);
  m.tick();
  assert.deepEqual(m.listProtectionGroupSnapshots('fa-a').map((s) => s.name), ['pg1.1', 'pg1.3']);
  clock.advance(HOUR);
  m.tick();
  assert.deepEqual(m.listProtectionGroupSnapshots('fa-a').map((s) => s.name), ['pg1.1']);
});

test('replicate queues the snapshot to each allowed target, as replicate_now does', () => {
  const { m, clock } = pair();
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate: true });
  clock.advance(1000);
  m.tick();
  assert.notEqual(m.getProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1').completed, null);
});

test('adding members is idempotent by default and strict on request', () => {
  const { m } = pair();
  m.addProtectionGroupVolumes('fa-a', 'pg1', ['v']);
  assert.throws(() => m.addProtectionGroupVolumes('fa-a', 'pg1', ['v'], { strict: true }), /Volume 'v' is already a member of protection group 'pg1'/);
  assert.throws(() => m.removeProtectionGroupVolumes('fa-a', 'pg1', ['nope']), /is not a member of/);
  assert.throws(() => m.addProtectionGroupTargets('fa-a', 'pg1', ['fa-b'], true, { strict: true }), /already includes target array 'fa-b'/);
});
