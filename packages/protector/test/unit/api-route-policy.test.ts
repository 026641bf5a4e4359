// Every route of protector-api has an entry in the route-policy table (a new route without one
// fails here), and every entry names rules whose documented API calls include that route.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApi } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { OPEN_ROUTES, routeKey } from '../../src/api/auth.js';
import { ROUTE_POLICIES } from '../../src/api/route-policy.js';
import { createLogger, createMetrics } from '../../src/observability/index.js';
import { PROTECTOR_POLICIES } from '../../src/policy/defaults.js';

/** Registering routes touches no dependency; the ones the app reads at build time are real. */
const deps = {
  logger: createLogger({ service: 'protector-api', level: 'error', destination: { write: () => undefined } }),
  metrics: createMetrics({ defaultMetrics: false }),
  wwwAuthenticateUri: 'http://keystone.invalid/v3',
  limits: { defaultLimit: 100, maxLimit: 1000 },
} as unknown as ApiDeps;

const app = await buildApi(deps);
await app.ready();
const keys = app.protectorRoutes.map((r) => routeKey(r.method, r.url));

test('every route but the open ones has a policy entry', () => {
  assert.ok(keys.length >= 30, `routes registered (${keys.length})`);
  const missing = keys.filter((k) => !OPEN_ROUTES.has(k) && !ROUTE_POLICIES[k]);
  assert.deepEqual(missing, [], 'add these to ROUTE_POLICIES in src/api/route-policy.ts');
  // /healthz and /metrics are registered before the route list starts; the rest are listed.
  for (const open of ['GET /', 'GET /v1', 'GET /v1/openapi.json']) assert.ok(OPEN_ROUTES.has(open) && keys.includes(open), open);
});

test('the table has no entry for a route that does not exist', () => {
  assert.deepEqual(Object.keys(ROUTE_POLICIES).filter((k) => !keys.includes(k)), []);
});

test("each entry's rules document the route among the calls they guard (policy sample, docs)", () => {
  // `{protection_group_id}` and `:pg_id` name the same segment: compare shapes only.
  const shape = (path: string) => path.replace(/\{[^}]+\}|:[a-z_]+/g, '*');
  for (const [key, policy] of Object.entries(ROUTE_POLICIES)) {
    const [method, url] = key.split(' ') as [string, string];
    for (const action of policy.actions) {
      const rule = PROTECTOR_POLICIES.find((p) => p.name === action);
      assert.ok(rule, action);
      const documented = rule.operations.some((o) => o.method === method && shape(o.path) === shape(url));
      assert.ok(documented, `${action} does not list ${key} among its operations`);
      // Admin routes are checked with an empty target; project routes need the URL's project.
      assert.equal(policy.scope === 'project', url.startsWith('/v1/:project_id/'), key);
    }
  }
});
