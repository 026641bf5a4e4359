import './dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { PgChoices, PgCreateInput, PgSetupView } from '../../../src/shared/pg-lifecycle';
import { CreatePgWizard } from '../../../web/src/pages/CreatePgWizard';
import { DeletePgModal } from '../../../web/src/components/DeletePgModal';
import { cleanup, fakeApi, renderPage } from './harness';

afterEach(() => cleanup());

const choices: PgChoices = {
  site: 'site-a',
  peer: 'site-b',
  blocked: null,
  replication_types: ['async', 'sync'],
  servers: [
    { id: 's-web', name: 'web', status: 'ACTIVE', volume_types: ['replicated-async'], network_ids: ['n-a'], eligible: { async: true, sync: false }, reason: { sync: "volume v1 has type 'replicated-async', which does not replicate sync" }, note: null },
    { id: 's-old', name: 'old', status: 'ACTIVE', volume_types: ['standard'], network_ids: [], eligible: { async: false, sync: false }, reason: { async: "volume v2 has type 'standard', which is not replicated", sync: "volume v2 has type 'standard', which is not replicated" }, note: null },
  ],
  resources: { network: { source: [{ id: 'n-a', name: 'demo-net' }], target: [{ id: 'n-b', name: 'dr-net' }] } },
  mapping_kinds: ['network'],
  resource_errors: {},
  taken_names: ['db'],
};

const next = () => screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement;

test('the create wizard: a taken name stops it, ineligible servers are disabled with the reason, Create waits for a dry run without problems', async () => {
  let problems = [{ field: 'peer', message: 'site site-b is unreachable (connection refused)' }];
  let setupReads = 0;
  const setup = (status: PgSetupView['status']): PgSetupView => ({
    pg_id: 'pg-1',
    name: 'app',
    site: 'site-a',
    status,
    steps: [
      { what: 'create protection group app', status: status === 'running' ? 'running' : 'completed', operation: { site: 'site-a', id: 'op-c' }, error: null },
      { what: 'add server web', status: status === 'running' ? 'pending' : 'completed', operation: status === 'running' ? null : { site: 'site-a', id: 'op-m' }, error: null },
    ],
  });
  const calls = fakeApi({
    'GET /api/protection-groups/new/choices': () => choices,
    'POST /api/protection-groups': (c) => {
      const b = c.body as PgCreateInput;
      if (b.dry_run) return { dry_run: true, ok: problems.length === 0, problems, steps: ['create protection group app (async) on site-a', 'add server web (boot order 0)'], site: 'site-a', peer: 'site-b' };
      return { status: 202, body: { site: 'site-a', protection_group: { id: 'pg-1', name: 'app' }, operation: { id: 'op-c', type: 'pg_create' }, setup: setup('running') } };
    },
    // Wrapped: the view has a `status` of its own, which the fake would take for the HTTP one.
    'GET /api/protection-groups/pg-1/setup': () => ({ status: 200, body: setup(++setupReads > 1 ? 'completed' : 'running') }),
  });
  renderPage(<CreatePgWizard />, { path: '/protection-groups/new', route: '/protection-groups/new' });
  const user = userEvent.setup();
  const name = await screen.findByRole('textbox', { name: /Name/ });
  assert.equal(next().disabled, true, 'a name is required');
  await user.type(name, 'db');
  await screen.findByText('A protection group of this name already exists on a site.');
  assert.equal(next().disabled, true);
  await user.clear(name);
  await user.type(name, 'app');
  await waitFor(() => assert.equal(next().disabled, false));
  await user.click(next());
  assert.equal((screen.getByRole('radio', { name: 'Asynchronous' }) as HTMLInputElement).checked, true);
  await user.click(next());

  const old = screen.getByRole('checkbox', { name: 'Protect old' }) as HTMLInputElement;
  assert.equal(old.disabled, true);
  assert.match(document.body.textContent ?? '', /No: volume v2 has type 'standard', which is not replicated/);
  await user.click(screen.getByRole('checkbox', { name: 'Protect web' }));
  await user.click(next());
  // Policy: off keeps the service's default.
  await user.click(next());
  await screen.findByText(/Networks of the chosen servers without a mapping/);
  assert.match(document.body.textContent ?? '', /demo-net/);
  await user.click(screen.getByRole('button', { name: 'Add a mapping' }));
  assert.equal(next().disabled, true, 'a half-filled mapping');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Source of mapping 1' }), 'n-a');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Target of mapping 1' }), 'n-b');
  await waitFor(() => assert.equal(next().disabled, false));
  await user.click(next());

  // The dry run lists every problem; Create stays disabled until there is none.
  await screen.findByText(/1 problem: nothing can be created until they are fixed/);
  await screen.findByText(/site site-b is unreachable/);
  const create = () => screen.getByRole('button', { name: 'Create' }) as HTMLButtonElement;
  assert.equal(create().disabled, true);
  problems = [];
  await user.click(screen.getByRole('button', { name: 'Check again' }));
  await screen.findByText(/Every check passed/);
  await waitFor(() => assert.equal(create().disabled, false));
  await user.click(create());

  // The running setup is read again (every 2 s at most) until it has ended.
  await screen.findByText(/Protection group app is ready/, undefined, { timeout: 5000 });
  const sent = calls.filter((c) => c.method === 'POST' && !(c.body as PgCreateInput).dry_run);
  assert.deepEqual(sent.map((c) => c.body), [{ name: 'app', replication_type: 'async', servers: [{ id: 's-web', boot_order: 0 }], mappings: [{ kind: 'network', source_id: 'n-a', target_id: 'n-b' }] }]);
  const links = screen.getAllByRole('link', { name: 'Follow the operation' }).map((a) => a.getAttribute('href'));
  assert.deepEqual(links, ['/operations/site-a/op-c', '/operations/site-a/op-m']);
});

test('changing the replication type drops the servers that cannot join it', async () => {
  fakeApi({ 'GET /api/protection-groups/new/choices': () => choices });
  renderPage(<CreatePgWizard />, { path: '/protection-groups/new', route: '/protection-groups/new' });
  const user = userEvent.setup();
  await user.type(await screen.findByRole('textbox', { name: /Name/ }), 'app');
  await user.click(next());
  await user.click(next());
  await user.click(screen.getByRole('checkbox', { name: 'Protect web' }));
  await user.click(screen.getByRole('button', { name: 'Replication' }));
  await user.click(screen.getByRole('radio', { name: 'Synchronous' }));
  await user.click(next());
  const web = screen.getByRole('checkbox', { name: 'Protect web' }) as HTMLInputElement;
  assert.deepEqual([web.checked, web.disabled], [false, true]);
  assert.match(document.body.textContent ?? '', /No: volume v1 has type 'replicated-async', which does not replicate sync/);
});

test('delete needs the name typed, then follows the delete operation', async () => {
  const calls = fakeApi({ 'DELETE /api/protection-groups/pg-1': () => ({ status: 202, body: { site: 'site-a', protection_group: { id: 'pg-1' }, operation: { id: 'op-d' } } }) });
  renderPage(<DeletePgModal pg={{ id: 'pg-1', name: 'app' }} onClose={() => {}} />);
  const user = userEvent.setup();
  const del = () => screen.getByRole('button', { name: 'Delete' }) as HTMLButtonElement;
  assert.equal(del().disabled, true);
  await user.type(screen.getByRole('textbox', { name: /Type app to confirm/ }), 'app');
  assert.equal(del().disabled, false);
  await user.click(del());
  await waitFor(() => assert.ok(calls.some((c) => c.method === 'DELETE' && c.path === '/api/protection-groups/pg-1?confirm=app')));
});
