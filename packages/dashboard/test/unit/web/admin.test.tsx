// The admin pages: hidden from members (no nav link, no page), each site's registrations with
// Validate showing every check's pass or fail and the eligible volume types, registering a site,
// the protector API's 403 shown as it said it, and tenant mappings listed, created and deleted.
import './dom';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { App } from '../../../web/src/App';
import { SessionProvider } from '../../../web/src/api/session';
import { SitesPage } from '../../../web/src/pages/admin/SitesPage';
import { TenantMappingsPage } from '../../../web/src/pages/admin/TenantMappingsPage';
import { up } from './fixtures';
import { cleanup, fakeApi, type ApiCall } from './harness';

afterEach(() => cleanup());

const session = (isAdmin: boolean) => ({ user: isAdmin ? 'admin' : 'alice', csrf_token: 'tok', is_admin: isAdmin, sites: [{ name: 'site-a', logged_in: true, expires_at: null, project: 'demo', roles: [isAdmin ? 'admin' : 'member'] }, { name: 'site-b', logged_in: true, expires_at: null, project: 'demo', roles: [] }] });

const reg = (id: string, name: string, isLocal: boolean) => ({
  id,
  name,
  description: '',
  is_local: isLocal,
  auth_url: `http://${name}:5000/v3`,
  region_name: 'RegionOne',
  credentials: { username: 'protector', user_domain_name: 'Default', project_name: 'service', project_domain_name: 'Default' },
  array: { name: `${name}-array`, url: null },
  paired: !isLocal,
  paired_at: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
});

const SITES = { sites: [{ site: 'site-a', items: [reg('a1', 'site-a', true), reg('a2', 'site-b', false)], error: null }, { site: 'site-b', items: [reg('b1', 'site-b', true), reg('b2', 'site-a', false)], error: null }] };

/** An admin page inside the session (admin or not) as the app provides it. */
function withSession(ui: ReactNode) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <SessionProvider>{ui}</SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

test('a member sees no admin link and no admin page, and nothing admin is asked of the server', async () => {
  const calls = fakeApi({
    'GET /api/config': () => ({ sites: ['site-a', 'site-b'] }),
    'GET /api/session': () => session(false),
    'GET /api/sites': () => ({ sites: [up('site-a'), up('site-b')] }),
  });
  window.history.pushState({}, '', '/admin/sites');
  render(<App />);
  await screen.findByRole('heading', { name: 'For administrators' });
  assert.equal(screen.queryByRole('link', { name: 'Sites', hidden: true }), null);
  assert.equal(screen.queryByRole('link', { name: 'Tenant mappings', hidden: true }), null);
  assert.ok(screen.getByRole('link', { name: 'Health', hidden: true }));
  assert.ok(!calls.some((c: ApiCall) => c.path.startsWith('/api/admin')), 'no admin call');
  window.history.pushState({}, '', '/');
});

test('an admin sees the admin links in the navigation', async () => {
  fakeApi({
    'GET /api/config': () => ({ sites: ['site-a', 'site-b'] }),
    'GET /api/session': () => session(true),
    'GET /api/sites': () => ({ sites: [up('site-a'), up('site-b')] }),
    'GET /api/admin/tenant-mappings': () => ({ sites: [] }),
    'GET /api/admin/sites': () => ({ sites: [] }),
  });
  window.history.pushState({}, '', '/admin/tenant-mappings');
  render(<App />);
  await screen.findByRole('heading', { name: 'Tenant mappings' });
  assert.ok(screen.getByRole('link', { name: 'Sites', hidden: true }));
  window.history.pushState({}, '', '/');
});

test('Sites: each site’s registrations; Validate shows every check with pass or fail and its detail; volume types listed', async () => {
  const calls = fakeApi({
    'GET /api/session': () => session(true),
    'GET /api/admin/sites': () => SITES,
    'POST /api/admin/sites/site-a/a2/validate': () => ({ site: 'site-a', validation: { site_id: 'a2', ok: false, checks: [{ service: 'keystone', status: 'ok', detail: 'token issued' }, { service: 'array', status: 'error', detail: 'array site-b-array does not answer' }] } }),
    'GET /api/admin/sites/site-a/a2/volume-types': () => ({ site: 'site-a', volume_types: [{ id: 'vt1', name: 'replicated-async', replication_type: 'async', extra_specs: {} }] }),
  });
  withSession(<SitesPage />);
  const onA = await screen.findByRole('grid', { name: 'Sites registered on site-a' });
  assert.match(onA.textContent ?? '', /site-a.*yes.*site-a-array.*-.*site-b.*no.*site-b-array.*yes/);
  const user = userEvent.setup();
  await user.click(within(onA).getByRole('button', { name: 'Validate site-b' }));
  const checks = await screen.findByRole('grid', { name: 'Validation of site-b' });
  const rows = [...checks.querySelectorAll('tbody tr')].map((r) => r.textContent);
  assert.deepEqual(rows, ['keystonepasstoken issued', 'arrayfailarray site-b-array does not answer']);
  const validate = calls.find((c) => c.path === '/api/admin/sites/site-a/a2/validate')!;
  assert.equal(validate.headers['x-csrf-token'], 'tok');
  await user.click(within(onA).getByRole('button', { name: 'Volume types of site-b' }));
  assert.match((await screen.findByRole('grid', { name: 'Volume types of site-b' })).textContent ?? '', /replicated-async.*async/);
});

test('Sites: the protector API’s 403 is shown as it said it, per site', async () => {
  fakeApi({
    'GET /api/session': () => session(true),
    'GET /api/admin/sites': () => ({ sites: [{ site: 'site-a', items: null, error: { code: 'forbidden', message: 'site-a: Policy does not allow protector:sites:index to be performed.' } }, SITES.sites[1]] }),
  });
  withSession(<SitesPage />);
  await screen.findByText('site-a: Policy does not allow protector:sites:index to be performed.');
  assert.ok(screen.getByRole('grid', { name: 'Sites registered on site-b' }));
});

test('Sites: every site refusing is the page’s error, in the API’s words', async () => {
  fakeApi({ 'GET /api/session': () => session(true), 'GET /api/admin/sites': () => ({ status: 403, body: { error: { code: 'forbidden', message: 'site-a: Policy does not allow protector:sites:index to be performed.' } } }) });
  withSession(<SitesPage />);
  await screen.findByText(/Policy does not allow protector:sites:index/);
  assert.ok(screen.getByText('Could not read the registered sites'));
});

test('Sites: registering sends the form to the chosen site’s Protector; a refusal names the field', async () => {
  let posts = 0;
  const calls = fakeApi({
    'GET /api/session': () => session(true),
    'GET /api/admin/sites': () => SITES,
    'POST /api/admin/sites': () => (++posts === 1 ? { status: 400, body: { error: { code: 'bad_request', message: "'array.name' is required" } } } : { status: 201, body: { site: 'site-b', registration: reg('b3', 'site-c', false) } }),
  });
  withSession(<SitesPage />);
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Register a site' }));
  const form = screen.getByRole('form', { name: 'Register a site' });
  await user.selectOptions(within(form).getByRole('combobox', { name: /Register on/ }), 'site-b');
  await user.type(within(form).getByRole('textbox', { name: /Site name/ }), 'site-c');
  await user.type(within(form).getByLabelText(/Keystone v3 URL/), 'http://site-c:5000/v3');
  await user.type(within(form).getByRole('textbox', { name: /Service user$/ }), 'protector');
  await user.type(within(form).getByLabelText(/Service user's password/), 'pw');
  await user.click(within(form).getByRole('button', { name: 'Register' }));
  await screen.findByText("'array.name' is required");
  await user.type(within(form).getByRole('textbox', { name: /Array name/ }), 'site-c-array');
  await user.click(within(form).getByRole('button', { name: 'Register' }));
  await waitFor(() => assert.equal(posts, 2));
  const body = calls.filter((c) => c.path === '/api/admin/sites' && c.method === 'POST')[1]!.body;
  assert.deepEqual(body, {
    site: 'site-b',
    name: 'site-c',
    is_local: false,
    auth_url: 'http://site-c:5000/v3',
    region_name: 'RegionOne',
    credentials: { username: 'protector', password: 'pw', project_name: 'service' },
    array: { name: 'site-c-array', url: null, api_token: null },
  });
});

test('Tenant mappings: listed per site with the remote site by name; created with the peer chosen; deleted after a confirmation', async () => {
  const calls = fakeApi({
    'GET /api/session': () => session(true),
    'GET /api/admin/sites': () => SITES,
    'GET /api/admin/tenant-mappings': () => ({ sites: [{ site: 'site-a', items: [{ id: 'm1', local_project_id: 'pa', remote_site_id: 'a2', remote_project_id: 'pb', description: 'demo', created_at: '2025-01-01T00:00:00Z' }], error: null }, { site: 'site-b', items: [], error: null }] }),
    'POST /api/admin/tenant-mappings': () => ({ status: 201, body: { site: 'site-a', tenant_mapping: {} } }),
    'DELETE /api/admin/tenant-mappings/site-a/m1': () => ({ status: 204 }),
  });
  withSession(<TenantMappingsPage />);
  const table = await screen.findByRole('grid', { name: 'Tenant mappings on site-a' });
  assert.match(table.textContent ?? '', /pa.*site-b.*pb.*demo/);
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: 'Create a tenant mapping' }));
  const form = screen.getByRole('form', { name: 'Create a tenant mapping' });
  await user.type(within(form).getByRole('textbox', { name: /Local project ID/ }), 'p-local');
  await user.type(within(form).getByRole('textbox', { name: /Remote project ID/ }), 'p-remote');
  await user.click(within(form).getByRole('button', { name: 'Create' }));
  await waitFor(() => assert.ok(calls.some((c) => c.method === 'POST')));
  assert.deepEqual(calls.find((c) => c.method === 'POST')!.body, { site: 'site-a', local_project_id: 'p-local', remote_site: 'a2', remote_project_id: 'p-remote' });

  await user.click(within(table).getByRole('button', { name: 'Delete mapping of pa on site-a' }));
  const dialog = await screen.findByRole('dialog');
  await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
  await waitFor(() => assert.ok(calls.some((c) => c.method === 'DELETE' && c.path === '/api/admin/tenant-mappings/site-a/m1')));
});
