// Site failover (issue [11], DESIGN §6): with site-a down, an SRE with the dr_site_admin role
// posts one request to site-b's protector-api; every protection group whose workload ran on
// site-a, in two projects, is failed over (unplanned) as one generated plan run whose tiers
// follow the tenants' own recovery plans, and its servers run on site-b.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { protectedPg } from '../helpers/dr.js';
import { startSiteApis } from '../helpers/two-site-apis.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
const apis = await startSiteApis(t, 'site-failover-pairing-secret-0123456789abcdefghij');
after(async () => {
  await apis.a.close();
  await apis.b.close();
  await t.close();
});
const b = t.atB;

type Op = { id: string; type: string; status: string; project_id: string; protection_group_id: string | null; params: Record<string, unknown> };
type Err = { error: { message: string } };

test('site-a lost: one request on site-b brings up every PG of two projects there, in the tiers the tenants planned', { timeout: 300_000 }, async () => {
  const db = await protectedPg(t, { name: 'sf-db', servers: { 'sf-db-1': 0 } });
  const app = await protectedPg(t, { name: 'sf-app', servers: { 'sf-app-1': 0 } });
  const other = await protectedPg(t, { name: 'sf-b', servers: { 'sf-b-1': 0 }, tenant: 'mallory' });
  const demo = apis.b.project('demo');
  const plan = await apis.b.call('POST', `/v1/${demo}/recovery-plans`, { token: await apis.b.token('alice'), body: { recovery_plan: { name: 'demo-order', tiers: [{ name: 'db', protection_groups: [db.pg.id] }, { name: 'app', protection_groups: [app.pg.id] }] } } });
  assert.equal(plan.status, 201, plan.text);
  await t.a.faults.set('all', { down: true });
  try {
    const body = { lost_site: 'site-a', boot_timeout_seconds: 60 };
    for (const user of ['alice', 'mallory'] as const) {
      const refused = await apis.b.call<Err>('POST', '/v1/admin/site-failover', { token: await apis.b.token(user), body });
      assert.equal(refused.status, 403, `${user} is no site admin`);
    }
    const bad = await apis.b.call<Err>('POST', '/v1/admin/site-failover', { token: await apis.b.token('sre'), body: { lost_site: 'site-b' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /lost_site.*this site/);

    const r = await apis.b.call<{ operation: Op; children: Op[] }>('POST', '/v1/admin/site-failover', { token: await apis.b.token('sre'), body });
    assert.equal(r.status, 202, r.text);
    const run = r.body.operation;
    assert.equal(run.type, 'plan_run');
    assert.deepEqual(run.params.tiers, [
      { name: 'tier-1', protection_groups: [db.pg.id] },
      { name: 'tier-2', protection_groups: [app.pg.id] },
      { name: 'others', protection_groups: [other.pg.id] },
    ]);
    assert.deepEqual(r.body.children.map((c) => [c.type, c.protection_group_id, c.project_id]), [
      ['failover', db.pg.id, demo],
      ['failover', app.pg.id, demo],
      ['failover', other.pg.id, apis.b.project('tenant-b')],
    ]);

    const engine = b.engine(undefined, { concurrency: 4 });
    await engine.start();
    const end = Date.now() + 240_000;
    while (!['completed', 'partial', 'failed', 'cancelled'].includes((await b.ops.get(run.id))!.status) && Date.now() < end) await new Promise((res) => setTimeout(res, 200));
    const done = (await b.ops.get(run.id))!;
    assert.equal(done.status, 'completed', `${done.error ?? ''} ${JSON.stringify(await b.ops.steps(run.id))}`);
    for (const x of [db, app, other]) {
      const pg = (await b.pgs.get(x.pg.id))!;
      assert.deepEqual([pg.status, pg.current_primary_site_id], ['failed_over', b.siteB.id], `${pg.name} runs on site-b`);
      for (const s of x.servers) assert.equal(t.b.nova.servers.list().filter((v) => v.name === s.name && v.vm_state === 'active').length, 1, `${s.name} is up on site-b`);
    }
    const kids = await b.ops.children(run.id);
    const at = (id: string) => kids.find((k) => k.pg_id === id)!;
    assert.ok(at(app.pg.id).started_at! >= at(db.pg.id).finished_at!, 'the app tier after the db tier, as demo planned');
    await engine.stop(1000);
  } finally {
    await t.a.faults.set('all', { down: false });
  }
});
