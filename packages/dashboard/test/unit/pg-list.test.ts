// The PG table's server side against fake sites with network latency: 200 PGs answer well within
// a second (one list per site, per-PG reads in parallel, bounded); either site down, the rows come
// from the other and say UNREACHABLE; the copy shown is the one where the PG last changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pgList } from '../../src/server/pg-list.js';
import { fakeSite, pgCopy } from './fake-sites.js';

test('200 PGs with 20 ms a call: rows with members and lag in well under a second, at most 16 per-PG reads at once per site', async () => {
  const pgs = Array.from({ length: 200 }, (_, i) => pgCopy(i));
  const a = fakeSite('site-a', { selfId: 'a-self', pgs, latencyMs: 20 });
  const b = fakeSite('site-b', { selfId: 'b-self', pgs: pgs.map((p) => ({ ...p, current_primary_site_id: 'b-peer' })), latencyMs: 20 });
  const t0 = performance.now();
  const v = await pgList([a.pair, b.pair]);
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `answered in ${Math.round(ms)} ms`);
  assert.equal(v.protection_groups.length, 200);
  const r = v.protection_groups[7]!;
  assert.deepEqual([r.name, r.status, r.sync, r.active_site, r.members, r.recovery_point?.lag_seconds, r.recovery_point?.rpo_compliant, r.read_from], ['pg-007', 'active', 'IN SYNC', 'site-a', 2, 120, true, 'site-a']);
  // One list and one health call per site at most; sync-status once to learn site-a's own id.
  assert.equal(a.calls.filter((c) => c === 'pg.list').length, 1);
  assert.equal(a.calls.filter((c) => c === 'health').length, 1);
  assert.equal(b.calls.filter((c) => c === 'health').length, 0, "site-b's health is not asked while site-a answers");
  assert.equal(a.calls.filter((c) => c.startsWith('members.list')).length, 200);
  assert.ok(a.peak() <= 16 + 2, `peak ${a.peak()} calls in flight`);
  assert.deepEqual(v.problems, []);
});

test('site-a down: the rows come from site-b, marked UNREACHABLE, with the site running each PG from site-b’s own id', async () => {
  const pgs = [pgCopy(1), pgCopy(2, { current_primary_site_id: 'b-self', status: 'failed_over' })];
  const a = fakeSite('site-a', { selfId: 'a-self', pgs, down: true });
  const b = fakeSite('site-b', { selfId: 'b-self', pgs });
  const v = await pgList([a.pair, b.pair]);
  assert.deepEqual(
    v.protection_groups.map((r) => [r.name, r.sync, r.active_site, r.read_from, r.members]),
    [
      ['pg-001', 'UNREACHABLE', 'site-a', 'site-b', 2],
      ['pg-002', 'UNREACHABLE', 'site-b', 'site-b', 2],
    ],
  );
  assert.deepEqual(v.sites.map((s) => [s.name, s.reachable]), [['site-a', false], ['site-b', true]]);
  assert.match(v.sites[0]!.error ?? '', /unreachable: connection refused/);
  // The health came from site-b once site-a did not answer.
  assert.equal(v.protection_groups[0]!.recovery_point?.lag_seconds, 120);
});

test('site-b down, or not logged in: rows from site-a, UNREACHABLE; neither answering is a 502 naming both', async () => {
  const pgs = [pgCopy(1)];
  const a = fakeSite('site-a', { selfId: 'a-self', pgs });
  const v = await pgList([a.pair, { name: 'site-b', handle: null }]);
  assert.deepEqual(v.protection_groups.map((r) => [r.sync, r.active_site]), [['UNREACHABLE', 'site-a']]);
  assert.deepEqual(v.sites[1], { name: 'site-b', logged_in: false, reachable: false, error: 'not logged in' });
  const gone = fakeSite('site-a', { selfId: 'a-self', pgs, down: true });
  await assert.rejects(pgList([gone.pair, { name: 'site-b', handle: null }]), (err: Error & { status?: number }) => err.status === 502 && /no site answers: site-a: .*; site-b: not logged in/.test(err.message));
});

test('the copy shown is where the PG last changed: an operation on site-b, or its newer version; versions apart are OUT OF SYNC', async () => {
  const a = fakeSite('site-a', { selfId: 'a-self', pgs: [pgCopy(1), pgCopy(2), pgCopy(3)] });
  const b = fakeSite('site-b', {
    selfId: 'b-self',
    pgs: [
      pgCopy(1, { status: 'testing', active_operation_id: 'op-7', current_primary_site_id: 'b-peer' }),
      pgCopy(2, { status: 'test_failed_over', metadata_version: 4, sync_state: 'out_of_sync', current_primary_site_id: 'b-peer' }),
      pgCopy(3, { current_primary_site_id: 'b-peer' }),
    ],
  });
  const v = await pgList([a.pair, b.pair]);
  assert.deepEqual(
    v.protection_groups.map((r) => [r.status, r.read_from, r.active_operation, r.sync, r.drill_up, r.active_site]),
    [
      ['testing', 'site-b', { site: 'site-b', id: 'op-7' }, 'IN SYNC', false, 'site-a'],
      ['test_failed_over', 'site-b', null, 'OUT OF SYNC', true, 'site-a'],
      ['active', 'site-a', null, 'IN SYNC', false, 'site-a'],
    ],
  );
});

test('members or health that cannot be read leave the row’s field null and say why', async () => {
  const a = fakeSite('site-a', { selfId: 'a-self', pgs: [pgCopy(1)], extra: { members: { list: async () => { throw new Error('503 database unavailable'); } }, health: { get: async () => { throw new Error('The arrays could not be asked'); } } } });
  const v = await pgList([a.pair, { name: 'site-b', handle: null }]);
  assert.equal(v.protection_groups[0]!.members, null);
  assert.equal(v.protection_groups[0]!.recovery_point, null);
  assert.deepEqual(v.problems, ['members of pg-001 on site-a: 503 database unavailable', 'recovery points and lag unknown: health on site-a: The arrays could not be asked']);
});
