import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../../src/clock.js';
import { ArrayModel, BLOCK_SIZE } from '../../src/index.js';

const VOLS = ['v0', 'v1', 'v2'];
const SIZE = 8 * BLOCK_SIZE;

type Op =
  | { kind: 'write'; vol: number; offset: number; bytes: Uint8Array }
  | { kind: 'snap'; replicate: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'linkDown' }
  | { kind: 'linkUp' }
  | { kind: 'tick' }
  | { kind: 'pruneOldestSource' }
  | { kind: 'bandwidth'; bytesPerSec: number }
  | { kind: 'target'; down: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ vol: fc.nat(VOLS.length - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 2 * BLOCK_SIZE + 7 }), at: fc.double({ min: 0, max: 1, noNaN: true }) })
      .map(({ vol, bytes, at }): Op => ({ kind: 'write', vol, bytes, offset: Math.floor(at * (SIZE - bytes.length)) })),
  },
  { weight: 2, arbitrary: fc.boolean().map((replicate): Op => ({ kind: 'snap', replicate })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 5000 }).map((ms): Op => ({ kind: 'advance', ms })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'linkDown' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'linkUp' }) },
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'tick' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'pruneOldestSource' }) },
  { weight: 1, arbitrary: fc.integer({ min: 16 * 1024, max: 4 * 1024 * 1024 }).map((bytesPerSec): Op => ({ kind: 'bandwidth', bytesPerSec })) },
  { weight: 1, arbitrary: fc.boolean().map((down): Op => ({ kind: 'target', down })) },
);

/** Returns how many copies were checked, so the property can show it is not vacuous. */
function run(ops: Op[]): number {
  const clock = new ManualClock();
  const m = ArrayModel.open(':memory:', clock);
  m.createArray('fa-a');
  m.createArray('fa-b');
  // 256 KiB/s: a full volume takes 2 s, so transfers are often in flight when the link drops.
  m.connectArrays('fa-a', 'fa-b', { bandwidth: 256 * 1024, latency_ms: 20 });
  // Scheduled replication every 4 s as well as on-demand snapshots.
  m.createProtectionGroup('fa-a', 'pg', { replication_schedule: { enabled: true, frequency: 4000 } });
  for (const v of VOLS) m.createVolume('fa-a', v, SIZE);
  m.addProtectionGroupVolumes('fa-a', 'pg', VOLS);
  m.addProtectionGroupTargets('fa-a', 'pg', ['fa-b']);

  // The oracle: current content of each source volume, and its content at each snapshot.
  const current = new Map(VOLS.map((v) => [v, Buffer.alloc(SIZE)]));
  const atSnapshot = new Map<string, Map<string, Buffer>>();
  const capture = (suffix: string) => atSnapshot.set(suffix, new Map([...current].map(([v, b]) => [v, Buffer.from(b)])));
  let targetDown = false;

  for (const o of ops) {
    switch (o.kind) {
      case 'write': {
        const name = VOLS[o.vol] as string;
        m.writeVolume('fa-a', name, o.offset, Buffer.from(o.bytes));
        current.get(name)?.set(o.bytes, o.offset);
        break;
      }
      case 'snap': {
        const s = m.snapshotProtectionGroup('fa-a', 'pg', { replicate_now: o.replicate });
        capture(s.suffix);
        break;
      }
      case 'advance':
        clock.advance(o.ms);
        break;
      case 'linkDown':
        m.linkDown('fa-a', 'fa-b');
        break;
      case 'linkUp':
        m.linkUp('fa-a', 'fa-b');
        break;
      case 'tick':
        // Scheduled snapshots are taken at the tick, so the oracle captures the content then.
        for (const name of m.tick().snapshots) capture(name.slice(name.lastIndexOf('.') + 1));
        break;
      case 'bandwidth':
        m.setLink('fa-a', 'fa-b', { bandwidth: o.bytesPerSec });
        break;
      case 'target':
        m.setArrayDown('fa-b', o.down);
        targetDown = o.down;
        break;
      case 'pruneOldestSource': {
        const oldest = m.listProtectionGroupSnapshots('fa-a')[0];
        if (oldest) m.eradicateProtectionGroupSnapshot('fa-a', oldest.name);
        break;
      }
    }
    if (targetDown) continue;
    for (const c of m.listProtectionGroupSnapshots('fa-b')) {
      assert.ok(c.progress !== null && c.progress >= 0 && c.progress <= 1, `${c.name} progress ${c.progress}`);
    }
  }

  const check = (): number => {
    let complete = 0;
    for (const c of m.listProtectionGroupSnapshots('fa-b')) {
      if (c.completed === null) continue;
      complete++;
      const expected = atSnapshot.get(c.suffix);
      assert.ok(expected, `no oracle for ${c.name}`);
      assert.deepEqual(c.volumes, VOLS);
      for (const v of VOLS) {
        const got = m.readSnapshot('fa-b', `${c.name}.${v}`, 0, SIZE);
        assert.ok(got.equals(expected.get(v) as Buffer), `${c.name}.${v} differs from the source at snapshot time`);
      }
    }
    return complete;
  };
  if (!targetDown) check();
  // With the target and link back and time enough, every queued copy completes, and still matches.
  m.setArrayDown('fa-b', false);
  m.linkUp('fa-a', 'fa-b');
  m.updateProtectionGroup('fa-a', 'pg', { replication_schedule: { enabled: false } });
  clock.advance(3600_000);
  m.tick();
  const copies = m.listProtectionGroupSnapshots('fa-b');
  assert.equal(check(), copies.length);
  m.close();
  return copies.length;
}

test('every completed replicated snapshot holds the source content at snapshot time', () => {
  let checked = 0;
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40, size: 'max' }), (ops) => {
      checked += run(ops);
    }),
    { numRuns: Number(process.env.ARRAY_PROPERTY_RUNS ?? 60) },
  );
  assert.ok(checked > 20, `only ${checked} replicated snapshots were checked`);
});

test('a replicated snapshot taken while the link is down is sent once it is back', () => {
  const copies = run([
    { kind: 'linkDown' },
    { kind: 'write', vol: 0, offset: 3, bytes: Uint8Array.from([1, 2, 3]) },
    { kind: 'snap', replicate: true },
    { kind: 'write', vol: 0, offset: 3, bytes: Uint8Array.from([9]) },
    { kind: 'advance', ms: 10_000 },
    { kind: 'tick' },
  ]);
  // The on-demand one, and the one the 4 s schedule took at the tick.
  assert.equal(copies, 2);
});
