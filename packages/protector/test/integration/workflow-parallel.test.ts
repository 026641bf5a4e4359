// A failover's volumes, ports and servers are brought up at once, within the engine's per-site
// limits, and boot tiers keep their meaning: proven by the limits' own peaks, by the target
// cloud's timestamps and by data read back inside the VMs.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SiteLimits } from '../../src/engine/index.js';
import { guestRead, guestWrite, protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());

test('planned failover of 6 + 2 servers: a tier at once within the Nova limit, volumes and ports at once, tiers in order, data intact', { timeout: 180_000 }, async () => {
  const tier0 = ['w-1', 'w-2', 'w-3', 'w-4', 'w-5', 'w-6'];
  const { pg, servers } = await protectedPg(t, { name: 'parallel', servers: { ...Object.fromEntries(tier0.map((n) => [n, 0])), 'late-1': 1, 'late-2': 1 } });
  for (const s of servers) await guestWrite(t.a, s.serverId, 0, `written on ${s.name}`);
  const limits = new SiteLimits({ nova: 3, cinder: 8, neutron: 8, array: 1 });
  t.atB.deps.limits = limits;
  try {
    const op = await runOp(t.atB, pg, 'failover', { type: 'planned' });
    const b = t.atB.siteB.id;
    const peak = (service: string) => limits.peak.get(`${b}|${service}`) ?? 0;
    assert.equal(peak('nova'), 3, 'servers were booted three at a time, never more');
    assert.ok(peak('cinder') >= 4, `volumes were managed at once (peak ${peak('cinder')})`);
    assert.ok(peak('neutron') >= 4, `ports were created at once (peak ${peak('neutron')})`);
    assert.equal(peak('array'), 1);

    const members = await t.atB.pgs.members(pg.id);
    const launched = (name: string) => {
      const m = members.find((x) => x.name === name);
      assert.ok(m, `member ${name} on site-b`);
      const s = t.b.nova.getServer(m.server_id);
      assert.ok(s?.launched_ms, `${name} was launched on site-b`);
      return { created: s.created_ms, launched: s.launched_ms };
    };
    const lastOfTier0 = Math.max(...tier0.map((n) => launched(n).launched));
    for (const n of ['late-1', 'late-2']) assert.ok(launched(n).created >= lastOfTier0, `${n} (tier 1) was created only after every tier-0 server was ACTIVE`);

    const boot = (await t.atB.ops.steps(op.id)).find((s) => s.name === 'boot_servers');
    assert.equal((boot?.detail.booted as unknown[]).length, 8);
    for (const s of servers) {
      const m = members.find((x) => x.name === s.name)!;
      assert.equal(await guestRead(t.b, m.server_id, 0, `written on ${s.name}`.length), `written on ${s.name}`);
    }
  } finally {
    delete t.atB.deps.limits;
  }
});
