import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { code, read } from '../helpers/storage.js';
import { BLOCK_SIZE, type ArrayModel } from '@protector/arraysim';
import { ADAPTERS, arrayPair, type ArrayPairEnv } from '../helpers/array-pair.js';
import type { ReplicationGroupSpec } from '../../src/storage/index.js';

const SIZE = 4 * BLOCK_SIZE;
const V1 = 'volume-11111111-cinder';
const V2 = 'volume-22222222-cinder';
const P1 = `protector-pg1::${V1}`;
const P2 = `protector-pg1::${V2}`;

const spec: ReplicationGroupSpec = {
  id: 'pg1',
  name: 'db tier',
  replicationType: 'sync',
  intervalSeconds: 300,
  retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 },
};
const policy = { intervalSeconds: 300, retention: spec.retention };

const text = (s: string): Buffer => Buffer.from(s.padEnd(32, '.'));

const podStatus = (m: ArrayModel, array: string) => Object.fromEntries(m.getPod(array, 'protector-pg1').arrays.map((a) => [a.name, a.status]));

for (const adapter of ADAPTERS) {
  describe(`${adapter} adapter`, () => {
    const envs: ArrayPairEnv[] = [];
    afterEach(async () => {
      await Promise.all(envs.splice(0).map((e) => e.close()));
    });
    /** fa-a (this site) and fa-b; the test hosts the arrays, so it ticks them whenever time moves. */
    const setup = async () => {
      const env = await arrayPair(adapter, { type: 'sync-replication' });
      envs.push(env);
      for (const v of [V1, V2]) env.model.createVolume('fa-a', v, SIZE);
      return env;
    };

    async function protectedPod() {
      const env = await setup();
      const h = await env.driver.createReplicationGroup(spec);
      await env.driver.addVolumes(h, [V1, V2]);
      env.advance(1000);
      return { ...env, h };
    }

    test('sync: createReplicationGroup stretches a pod over both arrays, idempotently', async () => {
      const { model, driver, advance } = await setup();
      const h = await driver.createReplicationGroup(spec);
      assert.deepEqual(h, { type: 'sync', name: 'protector-pg1', sourceArray: 'fa-a', targetArray: 'fa-b' });
      assert.deepEqual(await driver.createReplicationGroup(spec), h);
      advance(100);
      assert.deepEqual(podStatus(model, 'fa-b'), { 'fa-a': 'online', 'fa-b': 'online' });
      assert.deepEqual(model.getPod('fa-a', h.name).failover_preferences, [{ name: 'fa-a' }]);
      // A creation that stopped before stretching is completed by the retry.
      model.removePodArray('fa-a', h.name, 'fa-b');
      await driver.createReplicationGroup(spec);
      assert.equal(model.getPod('fa-a', h.name).array_count, 2);
      // Sync has no schedule: updating it only validates.
      await driver.updateReplicationSchedule(h, policy);
      await assert.rejects(driver.updateReplicationSchedule(h, { ...policy, intervalSeconds: -1 }), code('invalid'));
    });

    test('sync: addVolumes moves volumes into the pod (both arrays serve them); removeVolumes moves them out; both idempotent', async () => {
      const { model, driver, advance } = await setup();
      model.writeVolume('fa-a', V1, 0, text('before the move'));
      const h = await driver.createReplicationGroup(spec);
      advance(100);
      assert.deepEqual(await driver.addVolumes(h, [V1]), [{ requested: V1, name: P1 }]);
      assert.deepEqual(await driver.addVolumes(h, [V1, V2]), [
        { requested: V1, name: P1 },
        { requested: V2, name: P2 },
      ]);
      assert.equal(read(model, 'fa-b', P1), text('before the move').toString());
      model.writeVolume('fa-a', P1, 0, text('mirrored write'));
      assert.equal(read(model, 'fa-b', P1), text('mirrored write').toString());

      assert.deepEqual(await driver.removeVolumes(h, [P2]), [{ requested: P2, name: V2 }]);
      assert.deepEqual(await driver.removeVolumes(h, [V2]), [{ requested: V2, name: V2 }]);
      assert.equal(model.getVolume('fa-a', V2).pod, null);
      assert.deepEqual(model.getPod('fa-a', h.name).volumes, [P1]);
      // The pod is stretched again and resyncs.
      advance(1000);
      assert.deepEqual(podStatus(model, 'fa-a'), { 'fa-a': 'online', 'fa-b': 'online' });
      assert.equal(read(model, 'fa-b', P1), text('mirrored write').toString());
      await assert.rejects(driver.addVolumes(h, ['volume-nope-cinder']), code('not_found'));
    });

    test('sync: the recovery point is "now" while in sync; link down freezes the target, status shows lag, wait times out, then resync completes it', async () => {
      const { model, driver, advance, clock, h } = await protectedPod();
      const [now] = await driver.listRecoveryPoints(h);
      assert.equal(now?.name, 'now');
      assert.equal(now?.createdAt, clock.now());
      assert.deepEqual(now?.volumes, [P1, P2]);
      let st = await driver.replicationStatus(h);
      assert.deepEqual([st.link, st.lagMs, st.newestRecoveryPoint], ['connected', 0, 'now']);
      const snap = await driver.snapshotNow(h, { replicate: true });
      assert.equal(snap.name, 'now');

      model.linkDown('fa-a', 'fa-b');
      const frozenAt = clock.now();
      model.writeVolume('fa-a', P1, 0, text('only on fa-a'));
      advance(5000);
      assert.deepEqual(await driver.listRecoveryPoints(h), []);
      st = await driver.replicationStatus(h);
      assert.equal(st.link, 'down');
      assert.equal(st.lagMs, clock.now() - frozenAt);
      assert.match(st.detail, /pod copy on 'fa-b' is offline/);
      await assert.rejects(driver.waitForTransfer(h, 'now', 2000), code('failed', /resync of pod 'protector-pg1' to 'fa-b' did not complete within 2 s .*link between 'fa-a' and 'fa-b' is down/));
      await assert.rejects(driver.promote(h), code('conflict', /not in sync/));

      model.linkUp('fa-a', 'fa-b');
      st = await driver.replicationStatus(h);
      assert.equal(st.inFlight[0]?.recoveryPoint, 'now');
      const rp = await driver.waitForTransfer(h, 'now', 10_000);
      assert.equal(rp.kind, 'now');
      assert.equal(read(model, 'fa-b', P1), text('only on fa-a').toString());
    });

    test('sync: restore from "now" clones the pod volumes on the target; the clones do not follow later writes', async () => {
      const { model, driver, h } = await protectedPod();
      model.writeVolume('fa-a', P1, 0, text('at drill time'));
      const out = await driver.restoreVolumes(h, 'now', [{ source: V1, target: 'drill-v1' }], { overwrite: false });
      assert.deepEqual(out, [{ array: 'fa-b', name: 'drill-v1', size: SIZE, source: V1 }]);
      model.writeVolume('fa-a', P1, 0, text('after the drill started'));
      assert.equal(read(model, 'fa-b', 'drill-v1'), text('at drill time').toString());
      assert.equal(read(model, 'fa-b', P1), text('after the drill started').toString());
      assert.deepEqual(await driver.restoreVolumes(h, 'now', [{ source: V1, target: 'drill-v1' }], { overwrite: false }), out, 'a retry finds its copy');
      await driver.restoreVolumes(h, 'now', [{ source: P1, target: 'drill-v1' }], { overwrite: true });
      assert.equal(read(model, 'fa-b', 'drill-v1'), text('after the drill started').toString());
      await assert.rejects(driver.restoreVolumes(h, 'fa-a:pg.1', [{ source: V1, target: 'x' }], { overwrite: false }), code('not_found'));
    });

    test('sync: promote makes the target preferred, so it survives a link loss; reverse swaps the handle', async () => {
      const { model, driver, h } = await protectedPod();
      await driver.demote(h);
      await driver.promote(h);
      await driver.promote(h);
      assert.deepEqual(model.getPod('fa-a', h.name).failover_preferences, [{ name: 'fa-b' }]);
      const r = await driver.reverseReplication(h, { volumes: [], policy });
      assert.deepEqual(r, { ...h, sourceArray: 'fa-b', targetArray: 'fa-a' });
      model.linkDown('fa-a', 'fa-b');
      assert.deepEqual(podStatus(model, 'fa-b'), { 'fa-a': 'offline', 'fa-b': 'online' });
      model.writeVolume('fa-b', P1, 0, text('written on b'));
      assert.deepEqual(await driver.listRecoveryPoints(r), []);
      model.linkUp('fa-a', 'fa-b');
      const rp = await driver.waitForTransfer(r, 'now', 10_000);
      assert.equal(rp.array, 'fa-a');
      assert.equal(read(model, 'fa-a', P1), text('written on b').toString());
    });

    test('sync: deleteReplicationGroup refuses members unless asked, gives the volumes their names back, and is idempotent', async () => {
      const { model, driver, h } = await protectedPod();
      model.writeVolume('fa-a', P1, 0, text('kept'));
      await assert.rejects(driver.deleteReplicationGroup(h), code('conflict', /still holds volumes/));
      await driver.deleteReplicationGroup(h, { removeMembers: true });
      await driver.deleteReplicationGroup(h, { removeMembers: true });
      assert.deepEqual(model.listPods('fa-a'), []);
      assert.deepEqual(model.listPods('fa-b'), []);
      assert.equal(read(model, 'fa-a', V1), text('kept').toString());
      assert.deepEqual(model.listVolumes('fa-b'), []);
    });

    test('sync: an unreachable array is reported, not hidden', async () => {
      const { model, driver, h } = await protectedPod();
      model.setArrayDown('fa-a', true);
      const st = await driver.replicationStatus(h);
      assert.equal(st.link, 'down');
      assert.equal(st.sourceReachable, false);
      // The mediator keeps the surviving copy online: it can still take over.
      assert.equal((await driver.listRecoveryPoints(h))[0]?.name, 'now');
      await driver.promote(h);
      await assert.rejects(driver.demote(h), code('unreachable', /fa-a/));
      await assert.rejects(driver.addVolumes(h, [V1]), code('unreachable'));
    });

  });
}
