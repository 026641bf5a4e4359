import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();
const ks = ts.site.keystone;

interface Assignment {
  role: { id: string; name?: string };
  user: { id: string; name?: string; domain?: { name: string } };
  scope: { project?: { id: string; name?: string; domain?: { name: string } }; domain?: { id: string; name?: string } };
  links: { assignment: string; prior_role?: string };
}

test('project grants: PUT, HEAD, GET list, DELETE revokes tokens on that project', async () => {
  const project = ks.ensureProject('grants', 'default');
  const user = ks.createUser({ name: 'gina', password: 'pw' });
  const member = ks.ensureRole('member');
  const path = `/v3/projects/${project.id}/users/${user.id}/roles/${member.id}`;
  assert.equal((await ts.call('keystone', 'HEAD', path)).status, 404);
  assert.equal((await ts.call('keystone', 'PUT', path)).status, 204);
  assert.equal((await ts.call('keystone', 'PUT', path)).status, 204);
  assert.equal((await ts.call('keystone', 'HEAD', path)).status, 204);
  const list = await ts.call<{ roles: { name: string }[] }>('keystone', 'GET', `/v3/projects/${project.id}/users/${user.id}/roles`);
  assert.deepEqual(list.body.roles.map((r) => r.name), ['member']);
  const token = await ts.token('gina', 'pw', 'grants');
  assert.equal((await ts.call('keystone', 'GET', '/v3/auth/projects', { token })).status, 200);
  assert.equal((await ts.call('keystone', 'DELETE', path)).status, 204);
  assert.equal((await ts.call('keystone', 'GET', '/v3/auth/projects', { token })).status, 401);
  assert.equal((await ts.call('keystone', 'DELETE', path)).status, 404);
  await assert.rejects(ts.token('gina', 'pw', 'grants'), /HTTP 401/);
});

test('grants to unknown project, user or role are 404', async () => {
  const user = ks.findUser('admin', 'default')!;
  const role = ks.ensureRole('reader');
  const project = ks.ensureProject('admin', 'default');
  for (const path of [
    `/v3/projects/nope/users/${user.id}/roles/${role.id}`,
    `/v3/projects/${project.id}/users/nope/roles/${role.id}`,
    `/v3/projects/${project.id}/users/${user.id}/roles/nope`,
    `/v3/domains/nope/users/${user.id}/roles/${role.id}`,
  ]) {
    assert.equal((await ts.call('keystone', 'PUT', path)).status, 404, path);
  }
});

test('domain grants and domain-scoped tokens', async () => {
  const user = ks.createUser({ name: 'dora', password: 'pw' });
  const reader = ks.ensureRole('reader');
  const path = `/v3/domains/default/users/${user.id}/roles/${reader.id}`;
  assert.equal((await ts.call('keystone', 'PUT', path)).status, 204);
  assert.equal((await ts.call('keystone', 'HEAD', path)).status, 204);
  const res = await ts.call<{ token: { domain: { id: string } } }>('keystone', 'POST', '/v3/auth/tokens', {
    token: null,
    body: { auth: { identity: { methods: ['password'], password: { user: { id: user.id, password: 'pw' } } }, scope: { domain: { id: 'default' } } } },
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.token.domain.id, 'default');
});

test('GET /v3/role_assignments filters, effective and include_names', async () => {
  const admin = ks.findUser('admin', 'default')!;
  const adminProject = ks.ensureProject('admin', 'default');
  const all = await ts.call<{ role_assignments: Assignment[] }>('keystone', 'GET', `/v3/role_assignments?user.id=${admin.id}`);
  assert.equal(all.body.role_assignments.length, 2);
  const onProject = await ts.call<{ role_assignments: Assignment[] }>('keystone', 'GET', `/v3/role_assignments?scope.project.id=${adminProject.id}&user.id=${admin.id}`);
  assert.equal(onProject.body.role_assignments.length, 1);
  const a = onProject.body.role_assignments[0]!;
  assert.deepEqual(a.scope, { project: { id: adminProject.id } });
  assert.equal(a.links.assignment, `${ts.site.authUrl}/projects/${adminProject.id}/users/${admin.id}/roles/${a.role.id}`);
  const effective = await ts.call<{ role_assignments: Assignment[] }>('keystone', 'GET', `/v3/role_assignments?scope.project.id=${adminProject.id}&user.id=${admin.id}&effective`);
  assert.equal(effective.body.role_assignments.length, 3);
  assert.ok(effective.body.role_assignments.some((x) => x.links.prior_role !== undefined));
  const named = await ts.call<{ role_assignments: Assignment[] }>('keystone', 'GET', `/v3/role_assignments?scope.domain.id=default&include_names=True`);
  const n = named.body.role_assignments.find((x) => x.user.id === admin.id)!;
  assert.equal(n.role.name, 'admin');
  assert.equal(n.user.name, 'admin');
  assert.equal(n.user.domain?.name, 'Default');
  assert.deepEqual(n.scope, { domain: { id: 'default', name: 'Default' } });
  const byRole = await ts.call<{ role_assignments: Assignment[] }>('keystone', 'GET', `/v3/role_assignments?role.id=${ks.ensureRole('admin').id}`);
  assert.ok(byRole.body.role_assignments.every((x) => x.role.id === ks.ensureRole('admin').id));
  assert.equal((await ts.call<{ role_assignments: unknown[] }>('keystone', 'GET', '/v3/role_assignments?group.id=g')).body.role_assignments.length, 0);
});

test('a member lists only their own assignments', async () => {
  const t = await ts.tenant('own');
  const mine = await ts.call<{ role_assignments: Assignment[] }>('keystone', 'GET', `/v3/role_assignments?user.id=${t.userId}`, { token: t.token });
  assert.equal(mine.status, 200);
  assert.equal(mine.body.role_assignments.length, 1);
  assert.equal((await ts.call('keystone', 'GET', '/v3/role_assignments', { token: t.token })).status, 403);
  assert.equal((await ts.call('keystone', 'PUT', `/v3/projects/${t.projectId}/users/${t.userId}/roles/${ks.ensureRole('admin').id}`, { token: t.token })).status, 403);
});
