// `protector site failover LOST-SITE` (issue [11]): with site-a down, an SRE with the
// dr_site_admin role fails over every protection group of two projects from site-b with one
// command; a tenant may not; a dry run lists the findings per PG.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../helpers/cli-lab.js';

const lab = await startCliLab();
after(() => lab.close());
const { t } = lab;
const demo = await protectedPg(t, { name: 'sfc-demo', servers: { 'sfc-1': 0 } });
const other = await protectedPg(t, { name: 'sfc-other', servers: { 'sfc-2': 0 }, tenant: 'mallory' });
lab.startEngines();

type Row = { 'Protection group': string; Project: string; Operation: string; Status: string; Error: string | null };

test('site-a down: one command on site-b brings up the PGs of both projects; a tenant is refused', { timeout: 240_000 }, async () => {
  await t.a.faults.set('all', { down: true });
  try {
    const tenant = await lab.protector(['site', 'failover', 'site-a'], { from: 'b' });
    assert.notEqual(tenant.code, 0);
    assert.match(tenant.stderr, /protector:site:failover/);
    const dry = await lab.protector(['site', 'failover', 'site-a', '--dry-run', '-f', 'json'], { from: 'b', as: 'sre' });
    assert.equal(dry.code, 0, dry.stderr);
    const r = await lab.protector(['site', 'failover', 'site-a', '--boot-timeout', '60', '--wait', '-f', 'json'], { from: 'b', as: 'sre' });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stderr, /site failover of site-a: operation [0-9a-f-]+, 2 protection group\(s\) in 1 tier\(s\) \(others: 2\)/);
    assert.match(r.stderr, /plan site failover of site-a: tier others \(1\/1\) up/);
    const rows = JSON.parse(r.stdout) as Row[];
    assert.deepEqual(rows.map((x) => [x['Protection group'], x.Status]).sort(), [[demo.pg.id, 'completed'], [other.pg.id, 'completed']].sort());
    assert.equal(new Set(rows.map((x) => x.Project)).size, 2, 'two projects');
    for (const x of [demo, other]) {
      assert.equal((await t.atB.pgs.get(x.pg.id))?.status, 'failed_over');
      for (const s of x.servers) assert.equal(t.b.nova.servers.list().filter((v) => v.name === s.name && v.vm_state === 'active').length, 1, `${s.name} up on site-b`);
    }
  } finally {
    await t.a.faults.set('all', { down: false });
  }
});
