import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ArrayModel, BLOCK_SIZE, ManualClock } from '@protector/arraysim';
import { createStorageDriver } from '../../src/storage/index.js';

/**
 * The lab's layout: one array file shared by both sites. Site a's driver (local fa-a, peer fa-b)
 * and site b's driver (local/peer swapped) each open it by path; a third handle plays the
 * cloudsim hosts (it ticks the arrays and does the guests' I/O).
 */
test('two sites opening one array file see the same arrays, groups and recovery points', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'protector-storage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'arrays.sqlite');
  const clock = new ManualClock();
  const host = ArrayModel.open(path, clock);
  t.after(() => host.close());
  host.createArray('fa-a');
  host.createArray('fa-b');
  host.connectArrays('fa-a', 'fa-b', { bandwidth: 1024 * 1024, latency_ms: 10 });
  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    host.tick();
  };
  const siteA = createStorageDriver({ driver: 'mock', path, localArray: 'fa-a', peerArray: 'fa-b', clock, pollIntervalMs: 100, sleep: advance });
  const siteB = createStorageDriver({ driver: 'mock', path, localArray: 'fa-b', peerArray: 'fa-a', clock, pollIntervalMs: 100, sleep: advance });
  t.after(() => siteA.close());
  t.after(() => siteB.close());

  const [va, vb] = [await siteA.validateConnection(), await siteB.validateConnection()];
  assert.equal(va.ok && vb.ok, true);
  assert.deepEqual(va.arrays.map((a) => [a.side, a.array]), [['local', 'fa-a'], ['peer', 'fa-b']]);
  assert.deepEqual(vb.arrays.map((a) => [a.side, a.array]), [['local', 'fa-b'], ['peer', 'fa-a']]);

  // Site a protects its Cinder volume; site b reads the same group through the shared handle.
  host.createVolume('fa-a', 'volume-aaaa-cinder', 2 * BLOCK_SIZE);
  host.writeVolume('fa-a', 'volume-aaaa-cinder', 10, Buffer.from('written by a guest on site a'));
  const h = await siteA.createReplicationGroup({
    id: 'shared1',
    name: 'shared',
    replicationType: 'async',
    intervalSeconds: 600,
    retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 },
  });
  await siteA.addVolumes(h, ['volume-aaaa-cinder']);
  const p = await siteA.snapshotNow(h, { replicate: true });
  host.writeVolume('fa-a', 'volume-aaaa-cinder', 10, Buffer.from('a later write, not in the point'));
  await siteA.waitForTransfer(h, p.snapshot, 10_000);

  const fromB = await siteB.listRecoveryPoints(h);
  assert.deepEqual(fromB, await siteA.listRecoveryPoints(h));
  assert.equal(fromB[0]?.name, p.name);
  assert.equal((await siteB.replicationStatus(h)).link, 'connected');

  // Site b (the surviving site in an unplanned failover) restores into its own array.
  host.setArrayDown('fa-a', true);
  await siteB.promote(h);
  const [copy] = await siteB.restoreVolumes(h, fromB[0]?.name ?? '', [{ source: 'volume-aaaa-cinder', target: 'volume-bbbb-cinder' }], { overwrite: false });
  assert.equal(copy?.array, 'fa-b');
  assert.equal(host.readVolume('fa-b', 'volume-bbbb-cinder', 10, 28).toString(), 'written by a guest on site a');
  const st = await siteB.replicationStatus(h);
  assert.deepEqual([st.link, st.sourceReachable, st.targetReachable], ['down', false, true]);

  // Site a's view of its own volumes is site b's view of its peer.
  host.setArrayDown('fa-a', false);
  await siteB.deleteVolumes('local', ['volume-bbbb-cinder'], { eradicate: true });
  await siteA.deleteVolumes('peer', ['volume-bbbb-cinder'], { eradicate: true });
  assert.deepEqual(host.listVolumes('fa-b'), []);
});
