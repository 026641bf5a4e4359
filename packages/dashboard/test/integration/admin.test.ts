// The admin pages' API through protector-dashboard's server on two real sites: an admin lists
// each site's registrations, validates one (every check's result), reads its replicated volume
// types, registers and deletes a site and creates and deletes a tenant mapping (each change
// refused while the other site does not answer, the remote project checked in the peer's
// Keystone); a member gets the protector API's 403, cleanly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVICE_USER } from '../../../protector/test/helpers/two-sites.js';
import { startCliLab } from '../../../protectorclient/test/helpers/cli-lab.js';
import type { AdminSitesView, AdminTenantMappingsView, SiteValidationView, VolumeTypesView } from '../../src/shared/admin.js';
import { dashboardOn, logIn } from '../helpers/dashboard-server.js';

const lab = await startCliLab();
const { t } = lab;
const app = dashboardOn(lab, { timeoutMs: 3000 });
const admin = await logIn(app, { username: SERVICE_USER.name, password: SERVICE_USER.password, project: 'service' });
const member = await logIn(app);
const projectOf = (which: 'a' | 'b', name: string) => t[which].keystone.projects.find((p) => p.name === name)!.id;

test('an admin lists each site’s registrations, validates one check by check, and reads its replicated volume types', async () => {
  assert.equal(admin.isAdmin, true);
  const r = await admin.call('GET', '/api/admin/sites');
  assert.equal(r.statusCode, 200, r.body);
  const v = r.json() as AdminSitesView;
  assert.deepEqual(
    v.sites.map((s) => [s.site, s.error, s.items?.map((x) => `${x.name}${x.is_local ? ' (local)' : ''}`).sort()]),
    [
      ['site-a', null, ['site-a (local)', 'site-b']],
      ['site-b', null, ['site-a', 'site-b (local)']],
    ],
  );
  const checked = await admin.call('POST', '/api/admin/sites/site-a/site-b/validate');
  assert.equal(checked.statusCode, 200, checked.body);
  const val = checked.json() as SiteValidationView;
  assert.equal(val.site, 'site-a');
  assert.deepEqual(val.validation.checks.map((c) => c.service).sort(), ['array', 'cinder', 'glance', 'keystone', 'neutron', 'nova']);
  for (const c of val.validation.checks) assert.ok(c.status === 'ok' || c.status === 'error', JSON.stringify(c));
  assert.equal(val.validation.ok, val.validation.checks.every((c) => c.status === 'ok'));
  const id = v.sites[1]!.items!.find((x) => x.name === 'site-a')!.id;
  const types = await admin.call('GET', `/api/admin/sites/site-b/${id}/volume-types`);
  assert.equal(types.statusCode, 200, types.body);
  assert.deepEqual((types.json() as VolumeTypesView).volume_types.map((x) => [x.name, x.replication_type]).sort(), [['replicated-async', 'async'], ['replicated-sync', 'sync']]);
  const nowhere = await admin.call('POST', '/api/admin/sites/site-a/nowhere/validate');
  assert.deepEqual([nowhere.statusCode, (nowhere.json() as { error: { message: string } }).error.message], [404, "no registered site 'nowhere' on site-a"]);
  const unknownSite = await admin.call('GET', '/api/admin/sites/site-z/x/volume-types');
  assert.deepEqual([unknownSite.statusCode, (unknownSite.json() as { error: { message: string } }).error.message], [404, "no site named 'site-z' (site-a, site-b)"]);
});

test('registering and deleting a site: refused while the other site does not answer, a missing field named, done once both answer', async () => {
  const body = { site: 'site-a', name: 'site-c', auth_url: `${t.b.url('keystone')}/v3`, credentials: { username: SERVICE_USER.name, password: SERVICE_USER.password }, array: { name: 'site-c-array' } };
  const missing = await admin.call('POST', '/api/admin/sites', { ...body, array: {} });
  assert.deepEqual([missing.statusCode, missing.json()], [400, { error: { code: 'bad_request', message: "'array.name' is required" } }]);
  await lab.api.b.stop();
  try {
    const refused = await admin.call('POST', '/api/admin/sites', body);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.match((refused.json() as { error: { code: string; message: string } }).error.message, /site site-b is unreachable .*the change was refused and nothing changed on either site/);
  } finally {
    await lab.api.b.start();
  }
  const names = async () => ((await admin.call('GET', '/api/admin/sites')).json() as AdminSitesView).sites[0]!.items!.map((x) => x.name).sort();
  assert.deepEqual(await names(), ['site-a', 'site-b'], 'nothing registered while site-b was down');
  const created = await admin.call('POST', '/api/admin/sites', body);
  assert.equal(created.statusCode, 201, created.body);
  assert.equal((created.json() as { registration: { name: string; region_name: string } }).registration.region_name, 'RegionOne');
  assert.deepEqual(await names(), ['site-a', 'site-b', 'site-c']);
  const deleted = await admin.call('DELETE', '/api/admin/sites/site-a/site-c');
  assert.equal(deleted.statusCode, 204, deleted.body);
  assert.deepEqual(await names(), ['site-a', 'site-b']);
});

test('tenant mappings: the remote project must exist in the peer’s Keystone; created by the remote site’s name, listed, deleted', async () => {
  const ghost = '0123456789abcdef0123456789abcdef';
  const body = { site: 'site-a', local_project_id: projectOf('a', 'service'), remote_site: 'site-b', remote_project_id: ghost };
  const bad = await admin.call('POST', '/api/admin/tenant-mappings', body);
  assert.deepEqual([bad.statusCode, bad.json()], [400, { error: { code: 'bad_request', message: `'remote_project_id': project ${ghost} does not exist in site-b's Keystone (site site-b); no tenant mapping was created` } }]);
  const ok = await admin.call('POST', '/api/admin/tenant-mappings', { ...body, remote_project_id: projectOf('b', 'service'), description: 'service ↔ service' });
  assert.equal(ok.statusCode, 201, ok.body);
  const m = (ok.json() as { tenant_mapping: { id: string; remote_site_id: string } }).tenant_mapping;
  const list = (await admin.call('GET', '/api/admin/tenant-mappings')).json() as AdminTenantMappingsView;
  const onA = list.sites[0]!.items!;
  assert.ok(onA.some((x) => x.id === m.id && x.remote_project_id === projectOf('b', 'service')), JSON.stringify(onA));
  assert.equal(m.remote_site_id, t.atA.siteB.id);
  assert.equal((await admin.call('DELETE', `/api/admin/tenant-mappings/site-a/${m.id}`)).statusCode, 204);
  const after = (await admin.call('GET', '/api/admin/tenant-mappings')).json() as AdminTenantMappingsView;
  assert.ok(!after.sites[0]!.items!.some((x) => x.id === m.id));
});

test('a member: not an admin, and the protector API’s 403 comes back as a 403 with its message', async () => {
  assert.equal(member.isAdmin, false);
  const list = await member.call('GET', '/api/admin/sites');
  assert.equal(list.statusCode, 403, list.body);
  const err = (list.json() as { error: { code: string; message: string } }).error;
  assert.equal(err.code, 'forbidden');
  assert.match(err.message, /^site-a: .+; site-b: .+$/);
  const validate = await member.call('POST', '/api/admin/sites/site-a/site-b/validate');
  assert.deepEqual([validate.statusCode, (validate.json() as { error: { code: string } }).error.code], [403, 'forbidden']);
  const mappings = await member.call('GET', '/api/admin/tenant-mappings');
  assert.equal(mappings.statusCode, 403);
  const create = await member.call('POST', '/api/admin/tenant-mappings', { site: 'site-a', local_project_id: 'x', remote_site: 'site-b', remote_project_id: 'y' });
  assert.equal(create.statusCode, 403, create.body);
});
