import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { code, read } from '../helpers/storage.js';
import { BLOCK_SIZE, type ArrayModel } from '@protector/arraysim';
import { ADAPTERS, arrayPair, type ArrayPairEnv } from '../helpers/array-pair.js';
import { createStorageDriver, type ReplicationGroupHandle, type ReplicationGroupSpec } from '../../src/storage/index.js';

const SIZE = 4 * BLOCK_SIZE;
const V1 = 'volume-11111111-cinder';
const V2 = 'volume-22222222-cinder';

const spec = (over: Partial<ReplicationGroupSpec> = {}): ReplicationGroupSpec => ({
  id: 'pg1',
  name: 'web tier',
  replicationType: 'async',
  intervalSeconds: 300,
  retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 },
  ...over,
});

const write = (m: ArrayModel, array: string, vol: string, text: string): void => m.writeVolume(array, vol, 0, Buffer.from(text.padEnd(32, '.')));

for (const adapter of ADAPTERS) {
  describe(`${adapter} adapter`, () => {
    const envs: ArrayPairEnv[] = [];
    afterEach(async () => {
      await Promise.all(envs.splice(0).map((e) => e.close()));
    });
    /** fa-a (this site) and fa-b; the test hosts the arrays, so it ticks them whenever time moves. */
    const setup = async () => {
      const env = await arrayPair(adapter);
      envs.push(env);
      for (const v of [V1, V2]) env.model.createVolume('fa-a', v, SIZE);
      return env;
    };

    async function protectedGroup() {
      const env = await setup();
      const h = await env.driver.createReplicationGroup(spec());
      await env.driver.addVolumes(h, [V1, V2]);
      return { ...env, h };
    }

    test('createReplicationGroup makes a protection group with the peer as allowed target, idempotently', async () => {
      const { model, driver } = await setup();
      const h = await driver.createReplicationGroup(spec());
      assert.deepEqual(h, { type: 'async', name: 'protector-pg1', sourceArray: 'fa-a', targetArray: 'fa-b' });
      const pg = model.getProtectionGroup('fa-a', 'protector-pg1');
      assert.deepEqual(pg.targets, [{ name: 'fa-b', allowed: true }]);
      assert.deepEqual(pg.replication_schedule, { enabled: true, frequency: 300_000, blackout: null });
      assert.deepEqual(pg.target_retention, { all_for_sec: 86400, per_day: 4, days: 7 });
      assert.equal(pg.snapshot_schedule.enabled, false);

      // A retry returns the same handle; one that stopped before adding the target completes it.
      assert.deepEqual(await driver.createReplicationGroup(spec()), h);
      model.removeProtectionGroupTargets('fa-a', 'protector-pg1', ['fa-b']);
      assert.deepEqual(await driver.createReplicationGroup(spec()), h);
      assert.deepEqual(model.getProtectionGroup('fa-a', 'protector-pg1').targets, [{ name: 'fa-b', allowed: true }]);
      assert.equal(model.listProtectionGroups('fa-a').length, 1);

      await assert.rejects(driver.createReplicationGroup(spec({ intervalSeconds: 60 })), code('conflict', /already exists on 'fa-a' with other settings/));
      await assert.rejects(driver.createReplicationGroup(spec({ id: 'bad id!' })), code('invalid'));
      await assert.rejects(driver.createReplicationGroup(spec({ id: 'pg2', intervalSeconds: 0 })), code('invalid', /interval/));
    });

    test('updateReplicationSchedule changes the interval; the schedule then produces recovery points', async () => {
      const { model, driver, advance, h } = await protectedGroup();
      await driver.updateReplicationSchedule(h, { intervalSeconds: 60, retention: { keepAllForSeconds: 3600, perDay: 2, days: 1 } });
      const pg = model.getProtectionGroup('fa-a', h.name);
      assert.equal(pg.replication_schedule.frequency, 60_000);
      assert.deepEqual(pg.target_retention, { all_for_sec: 3600, per_day: 2, days: 1 });
      // Repeating it is a no-op.
      await driver.updateReplicationSchedule(h, { intervalSeconds: 60, retention: { keepAllForSeconds: 3600, perDay: 2, days: 1 } });
      advance(60_000);
      advance(1000);
      const rps = await driver.listRecoveryPoints(h);
      assert.equal(rps.length, 1);
      assert.deepEqual(rps[0]?.volumes, [V1, V2]);
    });

    test('addVolumes and removeVolumes are idempotent', async () => {
      const { model, driver, h } = await protectedGroup();
      assert.deepEqual(await driver.addVolumes(h, [V1]), [{ requested: V1, name: V1 }]);
      assert.deepEqual(model.getProtectionGroup('fa-a', h.name).volumes, [V1, V2]);
      await driver.removeVolumes(h, [V2]);
      await driver.removeVolumes(h, [V2]);
      assert.deepEqual(model.getProtectionGroup('fa-a', h.name).volumes, [V1]);
      await assert.rejects(driver.addVolumes(h, ['volume-missing-cinder']), code('not_found', /volume-missing-cinder/));
      // Names are checked before the array is asked.
      await assert.rejects(driver.addVolumes(h, ['volume_1', 'v'.repeat(64)]), code('invalid', /not valid FlashArray volume names: 'volume_1', 'v{64}' \(1 to 63 letters/));
    });

    test('a replicated snapshot becomes a recovery point only once fully transferred; status reports progress and lag', async () => {
      const { model, driver, advance, clock, h } = await protectedGroup();
      write(model, 'fa-a', V1, 'one');
      // 1 block of V1 + 3 of V2 = 256 KiB: 250 ms + 10 ms latency at 1 MiB/s.
      model.writeVolume('fa-a', V2, 0, Buffer.alloc(3 * BLOCK_SIZE, 9));
      const pending = await driver.snapshotNow(h, { replicate: true });
      assert.equal(pending.name, `fa-a:${h.name}.1`);
      assert.equal(pending.snapshot, `${h.name}.1`);
      assert.equal(pending.replicating, true);
      assert.deepEqual(await driver.listRecoveryPoints(h), []);
      let st = await driver.replicationStatus(h);
      assert.equal(st.link, 'connected');
      assert.equal(st.lagMs, null);
      assert.equal(st.inFlight.length, 1);

      advance(100);
      st = await driver.replicationStatus(h);
      assert.equal(st.inFlight[0]?.recoveryPoint, pending.name);
      assert.ok((st.inFlight[0]?.progress ?? 0) > 0.3 && (st.inFlight[0]?.progress ?? 1) < 0.5, `progress ${st.inFlight[0]?.progress}`);
      assert.deepEqual(await driver.listRecoveryPoints(h), []);

      advance(200);
      const [rp] = await driver.listRecoveryPoints(h);
      assert.ok(rp);
      assert.equal(rp.name, pending.name);
      assert.equal(rp.array, 'fa-b');
      assert.equal(rp.createdAt, pending.createdAt);
      assert.equal(rp.completedAt, pending.createdAt + 260);
      assert.deepEqual(rp.volumes, [V1, V2]);
      st = await driver.replicationStatus(h);
      assert.equal(st.inFlight.length, 0);
      assert.equal(st.lagMs, 300);
      assert.equal(st.lastTransferAt, pending.createdAt + 260);
      assert.equal(st.newestRecoveryPoint, rp.name);

      // Newest first; a snapshot without replication is never a recovery point.
      advance(1000);
      const local = await driver.snapshotNow(h, { replicate: false });
      assert.equal(local.name, null);
      const second = await driver.snapshotNow(h, { replicate: true });
      await driver.waitForTransfer(h, second.snapshot, 10_000);
      assert.deepEqual((await driver.listRecoveryPoints(h)).map((r) => r.name), [second.name, rp.name]);
      assert.ok(clock.now() > second.createdAt);
    });

    test('snapshotNow with a suffix is idempotent', async () => {
      const { model, driver, h } = await protectedGroup();
      const a = await driver.snapshotNow(h, { replicate: true, suffix: 'final-op1' });
      const b = await driver.snapshotNow(h, { replicate: true, suffix: 'final-op1' });
      assert.deepEqual(b, a);
      assert.equal(model.listProtectionGroupSnapshots('fa-a').length, 1);
    });

    test('link down: status shows it, waitForTransfer times out with a clear error, and completes once the link is back', async () => {
      const { model, driver, h } = await protectedGroup();
      model.linkDown('fa-a', 'fa-b');
      const st = await driver.replicationStatus(h);
      assert.equal(st.link, 'down');
      assert.match(st.detail, /link between 'fa-a' and 'fa-b' is down/);
      const pending = await driver.snapshotNow(h, { replicate: true });
      const seen: number[] = [];
      await assert.rejects(
        driver.waitForTransfer(h, pending.snapshot, 5000, (p) => seen.push(p.progress)),
        code('failed', /transfer of 'fa-a:protector-pg1\.1' to 'fa-b' did not complete within 5 s \(progress 0%, replication link between 'fa-a' and 'fa-b' is down\)/),
      );
      assert.ok(seen.length >= 50, `polled ${seen.length} times`);
      model.linkUp('fa-a', 'fa-b');
      const rp = await driver.waitForTransfer(h, pending.name ?? '', 5000);
      assert.equal(rp.name, pending.name);
      await assert.rejects(driver.waitForTransfer(h, 'protector-pg1.99', 1000), code('not_found'));
    });

    test('restore: new volumes hold exactly the snapshot-time bytes while the source keeps changing; overwrite; retries', async () => {
      const { model, driver, h } = await protectedGroup();
      write(model, 'fa-a', V1, 'v1 at t1');
      model.writeVolume('fa-a', V2, BLOCK_SIZE + 5, Buffer.from('v2 deep at t1'));
      const p1 = await driver.snapshotNow(h, { replicate: true });
      write(model, 'fa-a', V1, 'v1 at t2 (not replicated yet)');
      const rp1 = await driver.waitForTransfer(h, p1.snapshot, 10_000);

      const restored = await driver.restoreVolumes(
        h,
        rp1.name,
        [
          { source: V1, target: 'drill-v1' },
          { source: V2, target: 'drill-v2' },
        ],
        { overwrite: false },
      );
      assert.deepEqual(restored, [
        { array: 'fa-b', name: 'drill-v1', size: SIZE, source: V1 },
        { array: 'fa-b', name: 'drill-v2', size: SIZE, source: V2 },
      ]);
      assert.equal(read(model, 'fa-b', 'drill-v1'), 'v1 at t1'.padEnd(32, '.'));
      assert.equal(model.readVolume('fa-b', 'drill-v2', BLOCK_SIZE + 5, 13).toString(), 'v2 deep at t1');
      // Byte for byte the same as the source was at snapshot time (the replicated snapshot is the oracle too).
      assert.ok(model.readVolume('fa-b', 'drill-v2', 0, SIZE).equals(model.readSnapshot('fa-a', `${p1.snapshot}.${V2}`, 0, SIZE)));
      assert.equal(read(model, 'fa-a', V1), 'v1 at t2 (not replicated yet)'.padEnd(32, '.'));

      // The drill writes to its clones; the recovery point and the source are untouched.
      write(model, 'fa-b', 'drill-v1', 'drill scribble');
      assert.equal(model.readSnapshot('fa-b', `${rp1.name}.${V1}`, 0, 8).toString(), 'v1 at t1');
      assert.equal(read(model, 'fa-a', V1), 'v1 at t2 (not replicated yet)'.padEnd(32, '.'));

      // A retried restore finds its own copies; someone else's volume is a conflict without overwrite.
      model.createVolume('fa-b', 'someone-else', SIZE);
      assert.deepEqual(await driver.restoreVolumes(h, rp1.name, [{ source: V2, target: 'drill-v2' }], { overwrite: false }), [restored[1]]);
      await assert.rejects(driver.restoreVolumes(h, rp1.name, [{ source: V1, target: 'someone-else' }], { overwrite: false }), code('conflict', /overwrite/));
      await assert.rejects(driver.restoreVolumes(h, rp1.name, [{ source: 'volume-nope-cinder', target: 'x' }], { overwrite: false }), code('not_found', /not in the recovery point/));

      // Overwrite takes a newer point's content.
      const p2 = await driver.snapshotNow(h, { replicate: true });
      await driver.waitForTransfer(h, p2.snapshot, 10_000);
      await driver.restoreVolumes(h, p2.name ?? '', [{ source: V1, target: 'drill-v1' }], { overwrite: true });
      assert.equal(read(model, 'fa-b', 'drill-v1'), 'v1 at t2 (not replicated yet)'.padEnd(32, '.'));

      // A point still in flight cannot be restored.
      model.linkDown('fa-a', 'fa-b');
      const p3 = await driver.snapshotNow(h, { replicate: true });
      await assert.rejects(driver.restoreVolumes(h, p3.name ?? '', [{ source: V1, target: 'y' }], { overwrite: false }), code('conflict', /not finished transferring/));
    });

    test('planned failover and reverse: after reverse a snapshot on the new primary replicates back to the original site', async () => {
      const { model, driver, h } = await protectedGroup();
      write(model, 'fa-a', V1, 'last write on a');
      const final = await driver.snapshotNow(h, { replicate: true, suffix: 'failover-1' });
      const rp = await driver.waitForTransfer(h, final.snapshot, 10_000);

      await driver.demote(h);
      await driver.demote(h);
      assert.equal(model.getProtectionGroup('fa-a', h.name).replication_schedule.enabled, false);
      await driver.promote(h);
      await driver.promote(h);
      assert.deepEqual(model.getProtectionGroup('fa-a', h.name).targets, [{ name: 'fa-b', allowed: false }]);
      await assert.rejects(driver.snapshotNow(h, { replicate: true }), code('conflict', /disabled/));

      // The failover copies on fa-b (what Cinder on site b manages).
      const copies = await driver.restoreVolumes(
        h,
        rp.name,
        [
          { source: V1, target: 'volume-33333333-cinder' },
          { source: V2, target: 'volume-44444444-cinder' },
        ],
        { overwrite: false },
      );
      assert.equal(read(model, 'fa-b', 'volume-33333333-cinder'), 'last write on a'.padEnd(32, '.'));
      const policy = { intervalSeconds: 300, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } };
      const names = copies.map((c) => c.name);
      const r = await driver.reverseReplication(h, { volumes: names, policy });
      assert.deepEqual(r, { ...h, sourceArray: 'fa-b', targetArray: 'fa-a' });
      assert.deepEqual(await driver.reverseReplication(h, { volumes: names, policy }), r, 'a retry converges');
      const mirror = model.getProtectionGroup('fa-b', h.name);
      assert.deepEqual(mirror.volumes, names);
      assert.deepEqual(mirror.targets, [{ name: 'fa-a', allowed: true }]);
      assert.equal(mirror.replication_schedule.enabled, true);

      write(model, 'fa-b', 'volume-33333333-cinder', 'written on b after failover');
      const back = await driver.snapshotNow(r, { replicate: true });
      assert.equal(back.name, `fa-b:${h.name}.1`);
      await driver.waitForTransfer(r, back.snapshot, 10_000);
      const onA = await driver.listRecoveryPoints(r);
      assert.equal(onA[0]?.array, 'fa-a');
      assert.equal(onA[0]?.name, back.name);
      await driver.restoreVolumes(r, back.name ?? '', [{ source: 'volume-33333333-cinder', target: 'failback-v1' }], { overwrite: false });
      assert.equal(read(model, 'fa-a', 'failback-v1'), 'written on b after failover'.padEnd(32, '.'));

      // Failback: reversing the reversed handle re-enables the original group with the volumes given.
      await driver.demote(r);
      await driver.promote(r);
      const again = await driver.reverseReplication(r, { volumes: ['failback-v1'], policy });
      assert.deepEqual(again, h);
      assert.deepEqual(model.getProtectionGroup('fa-a', h.name).volumes, ['failback-v1']);
      assert.deepEqual(model.getProtectionGroup('fa-a', h.name).targets, [{ name: 'fa-b', allowed: true }]);
      assert.deepEqual(model.getProtectionGroup('fa-b', h.name).targets, [{ name: 'fa-a', allowed: false }]);
    });

    test('unplanned failover: promote works with the source array down; reverse waits for it', async () => {
      const { model, driver, h } = await protectedGroup();
      write(model, 'fa-a', V1, 'before the disaster');
      const p = await driver.snapshotNow(h, { replicate: true });
      await driver.waitForTransfer(h, p.snapshot, 10_000);
      model.setArrayDown('fa-a', true);
      await assert.rejects(driver.demote(h), code('unreachable', /fa-a/));
      await driver.promote(h);
      const [rp] = await driver.listRecoveryPoints(h);
      assert.ok(rp);
      await driver.restoreVolumes(h, rp.name, [{ source: V1, target: 'volume-55555555-cinder' }], { overwrite: false });
      assert.equal(read(model, 'fa-b', 'volume-55555555-cinder'), 'before the disaster'.padEnd(32, '.'));
      const policy = { intervalSeconds: 300, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } };
      await assert.rejects(driver.reverseReplication(h, { volumes: ['volume-55555555-cinder'], policy }), code('unreachable'));
      model.setArrayDown('fa-a', false);
      await driver.reverseReplication(h, { volumes: ['volume-55555555-cinder'], policy });
      // The old primary is fenced: its group neither schedules nor sends.
      const old = model.getProtectionGroup('fa-a', h.name);
      assert.equal(old.replication_schedule.enabled, false);
      assert.deepEqual(old.targets, [{ name: 'fa-b', allowed: false }]);
    });

    test('array down: calls raise unreachable, status and validation report it', async () => {
      const { model, driver, h } = await protectedGroup();
      model.setArrayDown('fa-b', true);
      await assert.rejects(driver.listRecoveryPoints(h), code('unreachable', /array 'fa-b' is unreachable/));
      await assert.rejects(driver.deleteVolumes('peer', ['x'], { eradicate: true }), code('unreachable'));
      const st = await driver.replicationStatus(h);
      assert.equal(st.link, 'down');
      assert.equal(st.targetReachable, false);
      assert.equal(st.sourceReachable, true);
      assert.match(st.detail, /fa-b unreachable/);
      const v = await driver.validateConnection();
      assert.equal(v.ok, false);
      assert.deepEqual(
        v.arrays.map((a) => [a.side, a.array, a.reachable, a.link.state]),
        [
          ['local', 'fa-a', true, 'down'],
          ['peer', 'fa-b', false, 'down'],
        ],
      );
      model.setArrayDown('fa-b', false);
      model.setArrayDown('fa-a', true);
      await assert.rejects(driver.snapshotNow(h, { replicate: true }), code('unreachable', /fa-a/));
      model.setArrayDown('fa-a', false);
      // An injected failure is 'failed', with the array's message.
      model.failNext('fa-a', 'snapshotProtectionGroup');
      await assert.rejects(driver.snapshotNow(h, { replicate: true }), code('failed', /injected fault/));
    });

    test('validateConnection reports version and link', async () => {
      const { driver } = await setup();
      const v = await driver.validateConnection();
      assert.equal(v.ok, true);
      assert.equal(v.arrays[0]?.version, '6.5.0');
      assert.deepEqual(v.arrays[1]?.link, { remote: 'fa-a', state: 'connected', type: 'async' });
    });

    test('deleteReplicationGroup refuses members unless asked, removes recovery points, and is idempotent; deleteVolumes too', async () => {
      const { model, driver, h } = await protectedGroup();
      const p = await driver.snapshotNow(h, { replicate: true });
      await driver.waitForTransfer(h, p.snapshot, 10_000);
      await assert.rejects(driver.deleteReplicationGroup(h), code('conflict', /member volumes/));
      await driver.deleteReplicationGroup(h, { removeMembers: true });
      await driver.deleteReplicationGroup(h, { removeMembers: true });
      assert.deepEqual(model.listProtectionGroups('fa-a'), []);
      assert.deepEqual(model.listProtectionGroupSnapshots('fa-b'), []);
      assert.equal(model.getVolume('fa-a', V1).destroyed, false, 'volumes are never deleted with the group');

      await driver.deleteVolumes('local', [V1], { eradicate: false });
      assert.equal(model.getVolume('fa-a', V1).destroyed, true);
      await driver.deleteVolumes('local', [V1, 'never-existed'], { eradicate: true });
      await driver.deleteVolumes('local', [V1], { eradicate: true });
      assert.deepEqual(model.listVolumes('fa-a').map((v) => v.name), [V2]);
    });

    test('handles for other arrays and the pure driver are refused clearly', async () => {
      const { model, driver } = await setup();
      const foreign: ReplicationGroupHandle = { type: 'async', name: 'x', sourceArray: 'fa-a', targetArray: 'fa-c' };
      await assert.rejects(driver.listRecoveryPoints(foreign), code('invalid', /configured for 'fa-a' and 'fa-b'/));
      // The pure driver needs each array's address and API token from the site registrations.
      assert.throws(
        () => createStorageDriver({ driver: 'pure', localArray: 'a', peerArray: 'b', local: { url: '', apiToken: 't' }, peer: { url: 'https://b', apiToken: '' } }),
        code('invalid', /the local array 'a' has no url registered \(set them with protector site create --array-url --array-api-token\)/),
      );
      const pure = createStorageDriver({ driver: 'pure', localArray: 'a', peerArray: 'b', local: { url: 'https://a', apiToken: 't' }, peer: { url: 'https://b', apiToken: 't' } });
      assert.equal(pure.name, 'pure');
      await pure.close();
      const d = createStorageDriver({ driver: 'mock', model, localArray: 'fa-b', peerArray: 'fa-a' });
      assert.equal(d.name, 'mock');
      assert.equal((await d.validateConnection()).arrays[0]?.array, 'fa-b');
    });

  });
}
