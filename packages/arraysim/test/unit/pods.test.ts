import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../../src/clock.js';
import { ArrayModel, BLOCK_SIZE } from '../../src/index.js';

const MiB = 1024 * 1024;
const SIZE = 4 * BLOCK_SIZE;

/** fa-a and fa-b connected for sync replication at 1 MiB/s, 10 ms. */
function pair(): { m: ArrayModel; clock: ManualClock } {
  const clock = new ManualClock();
  const m = ArrayModel.open(':memory:', clock);
  m.createArray('fa-a');
  m.createArray('fa-b');
  m.connectArrays('fa-a', 'fa-b', { type: 'sync-replication', bandwidth: MiB, latency_ms: 10 });
  return { m, clock };
}

/** pair() with pod1 stretched over both arrays, holding pod1::v, fully resynced. */
function stretched(): { m: ArrayModel; clock: ManualClock } {
  const { m, clock } = pair();
  m.createPod('fa-a', 'pod1');
  m.createVolume('fa-a', 'pod1::v', SIZE);
  m.addPodArray('fa-a', 'pod1', 'fa-b');
  clock.advance(1000);
  m.tick();
  return { m, clock };
}

const statusOf = (m: ArrayModel, array: string) =>
  Object.fromEntries(m.getPod(array, 'pod1').arrays.map((a) => [a.name, a.status]));

test('stretching a pod resyncs the new copy first, then both arrays serve the same volume', () => {
  const { m, clock } = pair();
  m.createPod('fa-a', 'pod1');
  const v = m.createVolume('fa-a', 'pod1::v', 2 * MiB);
  assert.deepEqual(v.pod, { name: 'pod1' });
  m.writeVolume('fa-a', 'pod1::v', 0, Buffer.alloc(MiB, 7));
  const p = m.addPodArray('fa-a', 'pod1', 'fa-b');
  assert.equal(p.array_count, 2);
  assert.deepEqual(statusOf(m, 'fa-a'), { 'fa-a': 'online', 'fa-b': 'resyncing' });
  assert.throws(() => m.readVolume('fa-b', 'pod1::v', 0, 1), /offline on array 'fa-b'/);
  // 1 MiB changed at 1 MiB/s + 10 ms.
  clock.advance(1009);
  assert.equal(statusOf(m, 'fa-b')['fa-b'], 'resyncing');
  clock.advance(1);
  assert.deepEqual(statusOf(m, 'fa-b'), { 'fa-a': 'online', 'fa-b': 'online' });
  const b = m.getVolume('fa-b', 'pod1::v');
  assert.equal(b.serial, v.serial, 'both copies are one volume to hosts');
  assert.ok(m.readVolume('fa-b', 'pod1::v', 0, MiB).equals(Buffer.alloc(MiB, 7)));
  // A write on either array is on both when it returns.
  m.writeVolume('fa-b', 'pod1::v', 100, Buffer.from('from b'));
  assert.equal(m.readVolume('fa-a', 'pod1::v', 100, 6).toString(), 'from b');
  m.createVolume('fa-b', 'pod1::w', SIZE);
  assert.equal(m.getVolume('fa-a', 'pod1::w').provisioned, SIZE);
  m.destroyVolume('fa-a', 'pod1::w');
  assert.equal(m.getVolume('fa-b', 'pod1::w').destroyed, true);
  assert.deepEqual(m.getPod('fa-b', 'pod1').volumes, ['pod1::v']);
});

test('stretching needs a sync-replication connection and a free name on the remote array', () => {
  const clock = new ManualClock();
  const m = ArrayModel.open(':memory:', clock);
  for (const a of ['fa-a', 'fa-b', 'fa-c']) m.createArray(a);
  m.connectArrays('fa-a', 'fa-b');
  m.createPod('fa-a', 'pod1');
  assert.throws(() => m.addPodArray('fa-a', 'pod1', 'fa-b'), /not connected to 'fa-b' for sync replication/);
  assert.throws(() => m.addPodArray('fa-a', 'pod1', 'fa-c'), /not connected/);
  assert.throws(() => m.createPod('fa-a', 'pod1'), /already exists/);
  assert.throws(() => m.createVolume('fa-a', 'nopod::v', SIZE), /Pod 'nopod' on array 'fa-a' does not exist/);
  assert.throws(() => m.createVolume('fa-a', 'pod1::bad.name', SIZE), /not a valid name/);
});

test('on link loss the preferred array keeps the pod online and the other goes offline, then resyncs', () => {
  const { m, clock } = stretched();
  m.updatePod('fa-a', 'pod1', { failover_preferences: ['fa-b'] });
  m.writeVolume('fa-a', 'pod1::v', 0, Buffer.from('before'));
  m.linkDown('fa-a', 'fa-b');
  assert.deepEqual(statusOf(m, 'fa-a'), { 'fa-a': 'offline', 'fa-b': 'online' });
  assert.ok(m.getPod('fa-a', 'pod1').arrays.find((a) => a.name === 'fa-a')?.frozen_at);
  assert.throws(() => m.writeVolume('fa-a', 'pod1::v', 0, Buffer.from('lost?')), /offline on array 'fa-a'/);
  m.writeVolume('fa-b', 'pod1::v', 0, Buffer.from('during'));
  m.linkUp('fa-a', 'fa-b');
  assert.equal(statusOf(m, 'fa-a')['fa-a'], 'resyncing');
  clock.advance(1000);
  assert.deepEqual(statusOf(m, 'fa-a'), { 'fa-a': 'online', 'fa-b': 'online' });
  assert.equal(m.readVolume('fa-a', 'pod1::v', 0, 6).toString(), 'during');
});

test('without a preference the array the pod was created on wins; a lone surviving array always does', () => {
  const { m } = stretched();
  m.linkDown('fa-a', 'fa-b');
  assert.deepEqual(statusOf(m, 'fa-a'), { 'fa-a': 'online', 'fa-b': 'offline' });
  m.linkUp('fa-a', 'fa-b');
  const s2 = stretched();
  s2.m.setArrayDown('fa-a', true);
  assert.deepEqual(statusOf(s2.m, 'fa-b'), { 'fa-a': 'offline', 'fa-b': 'online' });
  s2.m.writeVolume('fa-b', 'pod1::v', 0, Buffer.from('survivor'));
  s2.m.setArrayDown('fa-a', false);
  s2.clock.advance(1000);
  assert.equal(s2.m.readVolume('fa-a', 'pod1::v', 0, 8).toString(), 'survivor');
});

test('a copy that fell behind never takes over, even when the survivor fails too', () => {
  const { m, clock } = stretched();
  m.linkDown('fa-a', 'fa-b');
  m.writeVolume('fa-a', 'pod1::v', 0, Buffer.from('only on a'));
  m.setArrayDown('fa-a', true);
  assert.throws(() => m.writeVolume('fa-b', 'pod1::v', 0, Buffer.from('x')), /offline on array 'fa-b'/);
  assert.throws(() => m.readVolume('fa-b', 'pod1::v', 0, 1), /offline/);
  m.linkUp('fa-a', 'fa-b');
  m.setArrayDown('fa-a', false);
  clock.advance(1000);
  assert.equal(m.readVolume('fa-b', 'pod1::v', 0, 9).toString(), 'only on a');
});

test('unstretching keeps the in-sync copy and refuses to keep a stale one', () => {
  const { m } = stretched();
  m.linkDown('fa-a', 'fa-b');
  assert.throws(() => m.removePodArray('fa-a', 'pod1', 'fa-a'), /not in sync/);
  const p = m.removePodArray('fa-a', 'pod1', 'fa-b');
  assert.deepEqual(p.arrays.map((a) => a.name), ['fa-a']);
  assert.throws(() => m.getVolume('fa-b', 'pod1::v'), /does not exist/);
  assert.throws(() => m.destroyPod('fa-a', 'pod1'), /still contains volumes/);
  m.destroyVolume('fa-a', 'pod1::v');
  m.eradicateVolume('fa-a', 'pod1::v');
  assert.equal(m.destroyPod('fa-a', 'pod1').destroyed, true);
  m.eradicatePod('fa-a', 'pod1');
  assert.deepEqual(m.listPods('fa-a'), []);
});

test('moving a volume into a stretched pod puts it on both arrays; it keeps its PG membership', () => {
  const { m } = stretched();
  m.createVolume('fa-a', 'plain', SIZE);
  m.writeVolume('fa-a', 'plain', 0, Buffer.from('data'));
  m.createProtectionGroup('fa-a', 'pg');
  m.addProtectionGroupVolumes('fa-a', 'pg', ['plain']);
  const moved = m.moveVolume('fa-a', 'plain', 'pod1');
  assert.equal(moved.name, 'pod1::plain');
  assert.deepEqual(m.getProtectionGroup('fa-a', 'pg').volumes, ['pod1::plain']);
  assert.equal(m.readVolume('fa-b', 'pod1::plain', 0, 4).toString(), 'data');
  assert.throws(() => m.moveVolume('fa-a', 'pod1::plain', null), /unstretch the pod/);
});

/** fa-a's pod src linked to demoted pod dst on fa-b (ActiveDR). */
function linked(): { m: ArrayModel; clock: ManualClock } {
  const { m, clock } = pair();
  m.createPod('fa-a', 'src');
  m.createVolume('fa-a', 'src::v', SIZE);
  m.createPod('fa-b', 'dst');
  m.updatePod('fa-b', 'dst', { requested_promotion_state: 'demoted' });
  m.createPodReplicaLink('fa-a', 'src', 'fa-b', 'dst');
  return { m, clock };
}

test('a linked demoted pod receives the promoted pod continuously and is read-only', () => {
  const { m, clock } = linked();
  m.writeVolume('fa-a', 'src::v', 0, Buffer.from('one'));
  const [link] = m.listPodReplicaLinks('fa-b');
  assert.equal(link?.direction, 'inbound');
  assert.equal(link?.status, 'replicating');
  assert.equal(link?.remote_pod.name, 'src');
  assert.equal(m.readVolume('fa-b', 'dst::v', 0, 3).toString(), 'one');
  assert.throws(() => m.writeVolume('fa-b', 'dst::v', 0, Buffer.from('x')), /demoted and does not accept writes/);
  assert.equal(m.getPod('fa-a', 'src').link_target_count, 1);
  // The link is lost: the target keeps what it had, and its recovery point stops.
  m.linkDown('fa-a', 'fa-b');
  const rp = m.listPodReplicaLinks('fa-a')[0]?.recovery_point;
  m.writeVolume('fa-a', 'src::v', 0, Buffer.from('two'));
  clock.advance(5000);
  const down = m.listPodReplicaLinks('fa-a')[0];
  assert.equal(down?.status, 'unhealthy');
  assert.equal(down?.recovery_point, rp);
  assert.equal(down?.lag, 5000);
  assert.equal(m.readVolume('fa-b', 'dst::v', 0, 3).toString(), 'one');
  m.linkUp('fa-a', 'fa-b');
  assert.equal(m.readVolume('fa-b', 'dst::v', 0, 3).toString(), 'two');
  m.updatePodReplicaLink('fa-a', 'src', 'dst', { paused: true });
  m.writeVolume('fa-a', 'src::v', 0, Buffer.from('300'));
  assert.equal(m.readVolume('fa-b', 'dst::v', 0, 3).toString(), 'two');
  assert.equal(m.listPodReplicaLinks('fa-a')[0]?.status, 'paused');
});

test('planned failover of linked pods: demote with quiesce, promote the target, replication reverses', () => {
  const { m } = linked();
  m.writeVolume('fa-a', 'src::v', 0, Buffer.from('before'));
  assert.throws(() => m.updatePod('fa-a', 'src', { requested_promotion_state: 'demoted' }), /quiesce/);
  m.linkDown('fa-a', 'fa-b');
  assert.throws(() => m.updatePod('fa-a', 'src', { requested_promotion_state: 'demoted', quiesce: true }), /link is unhealthy/);
  m.linkUp('fa-a', 'fa-b');
  m.updatePod('fa-a', 'src', { requested_promotion_state: 'demoted', quiesce: true });
  assert.equal(m.listPodReplicaLinks('fa-a')[0]?.status, 'idle');
  m.updatePod('fa-b', 'dst', { requested_promotion_state: 'promoted' });
  assert.equal(m.readVolume('fa-b', 'dst::v', 0, 6).toString(), 'before');
  m.writeVolume('fa-b', 'dst::v', 0, Buffer.from('after!'));
  const [l] = m.listPodReplicaLinks('fa-a');
  assert.equal(l?.direction, 'inbound');
  assert.equal(m.readVolume('fa-a', 'src::v', 0, 6).toString(), 'after!');
});

test('unplanned failover of linked pods: promote the target alone, later demote the old source to resync it', () => {
  const { m } = linked();
  m.writeVolume('fa-a', 'src::v', 0, Buffer.from('replicated'));
  m.setArrayDown('fa-a', true);
  m.updatePod('fa-b', 'dst', { requested_promotion_state: 'promoted' });
  m.writeVolume('fa-b', 'dst::v', 0, Buffer.from('DR writes!'));
  m.setArrayDown('fa-a', false);
  // Both promoted: nothing flows until the old source is demoted.
  assert.equal(m.listPodReplicaLinks('fa-a')[0]?.status, 'idle');
  assert.equal(m.readVolume('fa-a', 'src::v', 0, 10).toString(), 'replicated');
  m.updatePod('fa-a', 'src', { requested_promotion_state: 'demoted', skip_quiesce: true });
  assert.equal(m.readVolume('fa-a', 'src::v', 0, 10).toString(), 'DR writes!');
});

// ---- property: a stretched pod never loses an acknowledged write ----

type Op =
  | { kind: 'write'; array: number; vol: number; offset: number; bytes: Uint8Array }
  | { kind: 'read'; array: number; vol: number }
  | { kind: 'link'; up: boolean }
  | { kind: 'array'; array: number; down: boolean }
  | { kind: 'prefer'; array: number | null }
  | { kind: 'advance'; ms: number }
  | { kind: 'tick' };

const ARRAYS = ['fa-a', 'fa-b'];
const VOLS = ['pod1::v0', 'pod1::v1'];
const idx = (n: number) => fc.nat(n - 1);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({ array: idx(2), vol: idx(2), bytes: fc.uint8Array({ minLength: 1, maxLength: BLOCK_SIZE + 9 }), at: fc.double({ min: 0, max: 1, noNaN: true }) })
      .map(({ array, vol, bytes, at }): Op => ({ kind: 'write', array, vol, bytes, offset: Math.floor(at * (SIZE - bytes.length)) })),
  },
  { weight: 2, arbitrary: fc.record({ array: idx(2), vol: idx(2) }).map(({ array, vol }): Op => ({ kind: 'read', array, vol })) },
  { weight: 2, arbitrary: fc.boolean().map((up): Op => ({ kind: 'link', up })) },
  { weight: 2, arbitrary: fc.record({ array: idx(2), down: fc.boolean() }).map(({ array, down }): Op => ({ kind: 'array', array, down })) },
  { weight: 1, arbitrary: fc.option(idx(2), { nil: null }).map((array): Op => ({ kind: 'prefer', array })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 400 }).map((ms): Op => ({ kind: 'advance', ms })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'tick' }) },
);

/** Returns how many writes were acknowledged, so the property can show it is not vacuous. */
function runPod(ops: Op[]): { acked: number; refused: number } {
  const clock = new ManualClock();
  const m = ArrayModel.open(':memory:', clock);
  for (const a of ARRAYS) m.createArray(a);
  // 1 MiB/s: a resync of a few blocks takes a few hundred ms, so faults often land mid-resync.
  m.connectArrays('fa-a', 'fa-b', { type: 'sync-replication', bandwidth: MiB, latency_ms: 5 });
  m.createPod('fa-a', 'pod1');
  for (const v of VOLS) m.createVolume('fa-a', v, SIZE);
  m.addPodArray('fa-a', 'pod1', 'fa-b');
  clock.advance(100);
  const expected = new Map(VOLS.map((v) => [v, Buffer.alloc(SIZE)]));
  const down = [false, false];
  let acked = 0;
  let refused = 0;

  for (const o of ops) {
    switch (o.kind) {
      case 'write': {
        const vol = VOLS[o.vol] as string;
        try {
          m.writeVolume(ARRAYS[o.array] as string, vol, o.offset, Buffer.from(o.bytes));
        } catch {
          refused++;
          break;
        }
        acked++;
        expected.get(vol)?.set(o.bytes, o.offset);
        break;
      }
      case 'read': {
        const vol = VOLS[o.vol] as string;
        let got: Buffer;
        try {
          got = m.readVolume(ARRAYS[o.array] as string, vol, 0, SIZE);
        } catch {
          break;
        }
        assert.ok(got.equals(expected.get(vol) as Buffer), `${ARRAYS[o.array]} served ${vol} without every acknowledged write`);
        break;
      }
      case 'link':
        if (o.up) m.linkUp('fa-a', 'fa-b');
        else m.linkDown('fa-a', 'fa-b');
        break;
      case 'array':
        m.setArrayDown(ARRAYS[o.array] as string, o.down);
        down[o.array] = o.down;
        break;
      case 'prefer': {
        const home = ARRAYS.find((_, i) => !down[i]);
        if (home) m.updatePod(home, 'pod1', { failover_preferences: o.array === null ? [] : [ARRAYS[o.array] as string] });
        break;
      }
      case 'advance':
        clock.advance(o.ms);
        break;
      case 'tick':
        m.tick();
        break;
    }
    // While the arrays cannot reach each other, at most one copy may serve.
    const up = ARRAYS.filter((_, i) => !down[i]);
    if (up.length === 0) continue;
    const online = m.getPod(up[0] as string, 'pod1').arrays.filter((a) => a.status === 'online');
    const linkDown = m.listArrayConnections(up[0] as string)[0]?.status !== 'connected';
    if (linkDown || up.length < 2) assert.ok(online.length <= 1, 'two copies serve while the arrays cannot reach each other');
  }

  // Everything back and time for resync: both copies hold every acknowledged write.
  for (const a of ARRAYS) m.setArrayDown(a, false);
  m.linkUp('fa-a', 'fa-b');
  clock.advance(60_000);
  m.tick();
  for (const a of ARRAYS) {
    assert.deepEqual(m.getPod(a, 'pod1').arrays.map((x) => x.status), ['online', 'online']);
    for (const v of VOLS) assert.ok(m.readVolume(a, v, 0, SIZE).equals(expected.get(v) as Buffer), `${a} lost an acknowledged write to ${v}`);
  }
  m.close();
  return { acked, refused };
}

test('a stretched pod never loses an acknowledged write', () => {
  let acked = 0;
  let refused = 0;
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40, size: 'max' }), (ops) => {
      const r = runPod(ops);
      acked += r.acked;
      refused += r.refused;
    }),
    { numRuns: Number(process.env.ARRAY_PROPERTY_RUNS ?? 80) },
  );
  assert.ok(acked > 200 && refused > 20, `acked ${acked}, refused ${refused}: the runs did not exercise both sides`);
});
