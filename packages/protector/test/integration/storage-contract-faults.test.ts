// Faults at the arrays, through both adapters of the FlashArray driver: each ends in a clear,
// honest StorageError (or a success once the array recovers), never a hang. REST-only faults
// (session expiry, 429 bursts, an array answering versions the driver cannot use) run on the REST
// adapter over HTTPS to the simulated arrays' faces.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { BLOCK_SIZE } from '@protector/arraysim';
import { ADAPTERS, arrayPair, type ArrayPairEnv } from '../helpers/array-pair.js';
import { code } from '../helpers/storage.js';
import type { ReplicationGroupSpec } from '../../src/storage/index.js';

const V1 = 'volume-11111111-cinder';
const spec: ReplicationGroupSpec = { id: 'pg1', name: 'app', replicationType: 'async', intervalSeconds: 300, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } };

const envs: ArrayPairEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.splice(0).map((e) => e.close()));
});

async function protectedGroup(adapter: (typeof ADAPTERS)[number], opts: Parameters<typeof arrayPair>[1] = {}) {
  const env = await arrayPair(adapter, opts);
  envs.push(env);
  env.model.createVolume('fa-a', V1, 64 * BLOCK_SIZE);
  env.model.writeVolume('fa-a', V1, 0, Buffer.alloc(64 * BLOCK_SIZE, 7));
  const h = await env.driver.createReplicationGroup(spec);
  await env.driver.addVolumes(h, [V1]);
  return { ...env, h };
}

for (const adapter of ADAPTERS) {
  describe(`${adapter} adapter`, () => {
    test('link down during a transfer: the wait ends after the dead-link grace, naming the link; a new wait completes once it is back', async () => {
      const { model, driver, h } = await protectedGroup(adapter, { bandwidth: 1024 * 1024 });
      const p = await driver.snapshotNow(h, { replicate: true });
      model.linkDown('fa-a', 'fa-b');
      await assert.rejects(
        driver.waitForTransfer(h, p.snapshot, 600_000, undefined, { deadLinkGraceMs: 2000 }),
        code('unreachable', /transfer of 'fa-a:protector-pg1\.1' to 'fa-b' cannot complete: replication link between 'fa-a' and 'fa-b' is down for 2 s \(grace 2 s; progress \d+%\)/),
      );
      model.linkUp('fa-a', 'fa-b');
      const rp = await driver.waitForTransfer(h, p.snapshot, 600_000, undefined, { deadLinkGraceMs: 2000 });
      assert.equal(rp.name, p.name);
    });

    test('the target array down during a wait: unreachable after the grace, not at the timeout', async () => {
      const { model, driver, clock, h } = await protectedGroup(adapter);
      const p = await driver.snapshotNow(h, { replicate: true });
      model.setArrayDown('fa-b', true);
      const start = clock.now();
      await assert.rejects(driver.waitForTransfer(h, p.snapshot, 3_600_000, undefined, { deadLinkGraceMs: 5000 }), code('unreachable', /array fa-b unreachable for \d+ s/));
      assert.ok(clock.now() - start < 60_000, `gave up after ${clock.now() - start} ms of simulated time`);
    });

    test('a failing array call is reported with the array\'s own message and what was being done; nothing half-done', async () => {
      const { model, driver, h } = await protectedGroup(adapter);
      model.failNext('fa-a', 'snapshotProtectionGroup');
      await assert.rejects(driver.snapshotNow(h, { replicate: true, suffix: 'op-1' }), code('failed', /snapshotting replication group 'protector-pg1' on 'fa-a': .*injected fault/));
      assert.deepEqual(model.listProtectionGroupSnapshots('fa-a'), []);
      // The retry of the step succeeds.
      const p = await driver.snapshotNow(h, { replicate: true, suffix: 'op-1' });
      assert.equal(p.snapshot, 'protector-pg1.op-1');
    });

    test('the replica group is waited for on the target and allowed there (Cinder\'s order), also when the target withdrew its consent', async () => {
      const { model, driver, h } = await protectedGroup(adapter);
      const replica = model.getProtectionGroup('fa-b', 'fa-a:protector-pg1');
      assert.equal(replica.is_local, false);
      model.setProtectionGroupTargetAllowed('fa-a', h.name, 'fa-b', false);
      model.updateProtectionGroup('fa-a', h.name, { replication_schedule: { enabled: false } });
      // A retried create finds the group, allows the target again through the target, then enables replication.
      await driver.createReplicationGroup(spec);
      const pg = model.getProtectionGroup('fa-a', h.name);
      assert.deepEqual(pg.targets, [{ name: 'fa-b', allowed: true }]);
      assert.equal(pg.replication_schedule.enabled, true);
    });

    test('a PG name pending eradication is reused: deleting eradicates, and a destroyed group of that name is eradicated before creating', async () => {
      const { model, driver, h } = await protectedGroup(adapter);
      await driver.deleteReplicationGroup(h, { removeMembers: true });
      assert.deepEqual(model.listProtectionGroups('fa-a'), [], 'nothing left pending eradication');
      await driver.createReplicationGroup(spec);
      model.destroyProtectionGroup('fa-a', h.name);
      assert.equal(model.getProtectionGroup('fa-a', h.name).destroyed, true);
      await driver.createReplicationGroup(spec);
      const pg = model.getProtectionGroup('fa-a', h.name);
      assert.equal(pg.destroyed, false);
      assert.equal(pg.replication_schedule.enabled, true);
    });
  });
}

describe('rest adapter only', () => {
  test('session expiry mid-operation: the driver logs in again and the operation goes on', async () => {
    const { driver, advance, h } = await protectedGroup('rest', { face: { sessionIdleMs: 60_000 } });
    const p = await driver.snapshotNow(h, { replicate: true });
    advance(10 * 60_000); // both sessions expire on the arrays
    const rp = await driver.waitForTransfer(h, p.snapshot, 60_000);
    assert.equal(rp.name, p.name);
    assert.equal((await driver.listRecoveryPoints(h)).length, 1);
  });

  test('429 bursts: calls back off as the array says (Retry-After) and complete', async () => {
    const env = await protectedGroup('rest', { face: { rateLimit: { perSecond: 4 } } });
    const { driver, h, sessionWaits } = env;
    const p = await driver.snapshotNow(h, { replicate: true });
    await driver.waitForTransfer(h, p.snapshot, 60_000);
    await driver.replicationStatus(h);
    assert.ok(sessionWaits.length > 0, 'the array rate-limited the driver');
    assert.ok(sessionWaits.every((ms) => ms >= 1000), `waits ${sessionWaits.join(', ')} follow Retry-After (whole seconds)`);
  });

  test('an array that offers no REST version the driver can use is refused, saying which and why', async () => {
    const env = await arrayPair('rest', { face: { versions: ['2.0', '2.1', '2.2', '2.3'] } });
    envs.push(env);
    await assert.rejects(env.driver.listRecoveryPoints({ type: 'async', name: 'protector-pg1', sourceArray: 'fa-a', targetArray: 'fa-b' }), code('invalid', /2\.3.*2\.4/));
    const v = await env.driver.validateConnection();
    assert.equal(v.ok, false);
    assert.match(v.arrays[0]?.error ?? '', /2\.4/);
  });
});
