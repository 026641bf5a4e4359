// The sync action's workflow for real: bytes a guest wrote on site-a are, once the operation
// completes, in a recovery point on site-b's array.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { arrayVolumeName } from '../../src/engine/workflows/index.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());
const engine = t.engine('engine-1');

async function run(id: string): Promise<void> {
  await engine.tryRun(id);
  const done = await t.ops.get(id);
  assert.equal(done?.status, 'completed', done?.error ?? '');
}

test('sync replicates now: the recovery point on site-b holds what the guest wrote before it', async () => {
  const { pg, op } = await t.acceptPg({ name: 'synced' });
  await run(op.id);
  const { serverId, volumeId } = await t.bootServer('web-1', 'replicated-async');
  await run((await t.newOp((await t.pgs.get(pg.id))!, 'member_add', { server_id: serverId, boot_order: 0 })).id);

  const data = Buffer.from(`written before sync at ${Date.now()}`);
  const w = await fetch(`${t.a.url('sim')}/sim/servers/${serverId}/write`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ offset: 4096, data: data.toString('base64') }),
  });
  assert.equal(w.status, 200, await w.text());

  const sync = await t.newOp((await t.pgs.get(pg.id))!, 'replicate');
  await run(sync.id);
  const steps = await t.ops.steps(sync.id);
  assert.deepEqual(steps.map((s) => [s.name, s.status]), [['snapshot_and_replicate', 'completed'], ['wait_for_transfer', 'completed']]);
  const rp = steps[0]!.detail.recovery_point as string;
  assert.match(rp, /^site-a-array:protector-.*\.sync-/);
  const copy = t.b.arrays.readSnapshot('site-b-array', `${rp}.${arrayVolumeName(volumeId)}`, 4096, data.length);
  assert.equal(copy.toString(), data.toString());
  // The recovery point lists the member's volume, and nothing else.
  const points = await t.storage.listRecoveryPoints((await t.pgs.get(pg.id))!.resources.array!);
  assert.deepEqual(points.find((p) => p.name === rp)?.volumes, [arrayVolumeName(volumeId)]);
});
