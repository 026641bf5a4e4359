// The PG table with 200 protection groups, drawn by React's production build (what Vite ships)
// into a browser-like DOM (no JSX in this file: its runtime import would load React before NODE_ENV is set):
// every row is on the page, twice in a row. How long it takes is the benchmark's to print
// (`npm run bench -- dashboard-pg-list`), never a threshold in a test.
import './production';
import './dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter } from 'react-router';
import { ProtectionGroupsPage } from '../../../web/src/pages/ProtectionGroupsPage';
import { row, up } from './fixtures';
import { fakeApi } from './harness';

const rows = Array.from({ length: 200 }, (_, i) => row({ id: `pg-${i}`, name: `pg-${String(i).padStart(3, '0')}`, status: i % 3 === 0 ? 'failed_over' : 'active', sync: i % 7 === 0 ? 'OUT OF SYNC' : 'IN SYNC' }));

/** Renders the page and resolves once the last row is in the document. */
async function draw(): Promise<void> {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  root.render(createElement(QueryClientProvider, { client: new QueryClient() }, createElement(MemoryRouter, { initialEntries: ['/protection-groups'] }, createElement(ProtectionGroupsPage))));
  for (let i = 0; i < 500 && !host.querySelector('a[href="/protection-groups/pg-199"]'); i++) await new Promise((r) => setTimeout(r, 2));
  assert.equal(host.querySelectorAll('tbody tr').length, 200);
  assert.ok(host.querySelector('a[href="/protection-groups/pg-199"]'), 'the last row links to its PG');
  root.unmount();
  host.remove();
}

test('200 protection groups are all drawn by the production build, each linking to its PG, and again after an unmount', async () => {
  fakeApi({ 'GET /api/protection-groups': () => ({ protection_groups: rows, sites: [up('site-a'), up('site-b')], problems: [] }) });
  await draw();
  await draw();
});
