import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();
type Err = { error: { code: number; title: string; message: string } };
type Links = { links: { self: string } };

test('domains: create, conflict, filter, disable-before-delete', async () => {
  let res = await ts.call<{ domain: { id: string; name: string; enabled: boolean } & Links }>('keystone', 'POST', '/v3/domains', { body: { domain: { name: 'acme', description: 'd' } } });
  assert.equal(res.status, 201);
  const id = res.body.domain.id;
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(res.body.domain.links.self, `${ts.site.authUrl}/domains/${id}`);
  res = await ts.call('keystone', 'POST', '/v3/domains', { body: { domain: { name: 'acme' } } });
  assert.equal(res.status, 409);
  const list = await ts.call<{ domains: { name: string }[] } & Links>('keystone', 'GET', '/v3/domains?name=acme');
  assert.deepEqual(list.body.domains.map((d) => d.name), ['acme']);
  assert.equal(list.body.links.self, `${ts.site.authUrl}/domains`);
  let del = await ts.call<Err>('keystone', 'DELETE', `/v3/domains/${id}`);
  assert.equal(del.status, 403);
  assert.match(del.body.error.message, /disable it first/);
  await ts.call('keystone', 'PATCH', `/v3/domains/${id}`, { body: { domain: { enabled: false } } });
  del = await ts.call('keystone', 'DELETE', `/v3/domains/${id}`);
  assert.equal(del.status, 204);
  assert.equal((await ts.call('keystone', 'GET', `/v3/domains/${id}`)).status, 404);
});

test('projects: create in Default, duplicate name 409, show/update/delete, filters', async () => {
  const res = await ts.call<{ project: { id: string; domain_id: string; parent_id: string; is_domain: boolean; tags: string[] } }>('keystone', 'POST', '/v3/projects', {
    body: { project: { name: 'p1', description: null, enabled: true, tags: ['a'] } },
  });
  assert.equal(res.status, 201);
  const p = res.body.project;
  assert.equal(p.domain_id, 'default');
  assert.equal(p.parent_id, 'default');
  assert.equal(p.is_domain, false);
  const dup = await ts.call<Err>('keystone', 'POST', '/v3/projects', { body: { project: { name: 'p1' } } });
  assert.equal(dup.status, 409);
  assert.match(dup.body.error.message, /Duplicate entry found with name p1 at domain ID default/);
  const filtered = await ts.call<{ projects: { name: string }[] }>('keystone', 'GET', '/v3/projects?domain_id=default&name=p1&enabled=true');
  assert.deepEqual(filtered.body.projects.map((x) => x.name), ['p1']);
  const none = await ts.call<{ projects: unknown[] }>('keystone', 'GET', '/v3/projects?name=p1&enabled=false');
  assert.equal(none.body.projects.length, 0);
  const upd = await ts.call<{ project: { description: string } }>('keystone', 'PATCH', `/v3/projects/${p.id}`, { body: { project: { description: 'x' } } });
  assert.equal(upd.body.project.description, 'x');
  const move = await ts.call('keystone', 'PATCH', `/v3/projects/${p.id}`, { body: { project: { domain_id: 'elsewhere' } } });
  assert.equal(move.status, 400);
  assert.equal((await ts.call('keystone', 'DELETE', `/v3/projects/${p.id}`)).status, 204);
  const gone = await ts.call<Err>('keystone', 'GET', `/v3/projects/${p.id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.message, `Could not find project: ${p.id}.`);
});

test('users: create with password, log in, no password hash shown, change own password', async () => {
  const res = await ts.call<{ user: Record<string, unknown> }>('keystone', 'POST', '/v3/users', { body: { user: { name: 'bob', password: 'pw1', email: 'b@x' } } });
  assert.equal(res.status, 201);
  const user = res.body.user;
  assert.equal(user.domain_id, 'default');
  assert.equal(user.password_hash, undefined);
  assert.equal(user.password_expires_at, null);
  assert.equal((await ts.call('keystone', 'POST', '/v3/users', { body: { user: { name: 'bob' } } })).status, 409);
  const p = ts.site.keystone.ensureProject('bobs', 'default');
  await ts.call('keystone', 'PUT', `/v3/projects/${p.id}/users/${String(user.id)}/roles/${ts.site.keystone.ensureRole('member').id}`);
  const tok = await ts.token('bob', 'pw1', 'bobs');
  // A user reads themself but not the user list.
  assert.equal((await ts.call('keystone', 'GET', `/v3/users/${String(user.id)}`, { token: tok })).status, 200);
  const denied = await ts.call<Err>('keystone', 'GET', '/v3/users', { token: tok });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.message, 'You are not authorized to perform the requested action: identity:list_users.');
  const admin = ts.site.keystone.findUser('admin', 'default')!;
  assert.equal((await ts.call('keystone', 'GET', `/v3/users/${admin.id}`, { token: tok })).status, 403);
  // Own projects, through both APIs.
  const mine = await ts.call<{ projects: { name: string }[] }>('keystone', 'GET', `/v3/users/${String(user.id)}/projects`, { token: tok });
  assert.deepEqual(mine.body.projects.map((x) => x.name), ['bobs']);
  const auth = await ts.call<{ projects: { name: string }[] }>('keystone', 'GET', '/v3/auth/projects', { token: tok });
  assert.deepEqual(auth.body.projects.map((x) => x.name), ['bobs']);
  // Password change: wrong original is 401, unknown field 400, right one 204 and old tokens die.
  const path = `/v3/users/${String(user.id)}/password`;
  assert.equal((await ts.call('keystone', 'POST', path, { token: tok, body: { user: { password: 'pw2', original_password: 'bad' } } })).status, 401);
  const extra = await ts.call<Err>('keystone', 'POST', path, { token: tok, body: { user: { password: 'pw2', original_password: 'pw1', x: 1 } } });
  assert.equal(extra.status, 400);
  assert.match(extra.body.error.message, /user\.x/);
  assert.equal((await ts.call('keystone', 'POST', path, { token: tok, body: { user: { password: 'pw2', original_password: 'pw1' } } })).status, 204);
  assert.equal((await ts.call('keystone', 'GET', `/v3/users/${String(user.id)}`, { token: tok })).status, 401);
  await ts.token('bob', 'pw2', 'bobs');
  // Disabling a user refuses their logins.
  await ts.call('keystone', 'PATCH', `/v3/users/${String(user.id)}`, { body: { user: { enabled: false } } });
  await assert.rejects(ts.token('bob', 'pw2', 'bobs'), /HTTP 401/);
  assert.equal((await ts.call('keystone', 'DELETE', `/v3/users/${String(user.id)}`)).status, 204);
  assert.equal((await ts.call('keystone', 'GET', `/v3/users/${String(user.id)}`)).status, 404);
});

test('roles: list has bootstrap roles; create, filter, conflict, delete', async () => {
  const list = await ts.call<{ roles: { name: string }[] }>('keystone', 'GET', '/v3/roles');
  for (const n of ['admin', 'member', 'reader']) assert.ok(list.body.roles.some((r) => r.name === n));
  const res = await ts.call<{ role: { id: string; domain_id: null } }>('keystone', 'POST', '/v3/roles', { body: { role: { name: 'observer' } } });
  assert.equal(res.status, 201);
  assert.equal(res.body.role.domain_id, null);
  assert.equal((await ts.call('keystone', 'POST', '/v3/roles', { body: { role: { name: 'observer' } } })).status, 409);
  const byName = await ts.call<{ roles: { id: string }[] }>('keystone', 'GET', '/v3/roles?name=observer');
  assert.deepEqual(byName.body.roles.map((r) => r.id), [res.body.role.id]);
  assert.equal((await ts.call('keystone', 'DELETE', `/v3/roles/${res.body.role.id}`)).status, 204);
  assert.equal((await ts.call('keystone', 'GET', `/v3/roles/${res.body.role.id}`)).status, 404);
});

test('non-admin writes are 403 in Keystone shape', async () => {
  const { token } = await ts.tenant('plain');
  const checks: [string, string, unknown, string][] = [
    ['POST', '/v3/projects', { project: { name: 'x' } }, 'identity:create_project'],
    ['POST', '/v3/users', { user: { name: 'x' } }, 'identity:create_user'],
    ['POST', '/v3/roles', { role: { name: 'x' } }, 'identity:create_role'],
    ['POST', '/v3/domains', { domain: { name: 'x' } }, 'identity:create_domain'],
    ['GET', '/v3/roles', undefined, 'identity:list_roles'],
  ];
  for (const [method, path, body, rule] of checks) {
    const res = await ts.call<Err>('keystone', method, path, { token, body });
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.deepEqual(res.body, { error: { code: 403, title: 'Forbidden', message: `You are not authorized to perform the requested action: ${rule}.` } });
  }
});

test('bad input is 400 naming the field, unknown ids 404, never 500', async () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['POST', '/v3/projects', { project: {} }, /project\.name/],
    ['POST', '/v3/projects', { project: { name: {} } }, /project\.name/],
    ['POST', '/v3/projects', { project: { name: 'x'.repeat(65) } }, /project\.name/],
    ['POST', '/v3/projects', { project: { name: 'ok', enabled: 'maybe' } }, /project\.enabled/],
    ['POST', '/v3/projects', {}, /project/],
    ['POST', '/v3/users', { user: { name: '' } }, /user\.name/],
    ['POST', '/v3/users', { user: { name: 'x', password: 'p'.repeat(5000) } }, /user\.password/],
    ['POST', '/v3/domains', { domain: { name: [] } }, /domain\.name/],
    ['PATCH', '/v3/domains/default', { domain: {} }, /domain/],
    ['POST', '/v3/roles', { role: 'x' }, /role/],
    ['POST', '/v3/users', { user: { name: 'x', default_project_id: 'nope' } }, /nope/],
  ];
  for (const [method, path, body, field] of cases) {
    const res = await ts.call<Err>('keystone', method, path, { body });
    assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`);
    assert.match(res.body.error.message, field);
  }
  for (const path of ['/v3/projects/nope', '/v3/users/nope', '/v3/roles/nope', '/v3/domains/nope', `/v3/users/${'x'.repeat(90)}`, '/v3/projects/%00']) {
    const res = await ts.call('keystone', 'GET', path);
    assert.equal(res.status, 404, path);
  }
  // Fastify refuses path parameters over 100 characters with 414 before any route runs (core setting).
  const long = await ts.call('keystone', 'GET', `/v3/users/${'x'.repeat(300)}`);
  assert.ok(long.status === 404 || long.status === 414, String(long.status));
  assert.equal((await ts.call('keystone', 'PATCH', '/v3/users/nope', { body: { user: { name: 'z' } } })).status, 404);
  assert.equal((await ts.call('keystone', 'DELETE', '/v3/roles/nope')).status, 404);
});
