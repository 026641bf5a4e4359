// The PG table page: each state in words and colour, row actions that say what they do and why
// they are disabled (a site down offers the unplanned failover), filters, Sync now and Delete
// followed to their operation (the 200-row benchmark is pg-table-bench.test.tsx).
import './dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { SiteReach } from '../../../src/shared/api';
import type { PgRow } from '../../../src/shared/pg-list';
import { ProtectionGroupsPage } from '../../../web/src/pages/ProtectionGroupsPage';
import { down, row, up } from './fixtures';
import { cleanup, fakeApi, renderPage } from './harness';

afterEach(() => cleanup());

/** The page at /protection-groups; any other path shows where the page went. */
const show = () => renderPage(<ProtectionGroupsPage />, { path: '/protection-groups', route: '/protection-groups' });

const list = (rows: PgRow[], sites: SiteReach[] = [up('site-a'), up('site-b')]) => ({ 'GET /api/protection-groups': () => ({ protection_groups: rows, sites, problems: [] }) });

/** The row's action menu, opened: each item's text and whether it is disabled. */
async function menu(name: string) {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: `Actions for ${name}` }));
  return { user, all: await screen.findAllByRole('menuitem') };
}

const item = (all: HTMLElement[], title: string): HTMLElement => {
  const hit = all.find((i) => (i.textContent ?? '').startsWith(title));
  assert.ok(hit, `no menu item ${title}: ${all.map((i) => i.textContent).join(' | ')}`);
  return hit;
};
const isDisabled = (el: HTMLElement) => el.getAttribute('aria-disabled') === 'true';

test('each column in words: status, replication, active site, sync, last recovery point with lag against the RPO, members; the name links to the PG', async () => {
  fakeApi(list([row(), row({ id: 'pg-2', name: 'db', status: 'failing_over', replication_type: 'sync', active_site: null, sync: 'UNREACHABLE', members: null, recovery_point: { newest: null, transferred_at: null, lag_seconds: null, rpo_minutes: 5, rpo_compliant: false } })]));
  show();
  const link = await screen.findByRole('link', { name: 'app' });
  assert.equal(link.getAttribute('href'), '/protection-groups/pg-1');
  const rows = screen.getAllByRole('row');
  assert.match(rows[1]!.textContent ?? '', /app.*active.*async.*site-a.*IN SYNC.*lag 1 min of 15 min RPO.*compliant.*2/);
  assert.match(rows[2]!.textContent ?? '', /db.*failing_over.*sync.*-.*UNREACHABLE.*none yet\?/);
  assert.equal(screen.getByRole('button', { name: 'Create protection group' }).tagName, 'BUTTON');
});

test('an active PG: Drill goes to its wizard; Clean up drill and Failback are disabled, each saying what it does and why not', async () => {
  fakeApi(list([row()]));
  show();
  const { user, all } = await menu('app');
  const cleanupItem = item(all, 'Clean up drill');
  assert.ok(isDisabled(cleanupItem));
  assert.match(cleanupItem.textContent ?? '', /Remove exactly what the drill created.*Not now: protection group app is active; test_cleanup needs it test_failed_over or testing\./);
  assert.ok(isDisabled(item(all, 'Failback')));
  assert.ok(isDisabled(item(all, 'Unplanned failover')));
  assert.match(item(all, 'Unplanned failover').textContent ?? '', /site-a \(running the workload\) answers: use a planned failover/);
  assert.ok(!isDisabled(item(all, 'Planned failover')));
  await user.click(item(all, 'Drill'));
  assert.equal((await screen.findByTestId('where')).textContent, '/protection-groups/pg-1/dr?action=test-failover');
});

test('clicking a disabled action does nothing', async () => {
  fakeApi(list([row()]));
  show();
  const { user, all } = await menu('app');
  await user.click(item(all, 'Failback'));
  assert.equal(screen.queryByTestId('where'), null);
});

test('the site running the workload is down: Unplanned failover is offered and goes to its wizard; planned failover says why not', async () => {
  fakeApi(list([row({ sync: 'UNREACHABLE', read_from: 'site-b' })], [down('site-a'), up('site-b')]));
  show();
  const { user, all } = await menu('app');
  const planned = item(all, 'Planned failover');
  assert.ok(isDisabled(planned));
  assert.match(planned.textContent ?? '', /site site-a \(the current primary\) does not answer: a planned failover needs both sites, an unplanned failover does not/);
  assert.ok(isDisabled(item(all, 'Drill')));
  const unplanned = item(all, 'Unplanned failover');
  assert.ok(!isDisabled(unplanned));
  assert.match(unplanned.textContent ?? '', /site-a is lost: start the workload on site-b/);
  await user.click(unplanned);
  assert.equal((await screen.findByTestId('where')).textContent, '/protection-groups/pg-1/dr?action=unplanned-failover');
});

test('a drill that is up: Clean up drill goes to its wizard; Delete says to clean up first', async () => {
  fakeApi(list([row({ status: 'test_failed_over', drill_up: true })]));
  show();
  const { user, all } = await menu('app');
  assert.match(item(all, 'Delete').textContent ?? '', /Not now: a drill is up on protection group app: clean it up first/);
  await user.click(item(all, 'Clean up drill'));
  assert.equal((await screen.findByTestId('where')).textContent, '/protection-groups/pg-1/dr?action=test-cleanup');
});

test('filters: by a part of the name, by status, by sync word', async () => {
  fakeApi(list([row(), row({ id: 'pg-2', name: 'db-main', status: 'failed_over', sync: 'OUT OF SYNC' }), row({ id: 'pg-3', name: 'db-logs', sync: 'UNREACHABLE' })]));
  show();
  const user = userEvent.setup();
  await screen.findByRole('link', { name: 'app' });
  const names = () => screen.queryAllByRole('link').map((l) => l.textContent);
  await user.type(screen.getByRole('textbox', { name: 'Filter by name' }), 'DB');
  assert.deepEqual(names(), ['db-main', 'db-logs']);
  await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by sync' }), 'UNREACHABLE');
  assert.deepEqual(names(), ['db-logs']);
  await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by sync' }), '');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by status' }), 'failed_over');
  assert.deepEqual(names(), ['db-main']);
  await user.clear(screen.getByRole('textbox', { name: 'Filter by name' }));
  await user.type(screen.getByRole('textbox', { name: 'Filter by name' }), 'nothing');
  assert.deepEqual(names(), []);
  assert.ok(screen.getByText('No protection group matches the filters.'));
});

test('Sync now posts to the PG and follows the operation on the site that runs it', async () => {
  const calls = fakeApi({ ...list([row()]), 'POST /api/protection-groups/pg-1/sync-now': () => ({ site: 'site-a', operation: { id: 'op-5' } }) });
  show();
  const { user, all } = await menu('app');
  await user.click(item(all, 'Sync now'));
  assert.equal((await screen.findByTestId('where')).textContent, '/operations/site-a/op-5');
  assert.ok(calls.some((c) => c.method === 'POST' && c.path === '/api/protection-groups/pg-1/sync-now'));
});

test('Sync now refused: the page says why and stays', async () => {
  fakeApi({ ...list([row()]), 'POST /api/protection-groups/pg-1/sync-now': () => ({ status: 409, body: { error: { code: 'conflict', message: 'site-a: Protection group pg-1 has no array construct yet' } } }) });
  show();
  const { user, all } = await menu('app');
  await user.click(item(all, 'Sync now'));
  await screen.findByText(/Sync now of app: site-a: Protection group pg-1 has no array construct yet/);
});

test('Delete asks for the name typed, then deletes and follows the operation', async () => {
  const calls = fakeApi({ ...list([row()]), 'DELETE /api/protection-groups/pg-1': () => ({ site: 'site-a', operation: { id: 'op-del' } }) });
  show();
  const { user, all } = await menu('app');
  await user.click(item(all, 'Delete'));
  const dialog = await screen.findByRole('dialog');
  const confirm = within(dialog).getByRole('button', { name: 'Delete' });
  assert.ok((confirm as HTMLButtonElement).disabled, 'disabled until the name is typed');
  await user.type(within(dialog).getByRole('textbox', { name: 'Type app to confirm' }), 'ap');
  assert.ok((confirm as HTMLButtonElement).disabled);
  await user.type(within(dialog).getByRole('textbox', { name: 'Type app to confirm' }), 'p');
  await user.click(confirm);
  assert.equal((await screen.findByTestId('where')).textContent, '/operations/site-a/op-del');
  // The name typed goes with the call: the server refuses a delete without it.
  assert.ok(calls.some((c) => c.method === 'DELETE' && c.path === '/api/protection-groups/pg-1?confirm=app'));
});

test('while an operation holds a row the table re-reads every 2 s; otherwise every 10 s', async () => {
  let reads = 0;
  fakeApi({ 'GET /api/protection-groups': () => { reads++; return { protection_groups: [row({ status: 'testing', active_operation: { site: 'site-b', id: 'op-1' } })], sites: [up('site-a'), up('site-b')], problems: [] }; } });
  show();
  await screen.findByRole('link', { name: 'app' });
  await waitFor(() => assert.ok(reads >= 2, `${reads} reads`), { timeout: 3500, interval: 200 });
});
