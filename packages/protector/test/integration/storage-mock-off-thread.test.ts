// protector-api's mock driver (issue [10]): the simulated arrays' file opened on a worker thread,
// so the model's synchronous SQLite calls never run on the thread that serves requests; the same
// driver and port logic answer, errors keep their codes, and close() ends the thread.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ArrayModel } from '@protector/arraysim';
import { createStorageDriver, isStorageError, OffThreadMockDriver, StorageError } from '../../src/storage/index.js';

test('the off-thread mock driver reads and changes the shared array file from its worker', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'protector-off-thread-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'arrays.sqlite');
  // The cloudsim hosts' handle: it ticks the arrays on the system clock, as in the lab.
  const host = ArrayModel.open(path);
  t.after(() => host.close());
  host.createArray('fa-a');
  host.createArray('fa-b');
  host.connectArrays('fa-a', 'fa-b', { bandwidth: 1024 * 1024 * 1024, latency_ms: 1 });
  host.createVolume('fa-a', 'volume-v1-cinder', 1024 * 1024);

  const driver = createStorageDriver({ driver: 'mock', path, offThread: true, localArray: 'fa-a', peerArray: 'fa-b' });
  assert.ok(driver instanceof OffThreadMockDriver);
  assert.equal((await driver.validateConnection()).ok, true);

  const h = await driver.createReplicationGroup({ id: 'off1', name: 'off', replicationType: 'async', intervalSeconds: 3600, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } });
  await driver.addVolumes(h, ['volume-v1-cinder']);
  assert.deepEqual(host.getProtectionGroup('fa-a', h.name).volumes, ['volume-v1-cinder'], 'the worker wrote the shared file');
  const p = await driver.snapshotNow(h, { replicate: true });
  await new Promise((r) => setTimeout(r, 20));
  host.tick();
  const points = await driver.listRecoveryPoints(h);
  assert.deepEqual(points.map((x) => [x.name, x.volumes]), [[p.name, ['volume-v1-cinder']]], 'Maps and records cross the thread');
  const [status] = await driver.replicationStatuses([h]);
  assert.ok(!(status instanceof StorageError));
  assert.equal(status?.newestRecoveryPoint, p.name);

  // Errors keep their code and their words.
  await assert.rejects(driver.restoreVolumes(h, 'fa-a:nope.1', [{ source: 'volume-v1-cinder', target: 'volume-x-cinder' }], { overwrite: false }), (err) => {
    assert.ok(isStorageError(err, 'not_found'), String(err));
    assert.match(err.message, /recovery point 'fa-a:nope\.1' does not exist on 'fa-b'/);
    return true;
  });

  await driver.close();
  await assert.rejects(driver.validateConnection().then((r) => { if (!r.ok) throw new Error(r.arrays.map((a) => a.error).join('; ')); }), /worker thread has stopped/);
});

test('an off-thread driver on a file that cannot be opened fails each call with why; a clock is refused', async () => {
  // A directory is no SQLite file.
  const dir = mkdtempSync(join(tmpdir(), 'protector-off-thread-'));
  const driver = createStorageDriver({ driver: 'mock', path: dir, offThread: true, localArray: 'fa-a', peerArray: 'fa-b' });
  try {
    await assert.rejects(driver.listRecoveryPoints({ type: 'async', name: 'protector-x', sourceArray: 'fa-a', targetArray: 'fa-b' }), /cannot open the simulated array file '.*protector-off-thread-/);
  } finally {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => createStorageDriver({ driver: 'mock', path: 'x', offThread: true, localArray: 'a', peerArray: 'b', clock: { now: () => 0 } }), /a clock cannot be given/);
});
