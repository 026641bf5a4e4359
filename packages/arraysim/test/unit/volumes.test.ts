import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { ArrayError, ArrayModel, ERADICATION_DELAY_MS } from '../../src/index.js';

const MiB = 1024 * 1024;

function setup(): { m: ArrayModel; clock: ManualClock } {
  const clock = new ManualClock();
  const m = ArrayModel.open(':memory:', clock);
  m.createArray('fa-a');
  return { m, clock };
}

const code = (c: string) => (e: unknown) => e instanceof ArrayError && e.code === c;

test('an array reports its name, id and Purity version', () => {
  const { m } = setup();
  const a = m.getArray('fa-a');
  assert.equal(a.version, '6.5.0');
  assert.match(a.id, /^[0-9a-f-]{36}$/);
  assert.throws(() => m.createArray('fa-a'), /Array 'fa-a' already exists/);
});

test('volumes are created with a serial, read zeros, and hold what is written', () => {
  const { m } = setup();
  const v = m.createVolume('fa-a', 'vol1', 4 * MiB);
  assert.match(v.serial, /^[0-9A-F]{24}$/);
  assert.equal(v.provisioned, 4 * MiB);
  assert.equal(v.destroyed, false);
  assert.equal(v.time_remaining, null);
  assert.deepEqual(m.readVolume('fa-a', 'vol1', 0, 16), Buffer.alloc(16));
  // A write that straddles a block boundary.
  const data = Buffer.from('hello across the block boundary');
  m.writeVolume('fa-a', 'vol1', 64 * 1024 - 5, data);
  assert.deepEqual(m.readVolume('fa-a', 'vol1', 64 * 1024 - 5, data.length), data);
  assert.deepEqual(m.readVolume('fa-a', 'vol1', 64 * 1024 - 6, 1), Buffer.alloc(1));
  assert.deepEqual(m.listVolumes('fa-a').map((x) => x.name), ['vol1']);
});

test('bad input is refused naming the field or object', () => {
  const { m } = setup();
  assert.throws(() => m.createVolume('fa-a', 'v', 1000), /provisioned: 1000 is not a multiple of 512/);
  assert.throws(() => m.createVolume('fa-a', 'bad.name', 512), /name: 'bad.name' is not a valid name/);
  assert.throws(() => m.createVolume('fa-x', 'v', 512), /Array 'fa-x' does not exist/);
  m.createVolume('fa-a', 'v', 512);
  assert.throws(() => m.createVolume('fa-a', 'v', 512), (e: unknown) => code('conflict')(e) && /Volume 'v' on array 'fa-a' already exists/.test(String(e)));
  assert.throws(() => m.writeVolume('fa-a', 'v', 500, Buffer.alloc(20)), /offset: 500\+20 bytes runs past the end of volume 'v'/);
  assert.throws(() => m.readVolume('fa-a', 'nope', 0, 1), (e: unknown) => code('not_found')(e) && /Volume 'nope' on array 'fa-a' does not exist/.test(String(e)));
});

test('destroy keeps content for 24 h, recover brings it back, eradicate needs destroy first', () => {
  const { m, clock } = setup();
  m.createVolume('fa-a', 'v', MiB);
  m.writeVolume('fa-a', 'v', 0, Buffer.from('keep me'));
  assert.throws(() => m.eradicateVolume('fa-a', 'v'), /must be destroyed before it can be eradicated/);
  const d = m.destroyVolume('fa-a', 'v');
  assert.equal(d.destroyed, true);
  assert.equal(d.time_remaining, ERADICATION_DELAY_MS);
  assert.throws(() => m.readVolume('fa-a', 'v', 0, 7), /Volume 'v' on array 'fa-a' has been destroyed/);
  clock.advance(3600_000);
  assert.equal(m.getVolume('fa-a', 'v').time_remaining, ERADICATION_DELAY_MS - 3600_000);
  m.recoverVolume('fa-a', 'v');
  assert.equal(m.readVolume('fa-a', 'v', 0, 7).toString(), 'keep me');
  m.destroyVolume('fa-a', 'v');
  m.eradicateVolume('fa-a', 'v');
  assert.throws(() => m.getVolume('fa-a', 'v'), code('not_found'));
  assert.equal(m.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM fa_blocks')?.n, 0);
});

test('a destroyed volume is eradicated by tick once its 24 h run out', () => {
  const { m, clock } = setup();
  m.createVolume('fa-a', 'v', MiB);
  m.destroyVolume('fa-a', 'v');
  clock.advance(ERADICATION_DELAY_MS - 1);
  assert.deepEqual(m.tick().eradicated, []);
  clock.advance(1);
  assert.deepEqual(m.tick().eradicated, ['fa-a/v']);
});

test('resize: shrinking drops the tail so growing again reads zeros', () => {
  const { m } = setup();
  m.createVolume('fa-a', 'v', MiB);
  m.writeVolume('fa-a', 'v', 0, Buffer.alloc(MiB, 7));
  m.resizeVolume('fa-a', 'v', 1024);
  m.resizeVolume('fa-a', 'v', MiB);
  assert.deepEqual(m.readVolume('fa-a', 'v', 1020, 8), Buffer.from([7, 7, 7, 7, 0, 0, 0, 0]));
  assert.deepEqual(m.readVolume('fa-a', 'v', MiB - 4, 4), Buffer.alloc(4));
});

test('faults: a down array is unreachable, a named call fails N times', () => {
  const { m } = setup();
  m.createVolume('fa-a', 'v', 512);
  m.failNext('fa-a', 'readVolume', 2);
  assert.throws(() => m.readVolume('fa-a', 'v', 0, 1), (e: unknown) => code('failed')(e) && /readVolume failed/.test(String(e)));
  assert.throws(() => m.readVolume('fa-a', 'v', 0, 1), code('failed'));
  m.readVolume('fa-a', 'v', 0, 1);
  m.setArrayDown('fa-a', true);
  assert.throws(() => m.listVolumes('fa-a'), (e: unknown) => code('unreachable')(e) && /array 'fa-a' is unreachable/.test(String(e)));
  m.setArrayDown('fa-a', false);
  assert.equal(m.listVolumes('fa-a').length, 1);
});
