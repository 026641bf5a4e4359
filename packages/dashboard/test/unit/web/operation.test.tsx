import './dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, test } from 'node:test';
import type { OperationView } from '../../../src/shared/operations';
import { OperationPage } from '../../../web/src/pages/OperationPage';
import { OperationsPage } from '../../../web/src/pages/OperationsPage';
import { cleanup, fakeApi, renderPage } from './harness';

afterEach(() => cleanup());

const step = (seq: number, name: string, status: string, error: string | null = null) => ({ seq, name, status: status as 'completed', started_at: '2026-01-02T10:00:00.000000', finished_at: null, duration_ms: status === 'completed' ? 1500 : null, detail: {}, error });
function view(status: string, over: Partial<OperationView> = {}): OperationView {
  const ended = ['completed', 'failed'].includes(status);
  return {
    site: 'site-b',
    operation: {
      id: 'op-1', project_id: 'p', protection_group_id: 'pg-1', parent_id: null, type: 'test_failover', status: status as never, progress: ended ? 100 : 40, params: {}, result: {},
      error: status === 'failed' ? 'boot_servers: web did not become ACTIVE' : null, request_id: 'r', user_id: 'u',
      created_at: '2026-01-02T09:59:57.000000', started_at: '2026-01-02T10:00:00.000000', finished_at: ended ? '2026-01-02T10:00:12.000000' : null, updated_at: '2026-01-02T10:00:00.000000',
      steps: [step(0, 'precheck', 'completed'), step(1, 'boot_servers', ended ? status : 'running', status === 'failed' ? 'web did not become ACTIVE' : null)],
      children: [],
      queued_seconds: 3,
      rto_seconds: 12,
    },
    stored: ended ? true : null,
    actions: { cleanup: { allowed: false, reason: 'only a failover or failback leaves copies to clean up; this is a test_failover' }, cancel: ended ? { allowed: false, reason: `it has already ended (${status})` } : { allowed: false, reason: 'it is running: only an operation no engine has started can be cancelled safely' } },
    addresses: [],
    ...over,
  };
}

test('the operation page shows the steps, progress and elapsed time, polls every 2 s while it runs and stops once it has ended', { timeout: 20_000 }, async () => {
  let reads = 0;
  const calls = fakeApi({ 'GET /api/operations/site-b/op-1': () => (++reads === 1 ? view('running') : view('completed')), 'GET /api/operations/site-b/op-1/report': () => ({ rto_seconds: 9.5, rpo_seconds: 300 }) });
  renderPage(<OperationPage />, { path: '/operations/site-b/op-1', route: '/operations/:site/:id' });
  await screen.findByText('boot_servers');
  const rows = screen.getAllByRole('row');
  assert.match(rows[1]!.textContent ?? '', /1precheckcompleted2026-01-02 10:00:00 UTC1\.5 s/);
  assert.match(rows[2]!.textContent ?? '', /2boot_serversrunning/);
  assert.equal(screen.getByRole('progressbar', { name: 'Progress' }).getAttribute('aria-valuenow'), '40');
  assert.match(document.body.textContent ?? '', /Requested2026-01-02 09:59:57 UTCStarted2026-01-02 10:00:00 UTCQueued3 sElapsed12 s/);
  // Disabled, with the reason said.
  assert.equal((screen.getByRole('button', { name: 'Cancel' }) as HTMLButtonElement).disabled, true);
  assert.match(document.body.textContent ?? '', /Not now: it is running: only an operation no engine has started can be cancelled safely/);
  assert.match(document.body.textContent ?? '', /Not now: only a failover or failback leaves copies to clean up/);
  // The next poll, about 2 s later, finds it ended.
  await screen.findByText(/Ended completed after 12 s/, undefined, { timeout: 5000 });
  assert.match(document.body.textContent ?? '', /Its result was stored on the other site/);
  assert.match(document.body.textContent ?? '', /Took12 s/);
  // Its run report, read once it has ended: the achieved RTO and RPO.
  await screen.findByText('Achieved RPO');
  assert.match(document.body.textContent ?? '', /Achieved RTO9\.5 sAchieved RPO5 min/);
  assert.equal(calls.filter((c) => c.path === '/api/operations/site-b/op-1/report').length, 1, 'read once, after the end');
  const link = screen.getByRole('link', { name: 'Printable report' });
  assert.deepEqual([link.getAttribute('href'), link.getAttribute('target')], ['/api/operations/site-b/op-1/report.html', '_blank']);
  const seen = calls.length;
  await sleep(2600);
  assert.equal(calls.length, seen, 'no poll once it has ended');
});

test("a bulk action's parent lists its children, one per protection group, each linking to its operation", async () => {
  const child = (id: string, pg: string, status: string, error: string | null = null) => ({ ...view('completed').operation, id, protection_group_id: pg, parent_id: 'op-1', type: 'failover', status: status as never, progress: status === 'running' ? 60 : 100, error });
  const parent = view('running', {});
  parent.operation = { ...parent.operation, type: 'bulk', protection_group_id: null, steps: [], children: [child('c-1', 'pg-db', 'completed'), child('c-2', 'pg-app', 'running'), child('c-3', 'pg-web', 'failed', 'boot_servers: web did not become ACTIVE')] };
  fakeApi({ 'GET /api/operations/site-b/op-1': () => parent });
  renderPage(<OperationPage />, { path: '/operations/site-b/op-1', route: '/operations/:site/:id' });
  await screen.findByText('pg-app');
  const table = screen.getByRole('grid', { name: 'Protection groups' });
  const rows = [...table.querySelectorAll('tbody tr')].map((r) => r.textContent ?? '');
  assert.deepEqual(rows, ['pg-dbfailovercompleted100%', 'pg-appfailoverrunning60%', 'pg-webfailoverfailed100%boot_servers: web did not become ACTIVE']);
  assert.equal(within(table).getAllByRole('link', { name: 'failover' })[1]!.getAttribute('href'), '/operations/site-b/c-2');
});

test('Cancel where the API allows it; a refusal says the API\'s reason', async () => {
  let cancelled = false;
  const calls = fakeApi({
    'GET /api/operations/site-a/op-1': () => (cancelled ? view('cancelled' as never, { site: 'site-a' }) : view('pending', { site: 'site-a', actions: { cancel: { allowed: true, reason: null }, cleanup: { allowed: true, reason: null } } })),
    'POST /api/operations/site-a/op-1/cancel': () => {
      cancelled = true;
      return { site: 'site-a', operation: view('cancelled').operation };
    },
    'POST /api/operations/site-a/op-1/cleanup': () => ({ status: 409, body: { error: { code: 'conflict', message: 'site-a: Operation op-1 left nothing to clean up.' } } }),
  });
  renderPage(<OperationPage />, { path: '/operations/site-a/op-1', route: '/operations/:site/:id' });
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Clean up' }));
  await screen.findByText('site-a: Operation op-1 left nothing to clean up.');
  await user.click(screen.getByRole('button', { name: 'Cancel' }));
  await waitFor(() => assert.ok(calls.some((c) => c.method === 'POST' && c.path === '/api/operations/site-a/op-1/cancel')));
  await screen.findByText('cancelled');
});

test('the history: both sites in one table with their site, filters sent to the server, a site that did not answer said', async () => {
  const row = (site: string, id: string, type: string, status: string) => ({ ...view('completed').operation, id, site, type, status, protection_group_name: 'app' });
  const calls = fakeApi({
    'GET /api/operations': (c) =>
      c.path.includes('type=failover')
        ? { operations: [row('site-b', 'f1', 'failover', 'running')], next: null, unreachable: [], reasons: {} }
        : { operations: [row('site-b', 'o2', 'test_failover', 'completed'), row('site-a', 'o1', 'pg_create', 'completed')], next: 'c2', unreachable: ['site-c'], reasons: { 'site-c': 'connection refused' } },
  });
  renderPage(<OperationsPage />, { path: '/operations', route: '/operations' });
  await screen.findByText('test_failover');
  const rows = screen.getAllByRole('row');
  assert.match(rows[1]!.textContent ?? '', /site-b.*test_failover.*completed.*app/);
  assert.match(rows[2]!.textContent ?? '', /site-a.*pg_create/);
  assert.equal(rows[1]!.querySelector('a')?.getAttribute('href'), '/operations/site-b/o2');
  assert.match(document.body.textContent ?? '', /site-c did not answer: its operations are missing from this list.*connection refused/);
  const user = userEvent.setup();
  await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'failover');
  await waitFor(() => assert.match(screen.getAllByRole('row')[1]!.textContent ?? '', /site-b.*failover.*running/));
  assert.ok(calls.some((c) => c.path === '/api/operations?limit=25&type=failover'));
  await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), '');
  await user.click(await screen.findByRole('button', { name: 'Older' }));
  await waitFor(() => assert.ok(calls.some((c) => c.path === '/api/operations?limit=25&cursor=c2')));
});

test('a DR run lists every address its recreated ports got: kept, or re-IP by the rule named, or Neutron\'s', async () => {
  const rule = { index: 0, source_cidr: '10.20.0.0/20', target_cidr: '10.30.8.0/21' };
  fakeApi({
    'GET /api/operations/site-b/op-1': () =>
      view('completed', {
        addresses: [
          { server_id: 's-db', server: 'db-1', addresses: [{ source_port_id: 'p1', port_id: 'q1', from: '10.20.0.2', to: '10.30.8.2', subnet_id: 'sb', via: 're_ip', rule }] },
          { server_id: 's-web', server: 'web-1', addresses: [{ source_port_id: 'p2', port_id: 'q2', from: '10.30.8.9', to: '10.30.8.9', subnet_id: 'sb', via: 'kept' }, { source_port_id: 'p2', port_id: 'q2', from: '192.168.0.4', to: '192.168.5.7', subnet_id: 'sc', via: 'allocated' }] },
        ],
      }),
  });
  renderPage(<OperationPage />, { path: '/operations/site-b/op-1', route: '/operations/:site/:id' });
  const table = await screen.findByRole('grid', { name: 'Addresses' });
  const rows = within(table).getAllByRole('row').slice(1).map((r) => r.textContent);
  assert.deepEqual(rows, ['db-110.20.0.210.30.8.2re-IP 10.20.0.0/20 -> 10.30.8.0/21', 'web-110.30.8.910.30.8.9kept', 'web-1192.168.0.4192.168.5.7new, chosen by Neutron']);
});
