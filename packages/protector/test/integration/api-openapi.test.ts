// The OpenAPI document is generated from the route schemas, served by the API, and committed as
// docs/openapi.json; this test keeps the committed copy true (UPDATE_DOCS=1 rewrites it).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startApi } from '../helpers/api.js';

const h = await startApi();
const committed = fileURLToPath(new URL('../../../../docs/openapi.json', import.meta.url));

test('GET /v1/openapi.json serves the document without a token, and docs/openapi.json matches it', async () => {
  const res = await h.call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('GET', '/v1/openapi.json', { token: null });
  assert.equal(res.status, 200);
  assert.equal(res.body.openapi, '3.1.0');
  for (const p of ['/v1/admin/sites', '/v1/admin/sites/{id}', '/v1/admin/sites/{id}/validate', '/v1/admin/tenant-mappings']) assert.ok(res.body.paths[p], `${p} documented`);
  assert.ok(res.body.paths['/v1/admin/sites']?.post, 'site create documented with its body');
  const pg = '/v1/{project_id}/protection-groups/{pg_id}';
  for (const p of ['/v1/{project_id}/protection-groups', pg, `${pg}/members`, `${pg}/members/{server_id}`, `${pg}/policy`, `${pg}/resource-mappings`, `${pg}/metadata`, `${pg}/metadata/ack`, `${pg}/sync-status`, '/v1/{project_id}/operations', '/v1/{project_id}/operations/{operation_id}', '/v1/{project_id}/operations/{operation_id}/cancel']) {
    assert.ok(res.body.paths[p], `${p} documented`);
  }
  assert.match(JSON.stringify(res.body.paths['/v1/{project_id}/protection-groups']?.post), /x-peer-auth-token/, 'the peer token header is documented');

  // Every route documents its answers with the real status codes (from @protector/contract), and
  // the error shape for every failure.
  const codes = (method: string, path: string) => Object.keys((res.body.paths[path]?.[method] as { responses: object }).responses).sort();
  for (const [path, ops] of Object.entries(res.body.paths)) {
    for (const method of Object.keys(ops)) {
      assert.ok(codes(method, path).includes('4XX') && codes(method, path).includes('5XX'), `${method} ${path} documents the error shape`);
    }
  }
  assert.deepEqual(codes('post', '/v1/admin/sites'), ['201', '4XX', '5XX']);
  assert.deepEqual(codes('delete', '/v1/admin/sites/{id}'), ['204', '4XX', '5XX']);
  assert.deepEqual(codes('post', '/v1/{project_id}/protection-groups'), ['202', '4XX', '5XX']);
  assert.deepEqual(codes('delete', pg), ['202', '4XX', '5XX']);
  assert.deepEqual(codes('post', `${pg}/action`), ['200', '202', '4XX', '5XX'], 'a dry run answers 200, an action 202');
  assert.deepEqual(codes('post', '/v1/{project_id}/operations/{operation_id}/cleanup'), ['202', '4XX', '5XX']);
  assert.doesNotMatch(JSON.stringify(res.body.paths[pg]), /sourceArray|targetArray/, 'a PG is snake_case on the wire');
  assert.deepEqual(codes('put', `${pg}/metadata`), ['200', '4XX', '5XX']);
  assert.match(JSON.stringify(res.body.paths[`${pg}/metadata`]?.get), /"signature".*"trusts"|"trusts".*"signature"/s, 'the document: signed facts, sealed trusts');
  assert.doesNotMatch(JSON.stringify(res.body.paths[`${pg}/metadata`]), /sourceArray|trust_ids/, 'no internal names in the document');
  const text = `${JSON.stringify(res.body, null, 2)}\n`;
  if (process.env.UPDATE_DOCS) writeFileSync(committed, text);
  assert.equal(readFileSync(committed, 'utf8'), text, 'docs/openapi.json is stale: run UPDATE_DOCS=1 node --import tsx --test packages/protector/test/integration/api-openapi.test.ts');
});
