import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { startTestSite } from '../helpers/site.js';

const clock = new ManualClock();
const ts = await startTestSite({ clock });
const ks = ts.site.keystone;
type Err = { error: { code: number; message: string } };
interface TokenDoc {
  token: { user: { id: string }; project: { id: string }; roles: { name: string }[]; methods: string[]; application_credential?: { id: string }; 'OS-TRUST:trust'?: { id: string; impersonation: boolean } };
}

async function login(identity: unknown, scope?: unknown) {
  const res = await ts.call<TokenDoc & Err>('keystone', 'POST', '/v3/auth/tokens', { token: null, body: { auth: { identity, ...(scope ? { scope } : {}) } } });
  return { ...res, token: res.headers.get('x-subject-token') ?? '' };
}

const appcreds = (userId: string) => `/v3/users/${userId}/application_credentials`;

test('application credentials: create returns the secret once; auth by id and by name', async () => {
  const t = await ts.tenant('ac');
  const res = await ts.call<{ application_credential: { id: string; secret: string; roles: { name: string }[]; project_id: string; links: { self: string } } }>(
    'keystone', 'POST', appcreds(t.userId), { token: t.token, body: { application_credential: { name: 'ci', description: 'for CI' } } },
  );
  assert.equal(res.status, 201);
  const ac = res.body.application_credential;
  assert.ok(ac.secret.length >= 32);
  assert.equal(ac.project_id, t.projectId);
  // Roles default to the creating token's (member implies reader).
  assert.deepEqual(ac.roles.map((r) => r.name).sort(), ['member', 'reader']);
  const shown = await ts.call<{ application_credential: Record<string, unknown> }>('keystone', 'GET', `${appcreds(t.userId)}/${ac.id}`, { token: t.token });
  assert.equal(shown.body.application_credential.secret, undefined);
  assert.equal(shown.body.application_credential.secret_hash, undefined);
  const byId = await login({ methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } });
  assert.equal(byId.status, 201);
  assert.equal(byId.body.token.project.id, t.projectId);
  assert.deepEqual(byId.body.token.methods, ['application_credential']);
  assert.equal(byId.body.token.application_credential?.id, ac.id);
  const byName = await login({ methods: ['application_credential'], application_credential: { name: 'ci', secret: ac.secret, user: { name: 'ac-user', domain: { id: 'default' } } } });
  assert.equal(byName.status, 201);
  assert.equal((await login({ methods: ['application_credential'], application_credential: { id: ac.id, secret: 'wrong' } })).status, 401);
  // A restricted credential cannot make more credentials.
  const again = await ts.call<Err>('keystone', 'POST', appcreds(t.userId), { token: byId.token, body: { application_credential: { name: 'more' } } });
  assert.equal(again.status, 403);
  // Duplicate names conflict; listing filters by name.
  assert.equal((await ts.call('keystone', 'POST', appcreds(t.userId), { token: t.token, body: { application_credential: { name: 'ci' } } })).status, 409);
  const list = await ts.call<{ application_credentials: { id: string }[] }>('keystone', 'GET', `${appcreds(t.userId)}?name=ci`, { token: t.token });
  assert.deepEqual(list.body.application_credentials.map((x) => x.id), [ac.id]);
  // Deleting it ends its tokens and its logins.
  assert.equal((await ts.call('keystone', 'DELETE', `${appcreds(t.userId)}/${ac.id}`, { token: t.token })).status, 204);
  assert.equal((await ts.call('keystone', 'GET', '/v3/auth/projects', { token: byId.token })).status, 401);
  assert.equal((await login({ methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } })).status, 401);
  assert.equal((await ts.call('keystone', 'GET', `${appcreds(t.userId)}/${ac.id}`, { token: t.token })).status, 404);
});

test('application credentials: given secret, chosen roles, expiry, and other users are refused', async () => {
  const t = await ts.tenant('ac2');
  const res = await ts.call<{ application_credential: { id: string; secret: string; expires_at: string; roles: { name: string }[] } }>('keystone', 'POST', appcreds(t.userId), {
    token: t.token,
    body: { application_credential: { name: 'short', secret: 'my-secret', roles: [{ name: 'reader' }], expires_at: '2026-01-01T01:00:00Z' } },
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.application_credential.secret, 'my-secret');
  assert.deepEqual(res.body.application_credential.roles.map((r) => r.name), ['reader']);
  const ok = await login({ methods: ['application_credential'], application_credential: { id: res.body.application_credential.id, secret: 'my-secret' } });
  assert.deepEqual(ok.body.token.roles.map((r) => r.name), ['reader']);
  const notHeld = await ts.call('keystone', 'POST', appcreds(t.userId), { token: t.token, body: { application_credential: { name: 'x', roles: [{ name: 'admin' }] } } });
  assert.equal(notHeld.status, 404);
  const extra = await ts.call<Err>('keystone', 'POST', appcreds(t.userId), { token: t.token, body: { application_credential: { name: 'x', colour: 'red' } } });
  assert.equal(extra.status, 400);
  assert.match(extra.body.error.message, /application_credential\.colour/);
  const other = await ts.tenant('ac3');
  assert.equal((await ts.call('keystone', 'GET', appcreds(t.userId), { token: other.token })).status, 403);
  assert.equal((await ts.call('keystone', 'POST', appcreds(t.userId), { token: other.token, body: { application_credential: { name: 'y' } } })).status, 403);
  clock.advance(2 * 3600_000);
  assert.equal((await login({ methods: ['application_credential'], application_credential: { id: res.body.application_credential.id, secret: 'my-secret' } })).status, 401);
});

test('trusts: create, list, show, trust-scoped token for the trustee only, uses, delete', async () => {
  const trustor = await ts.tenant('tr');
  const trustee = await ts.tenant('te');
  const member = ks.ensureRole('member');
  const body = { trust: { trustor_user_id: trustor.userId, trustee_user_id: trustee.userId, impersonation: false, project_id: trustor.projectId, roles: [{ name: 'member' }], remaining_uses: 2 } };
  // Only the trustor may create it, with roles they hold.
  assert.equal((await ts.call('keystone', 'POST', '/v3/OS-TRUST/trusts', { token: trustee.token, body })).status, 403);
  const tooMuch = { trust: { ...body.trust, roles: [{ name: 'admin' }] } };
  assert.equal((await ts.call('keystone', 'POST', '/v3/OS-TRUST/trusts', { token: trustor.token, body: tooMuch })).status, 403);
  const res = await ts.call<{ trust: { id: string; roles: { id: string }[]; remaining_uses: number; links: { self: string } } }>('keystone', 'POST', '/v3/OS-TRUST/trusts', { token: trustor.token, body });
  assert.equal(res.status, 201);
  const trust = res.body.trust;
  assert.deepEqual(trust.roles.map((r) => r.id), [member.id]);
  assert.equal(trust.links.self, `${ts.site.authUrl}/OS-TRUST/trusts/${trust.id}`);
  const listed = await ts.call<{ trusts: { id: string }[] }>('keystone', 'GET', `/v3/OS-TRUST/trusts?trustee_user_id=${trustee.userId}`, { token: trustee.token });
  assert.deepEqual(listed.body.trusts.map((x) => x.id), [trust.id]);
  assert.equal((await ts.call('keystone', 'GET', '/v3/OS-TRUST/trusts', { token: trustee.token })).status, 403);
  assert.equal((await ts.call('keystone', 'GET', `/v3/OS-TRUST/trusts/${trust.id}`, { token: trustee.token })).status, 200);
  const roles = await ts.call<{ roles: { name: string }[] }>('keystone', 'GET', `/v3/OS-TRUST/trusts/${trust.id}/roles`, { token: trustee.token });
  assert.deepEqual(roles.body.roles.map((r) => r.name), ['member']);
  assert.equal((await ts.call('keystone', 'HEAD', `/v3/OS-TRUST/trusts/${trust.id}/roles/${member.id}`, { token: trustee.token })).status, 200);
  assert.equal((await ts.call('keystone', 'GET', `/v3/OS-TRUST/trusts/${trust.id}/roles/nope`, { token: trustee.token })).status, 404);
  const stranger = await ts.tenant('st');
  assert.equal((await ts.call('keystone', 'GET', `/v3/OS-TRUST/trusts/${trust.id}`, { token: stranger.token })).status, 403);

  const scope = { 'OS-TRUST:trust': { id: trust.id } };
  const notTrustee = await login({ methods: ['token'], token: { id: stranger.token } }, scope);
  assert.equal(notTrustee.status, 403);
  const first = await login({ methods: ['token'], token: { id: trustee.token } }, scope);
  assert.equal(first.status, 201);
  assert.equal(first.body.token.user.id, trustee.userId);
  assert.equal(first.body.token.project.id, trustor.projectId);
  assert.deepEqual(first.body.token.roles.map((r) => r.name).sort(), ['member', 'reader']);
  assert.equal(first.body.token['OS-TRUST:trust']?.id, trust.id);
  assert.equal((await login({ methods: ['password'], password: { user: { name: 'te-user', password: 'pw', domain: { id: 'default' } } } }, scope)).status, 201);
  // remaining_uses was 2.
  assert.equal((await login({ methods: ['token'], token: { id: trustee.token } }, scope)).status, 403);
  // Deleting the trust ends its tokens; only the trustor may.
  assert.equal((await ts.call('keystone', 'DELETE', `/v3/OS-TRUST/trusts/${trust.id}`, { token: trustee.token })).status, 403);
  assert.equal((await ts.call('keystone', 'DELETE', `/v3/OS-TRUST/trusts/${trust.id}`, { token: trustor.token })).status, 204);
  assert.equal((await ts.call('keystone', 'GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': first.token } })).status, 404);
  assert.equal((await ts.call('keystone', 'GET', `/v3/OS-TRUST/trusts/${trust.id}`)).status, 404);
});

test('trusts: impersonation acts as the trustor; expiry ends the trust; bad bodies are 400', async () => {
  const trustor = await ts.tenant('imp');
  const trustee = await ts.tenant('imp2');
  const expires = new Date(clock.now() + 3600_000).toISOString();
  const res = await ts.call<{ trust: { id: string; expires_at: string } }>('keystone', 'POST', '/v3/OS-TRUST/trusts', {
    token: trustor.token,
    body: { trust: { trustor_user_id: trustor.userId, trustee_user_id: trustee.userId, impersonation: true, project_id: trustor.projectId, roles: [{ name: 'reader' }], expires_at: expires } },
  });
  assert.equal(res.status, 201);
  assert.match(res.body.trust.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  const scope = { 'OS-TRUST:trust': { id: res.body.trust.id } };
  const tok = await login({ methods: ['token'], token: { id: trustee.token } }, scope);
  assert.equal(tok.body.token.user.id, trustor.userId);
  assert.equal(tok.body.token['OS-TRUST:trust']?.impersonation, true);
  assert.deepEqual(tok.body.token.roles.map((r) => r.name), ['reader']);
  clock.advance(2 * 3600_000);
  const late = await ts.token('imp2-user', 'pw', 'imp2');
  assert.equal((await login({ methods: ['token'], token: { id: late } }, scope)).status, 404);
  const bad: unknown[] = [
    { trust: { trustee_user_id: trustee.userId, impersonation: false } },
    { trust: { trustor_user_id: trustor.userId, trustee_user_id: trustee.userId, impersonation: 'no' } },
    { trust: { trustor_user_id: trustor.userId, trustee_user_id: trustee.userId, impersonation: false, remaining_uses: 0 } },
    { trust: { trustor_user_id: trustor.userId, trustee_user_id: trustee.userId, impersonation: false, expires_at: 'soon' } },
  ];
  const fresh = await ts.token('imp-user', 'pw', 'imp');
  for (const body of bad) assert.equal((await ts.call('keystone', 'POST', '/v3/OS-TRUST/trusts', { token: fresh, body })).status, 400, JSON.stringify(body));
  const unknownTrustee = { trust: { trustor_user_id: trustor.userId, trustee_user_id: 'nope', impersonation: false } };
  assert.equal((await ts.call('keystone', 'POST', '/v3/OS-TRUST/trusts', { token: fresh, body: unknownTrustee })).status, 404);
});
