// A plan's commit policy through the CLI: `plan create --commit-window`, a point_in_time run
// followed with --wait that says what to run once every tier is up, `operation rollback RUN`
// from a second shell rolling the whole run back (exit 3 for the run), then a run whose own
// short window commits at its deadline (exit 0, both PGs on site-b).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { guestWrite, protectedPg, runOp } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../helpers/cli-lab.js';

const lab = await startCliLab();
after(() => lab.close());
const { t } = lab;
const groups = [await protectedPg(t, { name: 'pcc-db', servers: { 'pcc-db-1': 0 } }), await protectedPg(t, { name: 'pcc-web', servers: { 'pcc-web-1': 0 } })];
for (const g of groups) {
  await guestWrite(t.a, g.servers[0]!.serverId, 0, 'clean');
  await runOp(t.atA, g.pg, 'replicate');
  await t.push(g.pg.id, 'a');
}
const before = new Date().toISOString();
lab.startEngines();

/** The plan run on site-b once it waits for the decision. */
async function awaiting(): Promise<string> {
  const end = Date.now() + 90_000;
  for (;;) {
    const row = await t.atB.db.selectFrom('operations').select('id').where('type', '=', 'plan_run').where('status', '=', 'running').executeTakeFirst();
    if (row && (await t.atB.ops.steps(row.id)).some((x) => x.name === 'await_commit' && x.status === 'running')) return row.id;
    assert.ok(Date.now() < end, 'the run reaches its commit window');
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a point_in_time run rolled back as a whole from a second shell, then one committed at its deadline', { timeout: 300_000 }, async () => {
  const made = await lab.protector(['plan', 'create', 'ransomware', '--tier', 'db=pcc-db', '--tier', 'web=pcc-web', '--commit-window', '600']);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /commit_window\s*\|\s*600 s, then commit \(planned and point_in_time runs\)/);
  const usage = await lab.protector(['plan', 'run', 'ransomware', '--mode', 'point_in_time', '--before', before, '--on-deadline', 'rollback']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--on-deadline needs --commit-window/);

  const first = lab.protector(['plan', 'run', 'ransomware', '--mode', 'point_in_time', '--before', before, '--wait']);
  const run = await awaiting();
  for (const g of groups) assert.equal((await t.atB.pgs.get(g.pg.id))?.status, 'awaiting_commit');
  const rb = await lab.protector(['operation', 'rollback', run, '--wait'], { from: 'b' });
  assert.equal(rb.code, 0, rb.stderr);
  const f1 = await first;
  assert.equal(f1.code, 3, 'the run ended rolled_back');
  assert.match(f1.stderr, /tier db \(1\/2\) up, awaiting the run's commit/);
  assert.match(f1.stderr, new RegExp(`pcc-db, pcc-web up, awaiting a commit of the whole run: run 'protector operation commit ${run}' or 'protector operation rollback ${run}'; at \\S+ it will commit`));
  assert.match(f1.stderr, /rolled back by /);
  for (const g of groups) assert.deepEqual([(await t.atB.pgs.get(g.pg.id))?.status, (await t.atB.pgs.get(g.pg.id))?.current_primary_site_id], ['active', t.atB.siteA.id]);

  const second = await lab.protector(['plan', 'run', 'ransomware', '--mode', 'point_in_time', '--before', before, '--commit-window', '1', '--wait', '-f', 'json']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /committed at the commit deadline/);
  for (const g of groups) {
    const pg = (await t.atB.pgs.get(g.pg.id))!;
    assert.deepEqual([pg.status, pg.resources.array?.sourceArray], ['failed_over', 'site-b-array']);
  }
});
