import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedKeystone, type KeystoneSeed } from '../../src/keystone/seed.js';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();
const ks = ts.site.keystone;

const doc: KeystoneSeed = {
  domains: [{ name: 'labs', description: 'Lab domain' }],
  projects: [{ name: 'web' }, { name: 'research', domain: 'labs', description: 'R&D' }],
  roles: ['observer'],
  users: [
    { name: 'wendy', password: 'pw', default_project: 'web', email: 'w@example.com' },
    { name: 'ray', password: 'pw', domain: 'labs', default_project: 'research' },
  ],
  role_assignments: [
    { user: 'wendy', role: 'member', project: 'web' },
    { user: 'ray', role: 'observer', project: 'research' },
    { user: 'ray', role: 'reader', domain: 'labs' },
  ],
};

test('a seed creates domains, projects, roles, users and assignments by name', async () => {
  seedKeystone(ts.site, doc);
  const labs = ks.domains.find((d) => d.name === 'labs')!;
  assert.equal(labs.description, 'Lab domain');
  const research = ks.projects.find((p) => p.name === 'research')!;
  assert.equal(research.domain_id, labs.id);
  const ray = ks.findUser('ray', labs.id)!;
  assert.equal(ray.default_project_id, research.id);
  assert.equal(ks.findUser('wendy', 'default')!.email, 'w@example.com');
  // The seeded user logs in with no explicit scope and lands in their default project.
  const token = await ts.token('wendy', 'pw', 'web');
  const res = await ts.call<{ token: { roles: { name: string }[] } }>('keystone', 'GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': token } });
  assert.ok(res.body.token.roles.some((r) => r.name === 'member'));
  assert.deepEqual(ks.rolesOn(ray.id, { domain_id: labs.id }).length, 1);
});

test('applying the same seed twice changes nothing', () => {
  const counts = () => [ks.domains.count(), ks.projects.count(), ks.users.count(), ks.roles.count(), ks.assignments.count()];
  const before = counts();
  seedKeystone(ts.site, doc);
  assert.deepEqual(counts(), before);
});

test('unknown names are errors naming the entry', () => {
  assert.throws(() => seedKeystone(ts.site, { projects: [{ name: 'x', domain: 'nowhere' }] }), /project 'x'.*unknown domain 'nowhere'/);
  assert.throws(() => seedKeystone(ts.site, { users: [{ name: 'u', password: 'p', default_project: 'ghost' }] }), /user 'u'.*unknown project 'ghost'/);
  assert.throws(() => seedKeystone(ts.site, { role_assignments: [{ user: 'wendy', role: 'nope', project: 'web' }] }), /wendy\/nope\/web.*unknown role 'nope'/);
  assert.throws(() => seedKeystone(ts.site, { role_assignments: [{ user: 'nobody', role: 'member', project: 'web' }] }), /unknown user 'nobody'/);
  assert.throws(() => seedKeystone(ts.site, { role_assignments: [{ user: 'wendy', role: 'member' }] }), /exactly one of project or domain/);
});
