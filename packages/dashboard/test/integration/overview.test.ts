// The PG table, overview and health through protector-dashboard's server on two real sites: rows
// carry members and the lag against the RPO; with either site's Protector down the rows come from
// the other, marked UNREACHABLE; the overview's lag series is derived from the PG's recovery
// points; operations not yet finished show on the overview; health answers per site.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { protectedPg, runOp } from '../../../protector/test/helpers/dr.js';
import { refreshReplicationState } from '../../../protector/test/helpers/recorded-pgs.js';
import { startCliLab } from '../../../protectorclient/test/helpers/cli-lab.js';
import type { OverviewView } from '../../src/shared/overview.js';
import type { HealthView } from '../../src/shared/health.js';
import type { PgListView } from '../../src/shared/pg-list.js';
import { dashboardOn, logIn } from '../helpers/dashboard-server.js';

const lab = await startCliLab();
const { t } = lab;
const { pg } = await protectedPg(t, { name: 'dash-rpo', servers: { 'rpo-web': 0 } });
// A second recovery point: the series has a drop.
await runOp(t.atA, pg, 'replicate');
await t.push(pg.id, 'a');
// Health answers from the state protector-engine records: one refresh per site, as its refresher does.
for (const at of [t.atA, t.atB]) await refreshReplicationState(at);
const app = dashboardOn(lab, { timeoutMs: 3000 });
const { call, read } = await logIn(app);

test('the PG table: members, the newest recovery point and its lag against the RPO, the site running it, in sync', async () => {
  const v = await read<PgListView>('/api/protection-groups');
  const row = v.protection_groups.find((p) => p.name === 'dash-rpo');
  assert.ok(row, JSON.stringify(v));
  assert.deepEqual([row.status, row.sync, row.active_site, row.members, row.has_array, row.active_operation, row.drill_up], ['active', 'IN SYNC', 'site-a', 1, true, null, false]);
  const h = (await read<HealthView>('/api/health')).sites[0]!.health!.find((x) => x.protection_group_id === pg.id)!;
  assert.ok(row.recovery_point && row.recovery_point.lag_seconds !== null && row.recovery_point.lag_seconds >= 0, JSON.stringify(row.recovery_point));
  assert.equal(row.recovery_point.newest, h.newest_recovery_point);
  assert.equal(row.recovery_point.rpo_minutes, h.rpo_minutes);
  assert.equal(row.recovery_point.rpo_compliant, row.recovery_point.lag_seconds <= h.rpo_minutes * 60);
  assert.deepEqual(v.sites.map((s) => [s.name, s.reachable]), [['site-a', true], ['site-b', true]]);
  assert.deepEqual(v.problems, []);
});

test('health: each site’s own answer for the PG, and its reachability', async () => {
  const v = await read<HealthView>('/api/health');
  assert.deepEqual(v.sites.map((s) => [s.name, s.reachable, s.error]), [['site-a', true, null], ['site-b', true, null]]);
  for (const s of v.sites) {
    const h = s.health!.find((x) => x.protection_group_id === pg.id);
    assert.ok(h, `${s.name} reports dash-rpo`);
    assert.equal(h.link, 'connected');
    assert.ok(h.newest_recovery_point);
  }
});

test('the overview: the lag series is the sawtooth of the recovery points; readiness in the API’s words; unfinished operations of both sites', async () => {
  const pendingA = await t.atA.newOp(pg, 'replicate');
  const pendingB = await t.atB.newOp((await t.atB.pgs.get(pg.id))!, 'replicate');
  try {
    const o = await read<OverviewView>('/api/overview?hours=2');
    const rpo = o.rpo.rows.find((r) => r.id === pg.id);
    assert.ok(rpo, JSON.stringify(o.rpo));
    const points = (await lab.t.atA.storage.listRecoveryPoints(pg.resources.array!)).sort((a, b) => a.createdAt - b.createdAt);
    assert.ok(points.length >= 2, `${points.length} recovery points`);
    // Every drop in the series happens when a recovery point finished transferring, down to its age then.
    const drops = rpo.series.filter((p, i) => i > 0 && p.t === rpo.series[i - 1]!.t);
    assert.ok(drops.length >= 1, JSON.stringify(rpo.series));
    for (const d of drops) {
      const at = Date.parse(d.t);
      const point = points.find((p) => Math.abs(p.completedAt - at) < 1000);
      assert.ok(point, `a recovery point completed at ${d.t}`);
      // The API gives its times to the second, the array model to the millisecond: one second apart at most.
      const expected = Math.round((at - point.createdAt) / 1000);
      assert.ok(Math.abs(d.lag_seconds - expected) <= 1, `lag ${d.lag_seconds} s at ${d.t}, expected ${expected} s`);
    }
    // The series ends now, with the lag the API's health reports (seconds apart at most).
    const last = rpo.series[rpo.series.length - 1]!;
    assert.equal(last.t, o.rpo.to);
    assert.ok(rpo.lag_seconds !== null && Math.abs(last.lag_seconds - rpo.lag_seconds) <= 3, `${last.lag_seconds} vs ${rpo.lag_seconds}`);
    const ready = o.readiness.rows.find((r) => r.id === pg.id)!;
    assert.equal(ready.failover_ready, ready.reasons.length === 0);
    assert.ok(o.readiness.ready + o.readiness.not_ready === o.readiness.rows.length);
    const ops = o.operations.map((x) => [x.site, x.id, x.type, x.status, x.protection_group]);
    assert.deepEqual(ops.filter((x) => x[1] === pendingA.id || x[1] === pendingB.id).sort(), [
      ['site-a', pendingA.id, 'replicate', 'pending', 'dash-rpo'],
      ['site-b', pendingB.id, 'replicate', 'pending', 'dash-rpo'],
    ].sort());
    const bad = await call('GET', '/api/overview?hours=0');
    assert.deepEqual([bad.statusCode, bad.json()], [400, { error: { code: 'bad_request', message: "'hours': must be a whole number of hours from 1 to 168" } }]);
  } finally {
    // No engine runs in this file: the API cancels what none has started, and the PG is free again.
    assert.equal((await lab.protector(['operation', 'cancel', pendingA.id])).code, 0);
    assert.equal((await lab.protector(['operation', 'cancel', pendingB.id], { from: 'b' })).code, 0);
  }
});

test('either site’s Protector down: the rows come from the other, marked UNREACHABLE, with members and lag', async () => {
  for (const which of ['a', 'b'] as const) {
    await lab.api[which].stop();
    try {
      const v = await read<PgListView>('/api/protection-groups');
      const row = v.protection_groups.find((p) => p.name === 'dash-rpo');
      assert.ok(row, `${which} down: ${JSON.stringify(v)}`);
      const other = which === 'a' ? 'site-b' : 'site-a';
      assert.deepEqual([row.sync, row.read_from, row.active_site, row.members], ['UNREACHABLE', other, 'site-a', 1]);
      assert.ok(row.recovery_point?.lag_seconds !== null && row.recovery_point?.lag_seconds !== undefined);
      assert.deepEqual(v.sites.map((s) => s.reachable), which === 'a' ? [false, true] : [true, false]);
      const o = await read<OverviewView>('/api/overview');
      assert.ok(o.rpo.rows.some((r) => r.id === pg.id), 'the overview answers from the other site too');
      const h = await read<HealthView>('/api/health');
      assert.equal(h.sites[which === 'a' ? 0 : 1]!.reachable, false);
    } finally {
      await lab.api[which].start();
    }
  }
});
