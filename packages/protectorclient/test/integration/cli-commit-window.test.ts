// `protector failover PG --recovery-point RP --wait` waits for a commit once the workload is up,
// says what to run; `protector operation rollback|commit` decide from another shell: a rollback
// puts the PG back on site-a (exit 0 for the rollback's own --wait), a commit finishes it.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { guestWrite, protectedPg, runOp } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../helpers/cli-lab.js';

const lab = await startCliLab();
after(() => lab.close());
const { t } = lab;
const db = await protectedPg(t, { name: 'cw-db', servers: { 'cw-1': 0 } });
await guestWrite(t.a, db.servers[0]!.serverId, 0, 'v1');
await runOp(t.atA, db.pg, 'replicate');
await t.push(db.pg.id, 'a');
lab.startEngines();

/** The failover on site-b once it waits for a decision. */
async function awaiting(): Promise<string> {
  const end = Date.now() + 60_000;
  for (;;) {
    const row = await t.atB.db.selectFrom('operations').select('id').where('type', '=', 'failover').where('status', '=', 'running').executeTakeFirst();
    if (row && (await t.atB.ops.steps(row.id)).some((x) => x.name === 'await_commit' && x.status === 'running')) return row.id;
    assert.ok(Date.now() < end, 'the failover reaches its commit window');
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('rolled back, then committed at another point, from a second shell', { timeout: 240_000 }, async () => {
  const points = (await lab.protector(['recovery-point', 'list', 'cw-db', '-f', 'json'])).stdout;
  const [newest, older] = (JSON.parse(points) as { ID: string }[]).map((p) => p.ID);
  assert.ok(newest && older, points);

  const first = lab.protector(['failover', 'cw-db', '--recovery-point', newest, '--wait']);
  const op1 = await awaiting();
  const rb = await lab.protector(['operation', 'rollback', op1, '--wait'], { from: 'b' });
  assert.equal(rb.code, 0, rb.stderr);
  assert.match(rb.stdout, /rolling back operation/);
  const f1 = await first;
  assert.notEqual(f1.code, 0, 'the failover itself ended rolled_back');
  assert.match(f1.stderr, new RegExp(`awaits a commit: run 'protector operation commit ${op1}' or 'protector operation rollback ${op1}'`));
  assert.match(f1.stderr, /await_commit failed .*rolled back by/);
  assert.equal((await t.atB.pgs.get(db.pg.id))?.status, 'active');
  await t.push(db.pg.id, 'b');

  const second = lab.protector(['failover', 'cw-db', '--recovery-point', older, '--commit-window', '300', '--on-deadline', 'rollback', '--wait', '-f', 'json']);
  const op2 = await awaiting();
  assert.equal((await t.atB.ops.get(op2))!.params.commit_window && ((await t.atB.ops.get(op2))!.params.commit_window as { on_deadline: string }).on_deadline, 'rollback');
  const again = await lab.protector(['operation', 'commit', op2], { from: 'b' });
  assert.equal(again.code, 0, again.stderr);
  const f2 = await second;
  assert.equal(f2.code, 0, f2.stderr);
  assert.equal((JSON.parse(f2.stdout) as { status: string }).status, 'completed');
  const pg = (await t.atB.pgs.get(db.pg.id))!;
  assert.deepEqual([pg.status, pg.resources.array?.sourceArray], ['failed_over', 'site-b-array']);
  const late = await lab.protector(['operation', 'rollback', op2], { from: 'b' });
  assert.notEqual(late.code, 0);
  assert.match(late.stderr, /not awaiting a commit/);
});
