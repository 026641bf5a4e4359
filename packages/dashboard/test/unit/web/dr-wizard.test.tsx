import './dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { ActionPlan } from '../../../src/shared/operations';
import { DrWizardPage } from '../../../web/src/pages/dr/DrWizardPage';
import { cleanup, fakeApi, renderPage, type ApiCall } from './harness';

afterEach(() => cleanup());

const rp = (id: string, at: string) => ({ id, kind: 'snapshot' as const, array: 'site-b-array', created_at: at, completed_at: at, volumes: ['v1'] });
function plan(action: ActionPlan['action'], over: Partial<ActionPlan> = {}): ActionPlan {
  return {
    action,
    pg: { id: 'pg-1', name: 'app', status: 'active', replication_type: 'async' },
    target_site: 'site-b',
    source_site: 'site-a',
    source_reachable: true,
    recovery_points: [rp('a:pg.2', '2026-01-02T10:15:00.000000'), rp('a:pg.1', '2026-01-02T10:00:00.000000')],
    recovery_point: action === 'point-in-time' ? 'choose' : action === 'failover' ? 'none' : 'newest',
    last_sync: '2026-01-02T10:15:00.000000',
    mappings: [{ kind: 'network', source_id: 'n-a', source_name: 'demo-net', target_id: 'n-b', target_name: 'dr-net' }],
    unmapped_networks: [],
    target_networks: [],
    members: [{ server_id: 's1', name: 'web', boot_order: 0 }],
    data_loss: `data loss words for ${action}`,
    confirm_required: action === 'unplanned-failover' || action === 'failback',
    ...over,
  };
}
const report = (ok: boolean) => ({
  action: 'unplanned_failover',
  ok,
  checks: ['pg_state', 'mappings', 'recovery_point'],
  blockers: ok ? [] : [{ check: 'mappings', severity: 'blocker', code: 'network_unmapped', message: 'network n-x of server web has no mapping to site-b', detail: {} }],
  warnings: [],
  report: '',
});

/** The wizard at its URL; where Start goes shows (`where`). */
const renderWizard = (path: string) => renderPage(<DrWizardPage />, { path, route: '/protection-groups/:pg/dr' });

const next = () => screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement;

test('an unplanned failover: pre-check blockers stop the wizard, and Start needs the name typed', async () => {
  let blocked = true;
  const calls: ApiCall[] = fakeApi({
    'GET /api/protection-groups/app/actions/unplanned-failover/plan': () => plan('unplanned-failover'),
    'POST /api/protection-groups/app/actions/failover': (c) => {
      const b = c.body as Record<string, unknown>;
      if (b.dry_run) return { site: 'site-b', precheck: report(!blocked) };
      return { site: 'site-b', operation: { id: 'op-9', type: 'failover' } };
    },
  });
  renderWizard('/protection-groups/app/dr?action=unplanned-failover');
  const user = userEvent.setup();
  // Preselected from the URL, with what it means for data said plainly.
  assert.equal((await screen.findByRole('radio', { name: 'Unplanned failover' }) as HTMLInputElement).checked, true);
  assert.match(document.body.textContent ?? '', /Data written after the recovery point used \(the newest by default\) is lost/);
  await screen.findByText('data loss words for unplanned-failover');
  await waitFor(() => assert.equal(next().disabled, false));
  await user.click(next());
  // The newest recovery point by default.
  assert.equal((screen.getByRole('radio', { name: /The newest \(a:pg\.2/ }) as HTMLInputElement).checked, true);
  await user.click(next());
  await screen.findByText('demo-net (n-a)');
  await user.click(next());
  await screen.findByText(/1 blocker on site-b: this action cannot start/);
  await screen.findByText(/network n-x of server web has no mapping to site-b/);
  assert.equal(next().disabled, true, 'no further while a blocker is left');
  blocked = false;
  await user.click(screen.getByRole('button', { name: 'Run the pre-check again' }));
  await screen.findByText('All 3 pre-checks passed on site-b');
  await waitFor(() => assert.equal(next().disabled, false));
  await user.click(next());
  const startButton = () => screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement;
  assert.equal(startButton().disabled, true);
  await user.type(screen.getByRole('textbox', { name: /Type app to confirm/ }), 'ap');
  assert.equal(startButton().disabled, true, 'not the exact name');
  await user.type(screen.getByRole('textbox', { name: /Type app to confirm/ }), 'p');
  await waitFor(() => assert.equal(startButton().disabled, false));
  await user.click(startButton());
  assert.equal((await screen.findByTestId('where')).textContent, '/operations/site-b/op-9');
  const started = calls.filter((c) => c.method === 'POST' && !(c.body as { dry_run?: boolean }).dry_run);
  assert.deepEqual(started.map((c) => c.body), [{ unplanned: true, confirm: 'app' }]);
  const checks = calls.filter((c) => (c.body as { dry_run?: boolean } | undefined)?.dry_run);
  assert.deepEqual(checks[0]!.body, { unplanned: true, dry_run: true });
});

test('point in time: a recovery point must be chosen, and the pre-check and start send it', async () => {
  const calls = fakeApi({
    'GET /api/protection-groups/app/actions/point-in-time/plan': () => plan('point-in-time'),
    'GET /api/protection-groups/app/actions/test-failover/plan': () => plan('test-failover'),
    'POST /api/protection-groups/app/actions/failover': (c) => ((c.body as { dry_run?: boolean }).dry_run ? { site: 'site-b', precheck: report(true) } : { site: 'site-b', operation: { id: 'op-5' } }),
  });
  renderWizard('/protection-groups/app/dr');
  const user = userEvent.setup();
  assert.equal(next().disabled, true, 'no action chosen yet');
  await user.click(await screen.findByRole('radio', { name: 'Point-in-time failover' }));
  await screen.findByText('data loss words for point-in-time');
  await waitFor(() => assert.equal(next().disabled, false));
  await user.click(next());
  await screen.findByText(/Choose the one to go back to/);
  assert.equal(next().disabled, true, 'a recovery point must be chosen');
  await user.click(screen.getByRole('radio', { name: 'Recovery point a:pg.1' }));
  assert.equal(next().disabled, false);
  await user.click(next());
  await user.click(next());
  await screen.findByText('All 3 pre-checks passed on site-b');
  await waitFor(() => assert.equal(next().disabled, false));
  await user.click(next());
  // No name to type for a planned move; Start is there at once.
  assert.equal(screen.queryByRole('textbox', { name: /to confirm/ }), null);
  await user.click(screen.getByRole('button', { name: 'Start' }));
  assert.equal((await screen.findByTestId('where')).textContent, '/operations/site-b/op-5');
  assert.deepEqual(
    calls.filter((c) => c.method === 'POST').map((c) => c.body),
    [{ recovery_point_id: 'a:pg.1', dry_run: true }, { recovery_point_id: 'a:pg.1' }],
  );
});

test('an action that cannot run says why and goes no further', async () => {
  fakeApi({
    'GET /api/protection-groups/app/actions/failover/plan': () => ({ status: 409, body: { error: { code: 'peer_unreachable', message: 'site site-a is unreachable (connection refused); the change was refused' } } }),
  });
  renderWizard('/protection-groups/app/dr?action=failover');
  await screen.findByText(/site site-a is unreachable \(connection refused\)/);
  assert.match(document.body.textContent ?? '', /This action cannot run now/);
  assert.equal(next().disabled, true);
});
