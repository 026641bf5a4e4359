import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MiB, replicatingPair } from '../helpers/model.js';

/** pg1 on fa-a (volume v) with a target retention to recognise; fa-b not a target yet. */
function pair(): ReturnType<typeof replicatingPair> {
  const p = replicatingPair({ bandwidth: 100 * MiB, latency_ms: 1, size: MiB, targets: false });
  p.m.updateProtectionGroup('fa-a', 'pg1', { target_retention: { all_for_sec: 600, per_day: 2, days: 3 } });
  return p;
}

test('a target shows <source>:<pg> once it is a target: not local, the source settings, no targets', () => {
  const { m } = pair();
  assert.deepEqual(m.listProtectionGroups('fa-b'), []);
  assert.throws(() => m.getProtectionGroup('fa-b', 'fa-a:pg1'), /does not exist/);
  m.addProtectionGroupTargets('fa-a', 'pg1', ['fa-b']);
  const r = m.getProtectionGroup('fa-b', 'fa-a:pg1');
  assert.equal(r.name, 'fa-a:pg1');
  assert.equal(r.is_local, false);
  assert.deepEqual(r.source, { name: 'fa-a' });
  assert.deepEqual(r.targets, []);
  assert.deepEqual(r.target_retention, { all_for_sec: 600, per_day: 2, days: 3 });
  assert.equal(r.id, m.getProtectionGroup('fa-b', 'fa-a:pg1').id, 'a stable id');
  assert.notEqual(r.id, m.getProtectionGroup('fa-a', 'pg1').id);
  assert.deepEqual(m.listProtectionGroups('fa-b').map((g) => g.name), ['fa-a:pg1']);
  assert.equal(m.getProtectionGroup('fa-a', 'pg1').is_local, true);
});

test('a replica group is read-only on the target, except its allowed flag (set on the source record)', () => {
  const { m } = pair();
  m.addProtectionGroupTargets('fa-a', 'pg1', ['fa-b']);
  m.createVolume('fa-b', 'w', MiB);
  const readOnly = /is a replica of protection group 'pg1' on array 'fa-a'/;
  assert.throws(() => m.updateProtectionGroup('fa-b', 'fa-a:pg1', { snapshot_schedule: { enabled: true } }), readOnly);
  assert.throws(() => m.destroyProtectionGroup('fa-b', 'fa-a:pg1'), readOnly);
  assert.throws(() => m.addProtectionGroupVolumes('fa-b', 'fa-a:pg1', ['w']), readOnly);
  assert.throws(() => m.snapshotProtectionGroup('fa-b', 'fa-a:pg1'), readOnly);
  assert.throws(() => m.eradicateProtectionGroup('fa-b', 'fa-a:pg1'), readOnly);
  m.setProtectionGroupTargetAllowed('fa-a', 'pg1', 'fa-b', false);
  assert.equal(m.getProtectionGroup('fa-a', 'pg1').targets[0]?.allowed, false);
});

test('it stays while the target holds copies, and goes with the last one', () => {
  const { m, clock } = pair();
  m.addProtectionGroupTargets('fa-a', 'pg1', ['fa-b']);
  m.snapshotProtectionGroup('fa-a', 'pg1', { replicate_now: true });
  clock.advance(1000);
  m.tick();
  m.removeProtectionGroupTargets('fa-a', 'pg1', ['fa-b']);
  assert.deepEqual(m.listProtectionGroups('fa-b').map((g) => g.name), ['fa-a:pg1']);
  m.deleteProtectionGroup('fa-a', 'pg1');
  const orphan = m.getProtectionGroup('fa-b', 'fa-a:pg1');
  assert.equal(orphan.replication_schedule.enabled, false, 'without its source the replica shows no schedule');
  m.destroyProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1');
  assert.equal(m.listProtectionGroups('fa-b').length, 1, 'a destroyed copy is still held');
  m.eradicateProtectionGroupSnapshot('fa-b', 'fa-a:pg1.1', { requireDestroyed: true });
  assert.deepEqual(m.listProtectionGroups('fa-b'), []);
});
