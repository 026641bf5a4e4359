// The PG table's row-action rules: each action enabled exactly in the states the engine's
// pre-checks and the Coordinator allow, and otherwise disabled with the reason in their words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SiteReach } from '../../../src/shared/api';
import type { PgRow } from '../../../src/shared/pg-list';
import { down, row, up } from './fixtures';
import { pgActions, type PgActionId } from '../../../web/src/domain/pg-actions';

const downSite = down;
const BOTH = [up('site-a'), up('site-b')];

const reasons = (r: PgRow, sites: SiteReach[] = BOTH): Record<PgActionId, string | null> => Object.fromEntries(pgActions(r, sites).map((a) => [a.id, a.disabled])) as Record<PgActionId, string | null>;
const enabled = (r: PgRow, sites: SiteReach[] = BOTH): PgActionId[] => pgActions(r, sites).filter((a) => a.disabled === null).map((a) => a.id);

test('an active PG on two answering sites: drill, planned failover, sync now, edit and delete; the rest say why not', () => {
  assert.deepEqual(enabled(row()), ['test-failover', 'failover', 'sync-now', 'edit', 'delete']);
  const r = reasons(row());
  assert.equal(r['test-cleanup'], 'protection group app is active; test_cleanup needs it test_failed_over or testing');
  assert.equal(r.failback, 'protection group app is active; failback needs it failed_over');
  assert.equal(r['unplanned-failover'], 'site-a (running the workload) answers: use a planned failover, which loses no data; an unplanned failover is for when it is down');
});

test('every action has one line saying what it does, naming the sites involved', () => {
  const actions = pgActions(row(), BOTH);
  assert.deepEqual(actions.map((a) => a.title), ['Drill', 'Clean up drill', 'Planned failover', 'Unplanned failover', 'Failback', 'Sync now', 'Edit', 'Delete']);
  for (const a of actions) assert.ok(a.description.length > 10 && !a.description.includes('\n'), a.id);
  assert.match(actions.find((a) => a.id === 'failover')!.description, /Move the workload to site-b: stop it on site-a/);
  assert.match(actions.find((a) => a.id === 'test-failover')!.description, /boot copies on site-b/);
  assert.deepEqual(
    actions.map((a) => a.to),
    ['/protection-groups/pg-1/dr?action=test-failover', '/protection-groups/pg-1/dr?action=test-cleanup', '/protection-groups/pg-1/dr?action=failover', '/protection-groups/pg-1/dr?action=unplanned-failover', '/protection-groups/pg-1/dr?action=failback', null, '/protection-groups/pg-1/edit', null],
  );
});

test('a drill that is up: only clean up (and sync-less reads); delete waits for the cleanup', () => {
  const r = row({ status: 'test_failed_over', drill_up: true });
  assert.deepEqual(enabled(r), ['test-cleanup', 'edit']);
  const why = reasons(r);
  assert.equal(why['test-failover'], 'protection group app is test_failed_over; test_failover needs it active or failed_over');
  assert.equal(why.delete, 'a drill is up on protection group app: clean it up first');
  assert.equal(why['sync-now'], 'protection group app is test_failed_over; sync needs it active or failed_over');
});

test('failed over: failback and a drill of the way back; no planned failover', () => {
  const r = row({ status: 'failed_over', active_site: 'site-b' });
  assert.deepEqual(enabled(r), ['test-failover', 'failback', 'sync-now', 'edit', 'delete']);
  assert.match(pgActions(r, BOTH).find((a) => a.id === 'failback')!.description, /^Back to site-a/);
  assert.equal(reasons(r).failover, 'protection group app is failed_over; planned_failover needs it active');
});

test('the site running the workload is down: unplanned failover is offered, everything needing both sites says why', () => {
  const sites = [downSite('site-a'), up('site-b')];
  const r = row({ sync: 'UNREACHABLE', read_from: 'site-b' });
  assert.deepEqual(enabled(r, sites), ['unplanned-failover', 'sync-now']);
  const why = reasons(r, sites);
  assert.equal(why.failover, 'site site-a (the current primary) does not answer: a planned failover needs both sites, an unplanned failover does not');
  assert.equal(why['test-failover'], 'this needs both sites: site-a does not answer');
  assert.equal(why.delete, 'this needs both sites: site-a does not answer');
  assert.equal(why.edit, 'this needs both sites: site-a does not answer');
  assert.match(pgActions(r, sites).find((a) => a.id === 'unplanned-failover')!.description, /^site-a is lost: start the workload on site-b from the newest recovery point/);
});

test('the other site is down: no unplanned failover (it would run there), no planned one either', () => {
  const sites = [up('site-a'), downSite('site-b')];
  const why = reasons(row({ sync: 'UNREACHABLE' }), sites);
  assert.equal(why['unplanned-failover'], 'site-b does not answer: it is the site that would bring the workload up');
  assert.equal(why.failover, 'this needs both sites: site-b does not answer');
  assert.equal(why['sync-now'], null, 'replication is asked of the site that answers');
});

test('a site not logged in counts as not answering, in those words', () => {
  const sites = [up('site-a'), { name: 'site-b', logged_in: false, reachable: false, error: 'not logged in' }];
  assert.equal(reasons(row({ sync: 'UNREACHABLE' }), sites).failover, 'this needs both sites: not logged in to site-b');
});

test('an operation holding the PG disables every action, naming it and its site', () => {
  const r = row({ status: 'testing', active_operation: { site: 'site-b', id: 'op-9' } });
  assert.deepEqual(enabled(r), []);
  for (const why of Object.values(reasons(r))) assert.equal(why, 'operation op-9 is already running on protection group app (on site-b)');
});

test('out of sync: DR actions, edit and delete wait for a sync; unplanned failover does not need it', () => {
  const r = row({ sync: 'OUT OF SYNC', metadata_version: 7 });
  const why = reasons(r);
  for (const id of ['test-failover', 'failover', 'edit', 'delete'] as const) assert.equal(why[id], 'protection group app metadata version 7 is out of sync with the peer site; sync it first', id);
  assert.equal(reasons(r, [downSite('site-a'), up('site-b')])['unplanned-failover'], null);
});

test('a failover that stopped half-way can be run again unplanned while both answer', () => {
  const r = row({ status: 'failed_over_partial' });
  assert.equal(reasons(r)['unplanned-failover'], null);
  assert.equal(reasons(row({ status: 'failing_over' }))['unplanned-failover'], null);
  assert.equal(reasons(r).failover, 'protection group app is failed_over_partial; planned_failover needs it active');
});

test('creating, deleting and error states', () => {
  assert.equal(reasons(row({ status: 'creating', has_array: false }))['sync-now'], 'protection group app is creating; sync needs it active or failed_over');
  assert.equal(reasons(row({ has_array: false }))['sync-now'], 'protection group app has no array construct yet; wait for its creation to finish');
  const deleting = reasons(row({ status: 'deleting' }));
  assert.equal(deleting.delete, 'protection group app is already being deleted');
  assert.equal(deleting.edit, 'protection group app is being deleted');
  assert.deepEqual(enabled(row({ status: 'error' })), ['edit', 'delete']);
});

test('which site runs the workload unknown: unplanned failover says so', () => {
  assert.equal(reasons(row({ active_site: null }))['unplanned-failover'], 'the site that would bring the workload up is not known');
});
