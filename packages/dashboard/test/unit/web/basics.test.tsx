import './dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { App } from '../../../web/src/App';
import { pollEvery, pollWhile } from '../../../web/src/api/poll';
import { cleanup, fakeApi } from './harness';
import { render } from '@testing-library/react';

afterEach(() => cleanup());

test('no page polls faster than every 2 s', () => {
  assert.throws(() => pollEvery(1999), /faster than every 2000 ms/);
  assert.equal(pollWhile(true), 2000);
  assert.equal(pollWhile(false), 10_000);
});

// The PG table's own tests are in pg-table.test.tsx.

test('logging in sends the form to both sites, keeps the CSRF token and reports a site that refused', async () => {
  let logged = false;
  const calls = fakeApi({
    'GET /api/config': () => ({ sites: ['site-a', 'site-b'] }),
    'GET /api/session': () => (logged ? session : { status: 401, body: { error: { code: 'login_required', message: 'log in' } } }),
    'POST /api/login': () => {
      logged = true;
      return { ...session, failures: [{ site: 'site-b', error: 'connection refused' }] };
    },
    'GET /api/sites': () => ({ sites: [{ name: 'site-a', logged_in: true, reachable: true, error: null }, { name: 'site-b', logged_in: false, reachable: false, error: 'not logged in' }] }),
    'GET /api/overview': () => ({ sites: [], protection_groups: { total: 0, by_status: {}, out_of_sync: 0 }, readiness: { ready: 0, not_ready: 0, rows: [] }, rpo: { window_hours: 6, from: '2025-01-01T00:00:00.000Z', to: '2025-01-01T06:00:00.000Z', rows: [] }, operations: [], problems: [] }),
    'POST /api/logout': () => ({ status: 204 }),
  });
  const session = { user: 'demo', csrf_token: 'tok-1', is_admin: false, sites: [{ name: 'site-a', logged_in: true, expires_at: null, project: 'demo', roles: ['member'] }, { name: 'site-b', logged_in: false, expires_at: null, project: null, roles: [] }] };
  render(<App />);
  const user = userEvent.setup();
  await user.type(await screen.findByRole('textbox', { name: 'User name' }), 'demo');
  await user.type(screen.getByLabelText(/^Password/, { selector: 'input' }), 'demo');
  await user.type(screen.getByRole('textbox', { name: 'Project' }), 'demo');
  await user.click(screen.getByRole('button', { name: 'Log in' }));
  await screen.findByRole('heading', { name: 'Overview' });
  const login = calls.find((c) => c.path === '/api/login')!;
  assert.deepEqual(login.body, { method: 'password', username: 'demo', password: 'demo', project: 'demo' });
  // The banner says site-b is not logged in and what still works.
  await waitFor(() => assert.match(document.body.textContent ?? '', /site-b is not logged in/));
  // Admin pages are not offered to a member.
  assert.equal(screen.queryByRole('link', { name: 'Sites', hidden: true }), null);
  await user.click(screen.getByRole('button', { name: 'Log out' }));
  const out = calls.find((c) => c.path === '/api/logout')!;
  assert.equal(out.headers['x-csrf-token'], 'tok-1');
});
