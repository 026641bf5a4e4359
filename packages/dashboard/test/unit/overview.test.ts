// The overview's server side against fake sites: readiness worst first in the health's words,
// running operations of both sites with steps done out of all steps, and the RPO rows' series.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overview } from '../../src/server/overview.js';
import { fakeSite, pgCopy } from './fake-sites.js';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (min: number) => new Date(NOW + min * 60_000).toISOString();

const step = (name: string, status: string) => ({ name, status });
const operations = (site: string, ops: { id: string; status: string; pg: string; steps: { name: string; status: string }[] }[]) => ({
  list: async ({ status }: { status: string }) => ops.filter((o) => o.status === status).map((o) => ({ id: o.id, type: 'failover', status: o.status, protection_group_id: o.pg, created_at: iso(-5), started_at: iso(o.id === 'op-new' ? -1 : -4) })),
  get: async (id: string) => {
    const o = ops.find((x) => x.id === id)!;
    return { id, type: 'failover', status: o.status, protection_group_id: o.pg, steps: o.steps, site };
  },
});

test('readiness worst first, operations of both sites with their steps, RPO from the health with the recovery points’ series', async () => {
  const pgs = [pgCopy(1), pgCopy(2, { status: 'error' }), pgCopy(3), pgCopy(4, { status: 'failed_over_partial' })];
  const reasonsOf: Record<string, string[]> = { 'pg-1': [], 'pg-2': ['the protection group is error, not active'], 'pg-3': ['the protection group has no members', 'there is no recovery point on the target array yet'], 'pg-4': ['the protection group is failed_over_partial, not active'] };
  const a = fakeSite('site-a', {
    selfId: 'a-self',
    pgs,
    extra: {
      health: { get: async () => pgs.map((p) => ({ protection_group_id: p.id, name: p.name, status: p.status, replication_type: 'async', link: 'connected', lag_seconds: 90, newest_recovery_point: 'x', last_transfer_at: iso(-1), rpo_minutes: 15, rpo_compliant: true, failover_ready: reasonsOf[p.id]!.length === 0, reasons: reasonsOf[p.id]!, transfer_in_progress: false, checked_at: iso(-1), state_age_seconds: 5, stale: false, state_error: null })) },
      recoveryPoints: { list: async () => [{ created_at: iso(-12), completed_at: iso(-11) }, { created_at: iso(-2), completed_at: iso(-1.5) }] },
      operations: operations('site-a', [{ id: 'op-a', status: 'running', pg: 'pg-1', steps: [step('precheck', 'completed'), step('stop', 'skipped'), step('boot', 'running'), step('swap', 'pending')] }]),
    },
  });
  const b = fakeSite('site-b', { selfId: 'b-self', pgs, extra: { operations: operations('site-b', [{ id: 'op-new', status: 'pending', pg: 'pg-3', steps: [] }]) } });
  const o = await overview([a.pair, b.pair], 1, NOW);
  assert.deepEqual(
    o.readiness.rows.map((r) => [r.name, r.failover_ready, r.reasons.length]),
    [
      ['pg-002', false, 1],
      ['pg-004', false, 1],
      ['pg-003', false, 2],
      ['pg-001', true, 0],
    ],
  );
  assert.deepEqual([o.readiness.ready, o.readiness.not_ready], [1, 3]);
  assert.deepEqual(
    o.operations.map((x) => [x.site, x.id, x.status, x.protection_group, x.steps_done, x.steps_total, x.current_step]),
    [
      ['site-b', 'op-new', 'pending', 'pg-003', 0, 0, null],
      ['site-a', 'op-a', 'running', 'pg-001', 2, 4, 'boot'],
    ],
  );
  const rpo = o.rpo.rows.find((r) => r.id === 'pg-1')!;
  assert.deepEqual([rpo.lag_seconds, rpo.compliant, rpo.rpo_minutes], [90, true, 15]);
  assert.deepEqual(rpo.series.map((p) => [p.t, p.lag_seconds]), [
    [iso(-11), 60],
    [iso(-1.5), 630],
    [iso(-1.5), 30],
    [iso(0), 120],
  ]);
  assert.deepEqual(o.problems, []);
});
