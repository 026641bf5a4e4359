import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { ArrayModel, BLOCK_SIZE } from '../../src/index.js';

const MiB = 1024 * 1024;
const blocks = (m: ArrayModel): number => m.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM fa_blocks')?.n ?? -1;

function setup(): ArrayModel {
  const m = ArrayModel.open(':memory:', new ManualClock());
  m.createArray('fa-a');
  m.createVolume('fa-a', 'v', MiB);
  return m;
}

test('a snapshot shares blocks and keeps its content when the volume is overwritten', () => {
  const m = setup();
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(4 * BLOCK_SIZE, 1));
  assert.equal(blocks(m), 4);
  const snap = m.createVolumeSnapshot('fa-a', 'v');
  assert.equal(snap.name, 'v.1');
  assert.equal(snap.source.name, 'v');
  assert.equal(blocks(m), 4, 'a snapshot copies no data');
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(BLOCK_SIZE + 10, 2));
  assert.equal(blocks(m), 6, 'only the two written blocks are new');
  assert.deepEqual(m.readSnapshot('fa-a', 'v.1', 0, 4 * BLOCK_SIZE), Buffer.alloc(4 * BLOCK_SIZE, 1));
  assert.equal(m.readVolume('fa-a', 'v', BLOCK_SIZE + 9, 2).toString('hex'), '0201');
});

test('blocks no longer referenced are removed', () => {
  const m = setup();
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(2 * BLOCK_SIZE, 1));
  m.createVolumeSnapshot('fa-a', 'v', 'keep');
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(2 * BLOCK_SIZE, 2));
  assert.equal(blocks(m), 4);
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(2 * BLOCK_SIZE, 3));
  assert.equal(blocks(m), 4, 'overwriting an unshared block frees the old one');
  m.destroyVolumeSnapshot('fa-a', 'v.keep');
  m.eradicateVolumeSnapshot('fa-a', 'v.keep');
  assert.equal(blocks(m), 2);
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(2 * BLOCK_SIZE));
  assert.equal(blocks(m), 0, 'zeroed blocks are unmapped');
});

test('copy a snapshot to a new volume, and over an existing one only with overwrite', () => {
  const m = setup();
  m.writeVolume('fa-a', 'v', 100, Buffer.from('version one'));
  m.createVolumeSnapshot('fa-a', 'v', 's1');
  m.writeVolume('fa-a', 'v', 100, Buffer.from('version two'));
  const c = m.copyVolume('fa-a', 'v.s1', 'restored');
  assert.equal(c.source?.name, 'v.s1');
  assert.equal(c.provisioned, MiB);
  assert.equal(m.readVolume('fa-a', 'restored', 100, 11).toString(), 'version one');
  assert.throws(() => m.copyVolume('fa-a', 'v.s1', 'v'), /Volume 'v' on array 'fa-a' already exists \(copy with overwrite/);
  const before = m.getVolume('fa-a', 'v');
  const after = m.copyVolume('fa-a', 'v.s1', 'v', { overwrite: true });
  assert.equal(after.serial, before.serial, 'overwrite keeps the volume identity');
  assert.equal(m.readVolume('fa-a', 'v', 100, 11).toString(), 'version one');
  // The copies are independent of each other.
  m.writeVolume('fa-a', 'restored', 100, Buffer.from('restored!!!'));
  assert.equal(m.readVolume('fa-a', 'v', 100, 11).toString(), 'version one');
  assert.equal(m.readSnapshot('fa-a', 'v.s1', 100, 11).toString(), 'version one');
  assert.throws(() => m.copyVolume('fa-a', 'v.nope', 'x'), /Snapshot 'v.nope' on array 'fa-a' does not exist/);
});

test('a protection-group snapshot captures every member at one instant', () => {
  const m = setup();
  m.createVolume('fa-a', 'w', MiB);
  m.createProtectionGroup('fa-a', 'pg1');
  m.addProtectionGroupVolumes('fa-a', 'pg1', ['v', 'w']);
  m.writeVolume('fa-a', 'v', 0, Buffer.from('v-at-1'));
  m.writeVolume('fa-a', 'w', 0, Buffer.from('w-at-1'));
  const s = m.snapshotProtectionGroup('fa-a', 'pg1');
  assert.equal(s.name, 'pg1.1');
  assert.deepEqual(s.volumes, ['v', 'w']);
  assert.equal(s.progress, null);
  m.writeVolume('fa-a', 'v', 0, Buffer.from('v-at-2'));
  assert.equal(m.readSnapshot('fa-a', 'pg1.1.v', 0, 6).toString(), 'v-at-1');
  assert.equal(m.readSnapshot('fa-a', 'pg1.1.w', 0, 6).toString(), 'w-at-1');
  assert.deepEqual(m.listVolumeSnapshots('fa-a').map((x) => x.name), ['pg1.1.v', 'pg1.1.w']);
  m.copyVolume('fa-a', 'pg1.1.v', 'v', { overwrite: true });
  assert.equal(m.readVolume('fa-a', 'v', 0, 6).toString(), 'v-at-1');
  assert.throws(() => m.addProtectionGroupVolumes('fa-a', 'pg1', ['ghost']), /Volume 'ghost' on array 'fa-a' does not exist/);
  assert.throws(() => m.createProtectionGroup('fa-a', 'pg1'), /Protection group 'pg1' on array 'fa-a' already exists/);
  assert.throws(
    () => m.updateProtectionGroup('fa-a', 'pg1', { source_retention: { per_day: -1 } }),
    /source_retention.per_day: expected an integer/,
  );
});
