// A revoked token never changes anything: reads may use the validation cache for up to
// token_cache_time, but every POST/PUT/PATCH/DELETE asks Keystone again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { TenantMappings } from '../../src/db/tenant-mappings.js';
import { startApi, type Answer } from '../helpers/api.js';
import { activePg } from '../helpers/api-pg.js';
import { assertErrorAnswer, errorAnswer } from '../helpers/error-answers.js';

// A window long enough that only a bypass of the cache can explain a 401.
const h = await startApi({ peer: true, cacheSeconds: 300 });
const keystone = `${h.site.url('keystone')}/v3`;
type Err = { error: { message: string } };

/** Keystone's DELETE /v3/auth/tokens, as `openstack token revoke` sends it. */
async function revoke(token: string): Promise<void> {
  const res = await fetch(`${keystone}/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': await h.token('admin'), 'X-Subject-Token': token } });
  assert.equal(res.status, 204);
  const check = await fetch(`${keystone}/auth/tokens`, { headers: { 'X-Auth-Token': await h.token('admin'), 'X-Subject-Token': token } });
  assert.equal(check.status, 404, 'Keystone no longer validates it');
}

function assertUnauthorized(r: Answer<unknown>, where: string): void {
  assertErrorAnswer(errorAnswer(r), 401, where);
  assert.match(r.headers.get('www-authenticate') ?? '', /^Keystone uri=/, where);
}

test('an admin token revoked after a read cannot create a tenant mapping; reads keep the documented window', async () => {
  const token = await h.newToken('admin'); // its own: revoking it touches no other test
  const path = '/v1/admin/tenant-mappings';
  assert.equal((await h.call('GET', path, { token })).status, 200, 'validated and cached');
  await revoke(token);

  const read = await h.call('GET', path, { token });
  assert.equal(read.status, 200, 'a read inside token_cache_time is still served from the cache (docs/policy.md)');

  const before = await new TenantMappings(h.deps.db).list();
  const body = { tenant_mapping: { local_project_id: h.projects.other, remote_site_id: h.peer!.remote.id, remote_project_id: h.peer!.projects.other } };
  assertUnauthorized(await h.call('POST', path, { token, body }), 'POST with a revoked token');
  assert.deepEqual(await new TenantMappings(h.deps.db).list(), before, 'nothing changed');

  // The fresh answer replaced the cached one: from now on reads are refused too.
  assertUnauthorized(await h.call('GET', path, { token }), 'GET after a change saw the revocation');
  // The same change with a live token goes through, so the 401 above was the revocation.
  assert.equal((await h.call('POST', path, { body })).status, 201);
});

test("a member's revoked token cannot update or delete a protection group", async () => {
  const pgId = await activePg(h, 'revoked');
  const token = await h.newToken('alice');
  const path = `/v1/${h.projects.demo}/protection-groups/${pgId}`;
  assert.equal((await h.call('GET', path, { token })).status, 200);
  await revoke(token);
  const pgs = new ProtectionGroups(h.deps.db);
  const before = await pgs.get(pgId);
  assertUnauthorized(await h.call('PUT', path, { token, body: { protection_group: { name: 'renamed' } } }), 'PUT');
  assertUnauthorized(await h.call('DELETE', path, { token }), 'DELETE');
  const after = await pgs.get(pgId);
  assert.equal(after?.name, 'revoked');
  assert.equal(after?.status, before?.status);
  assert.equal(after?.metadata_version, before?.metadata_version);
});

test('Keystone down: a change is a 503 (never a 401), while a cached read is still served', async () => {
  const token = await h.newToken('admin');
  assert.equal((await h.call('GET', '/v1/admin/sites', { token })).status, 200);
  await h.site.faults.set('keystone', { down: true });
  try {
    assert.equal((await h.call('GET', '/v1/admin/sites', { token })).status, 200);
    const r = await h.call<Err>('DELETE', `/v1/admin/tenant-mappings/${h.projects.other}`, { token });
    assert.equal(r.status, 503, r.text);
    assert.match(r.body.error.message, /identity service is unavailable/);
  } finally {
    await h.site.faults.set('keystone', { down: false });
  }
});
