// Commit or roll back after a point-in-time failover (issue [11]): the workload comes up on
// site-b from an older recovery point and the PG waits awaiting_commit; a rollback (by the user
// or at the deadline) leaves both sites as before, inventory compared; a commit reverses the
// replication and finishes the failover.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ProtectionGroup } from '../../src/db/protection-groups.js';
import type { OperationRecord } from '../../src/engine/index.js';
import { decideCommit } from '../../src/engine/workflows/recovery/commit-window.js';
import { expectStatus, guestRead, guestWrite, protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());
const b = t.atB;

function inventory(which: 'a' | 'b') {
  const site = which === 'a' ? t.a : t.b;
  return {
    servers: site.nova.servers.list().map((s) => `${s.id}:${s.vm_state}`).sort(),
    ports: site.neutron.ports.list().map((p) => p.id).sort(),
    volumes: site.cinder.listVolumes().map((v) => v.id).sort(),
    array_volumes: site.arrays.listVolumes(`site-${which}-array`).map((v) => v.name).sort(),
  };
}

const until = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
  const end = Date.now() + 120_000;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const ended = (id: string) => async () => ['completed', 'failed', 'partial', 'rolled_back', 'cancelled'].includes((await b.ops.get(id))!.status);

const { pg, servers } = await protectedPg(t, { name: 'pit', servers: { 'pit-1': 0 } });
const server = servers[0]!;
await guestWrite(t.a, server.serverId, 0, 'clean, before the ransomware');
await runOp(t.atA, pg, 'replicate');
const [clean] = (await b.storage.listRecoveryPoints((await b.pgs.get(pg.id))!.resources.array!)).sort((x, y) => y.createdAt - x.createdAt);
await guestWrite(t.a, server.serverId, 0, 'ENCRYPTED BY RANSOMWARE!!');
await runOp(t.atA, pg, 'replicate');
await t.push(pg.id, 'a');
const engine = b.engine(undefined, { concurrency: 2 });
await engine.start();
after(() => engine.stop(1000));

async function pointInTime(window: { seconds: number; on_deadline?: 'commit' | 'rollback' }): Promise<OperationRecord> {
  const op = await b.newOp((await b.pgs.get(pg.id)) as ProtectionGroup, 'failover', { type: 'planned', recovery_point_id: clean!.name, commit_window: window, boot_timeout_seconds: 60 });
  await until('the commit wait', async () => (await b.ops.steps(op.id)).some((s) => s.name === 'await_commit' && s.status === 'running') || (await ended(op.id)()));
  return op;
}

test('rolled back by the user: the data of the chosen point was up on site-b, then both sites are as before', { timeout: 180_000 }, async () => {
  const before = { a: inventory('a'), b: inventory('b') };
  const op = await pointInTime({ seconds: 600 });
  assert.equal((await b.pgs.get(pg.id))?.status, 'awaiting_commit');
  const up = (await b.pgs.get(pg.id))!.resources.failover!.servers[server.serverId]!;
  assert.equal(await guestRead(t.b, up, 0, 'clean, before the ransomware'.length), 'clean, before the ransomware', 'the chosen point, not the newest');
  const step = (await b.ops.steps(op.id)).find((s) => s.name === 'await_commit')!;
  assert.equal(step.detail.on_deadline, 'commit');
  await decideCommit(b.db, op.id, 'rollback', 'alice', Date.now());
  await assert.rejects(decideCommit(b.db, op.id, 'commit', 'alice', Date.now()), /already decided|not awaiting/);
  await until('the rollback', ended(op.id));
  const done = await expectStatus(b, op, 'rolled_back');
  assert.match(done.error ?? '', /await_commit: rolled back by alice/);
  assert.deepEqual({ a: inventory('a'), b: inventory('b') }, before, 'both sites as before the failover');
  const after_ = (await b.pgs.get(pg.id))!;
  assert.deepEqual([after_.status, after_.current_primary_site_id, after_.resources.array?.sourceArray], ['active', b.siteA.id, 'site-a-array']);
  assert.equal(t.a.nova.getServer(server.serverId)?.vm_state, 'active', 'the source runs again');
});

test('the deadline rolls back by itself when the window says so', { timeout: 180_000 }, async () => {
  await t.push(pg.id, 'b');
  const before = { a: inventory('a'), b: inventory('b') };
  const op = await pointInTime({ seconds: 1, on_deadline: 'rollback' });
  await until('the deadline rollback', ended(op.id));
  const done = await expectStatus(b, op, 'rolled_back');
  assert.match(done.error ?? '', /rolled back at the commit deadline/);
  assert.deepEqual({ a: inventory('a'), b: inventory('b') }, before);
});

test('committed: the failover goes on, replication is reversed, the chosen point is what runs on site-b', { timeout: 180_000 }, async () => {
  await t.push(pg.id, 'b');
  const op = await pointInTime({ seconds: 600 });
  assert.equal((await b.pgs.get(pg.id))?.resources.array?.sourceArray, 'site-a-array', 'nothing reversed while awaiting commit');
  await decideCommit(b.db, op.id, 'commit', 'alice', Date.now());
  await until('the failover', ended(op.id));
  await expectStatus(b, op, 'completed');
  const steps = await b.ops.steps(op.id);
  assert.equal(steps.find((s) => s.name === 'await_commit')?.detail.by, 'alice');
  const pgB = (await b.pgs.get(pg.id))!;
  assert.deepEqual([pgB.status, pgB.current_primary_site_id, pgB.resources.array?.sourceArray], ['failed_over', b.siteB.id, 'site-b-array']);
  const up = t.b.nova.servers.list().find((s) => s.name === server.name)!;
  assert.equal(await guestRead(t.b, up.id, 0, 'clean, before the ransomware'.length), 'clean, before the ransomware');
});
