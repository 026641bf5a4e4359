import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { seedCinder } from '../../src/cinder/seed.js';
import { startTestSite } from '../helpers/site.js';

const clock = new ManualClock();
const ts = await startTestSite({ clock, bootTimeMs: 1000 });
const admin = ts.site.keystone.projects.find((p) => p.name === 'admin')!.id;
const v3 = (project: string) => `/v3/${project}`;
const mv = (v: string) => ({ 'OpenStack-API-Version': `volume ${v}` });
type Type = { id: string; name: string; is_public: boolean; extra_specs: Record<string, string> };

test('the __DEFAULT__ type exists and is the default', async () => {
  const res = await ts.call<{ volume_type: Type }>('cinder', 'GET', `${v3(admin)}/types/default`);
  assert.equal(res.status, 200);
  assert.equal(res.body.volume_type.name, '__DEFAULT__');
  const del = await ts.call('cinder', 'DELETE', `${v3(admin)}/types/${res.body.volume_type.id}`);
  assert.equal(del.status, 400);
});

test('types: admin creates with extra specs; members cannot; specs CRUD', async () => {
  const t = await ts.tenant('types');
  const denied = await ts.call('cinder', 'POST', `${v3(t.projectId)}/types`, { token: t.token, body: { volume_type: { name: 'nope' } } });
  assert.equal(denied.status, 403);
  assert.ok('forbidden' in denied.body);
  const res = await ts.call<{ volume_type: Type }>('cinder', 'POST', `${v3(admin)}/types`, {
    body: { volume_type: { name: 'repl', 'os-volume-type-access:is_public': true } },
  });
  assert.equal(res.status, 200, res.text);
  const id = res.body.volume_type.id;
  assert.equal((await ts.call('cinder', 'POST', `${v3(admin)}/types`, { body: { volume_type: { name: 'repl' } } })).status, 409);
  const specs = await ts.call('cinder', 'POST', `${v3(admin)}/types/${id}/extra_specs`, {
    body: { extra_specs: { replication_enabled: '<is> True', replication_type: '<in> async', volume_backend_name: 'array1' } },
  });
  assert.equal(specs.status, 200, specs.text);
  const one = await ts.call('cinder', 'GET', `${v3(admin)}/types/${id}/extra_specs/replication_type`);
  assert.deepEqual(one.body, { replication_type: '<in> async' });
  assert.equal((await ts.call('cinder', 'PUT', `${v3(admin)}/types/${id}/extra_specs/replication_type`, { body: { replication_type: '<in> sync' } })).status, 200);
  assert.equal((await ts.call('cinder', 'DELETE', `${v3(admin)}/types/${id}/extra_specs/volume_backend_name`)).status, 202);
  const all = await ts.call<{ extra_specs: Record<string, string> }>('cinder', 'GET', `${v3(admin)}/types/${id}/extra_specs`);
  assert.deepEqual(all.body.extra_specs, { replication_enabled: '<is> True', replication_type: '<in> sync' });
  // Members see only user-visible specs.
  const asMember = await ts.call<{ volume_type: Type }>('cinder', 'GET', `${v3(t.projectId)}/types/${id}`, { token: t.token });
  assert.deepEqual(asMember.body.volume_type.extra_specs, { replication_enabled: '<is> True' });
  const vol = await ts.call<{ volume: { replication_status: string; volume_type: string } }>('cinder', 'POST', `${v3(t.projectId)}/volumes`, {
    token: t.token,
    body: { volume: { size: 1, volume_type: 'repl' } },
  });
  assert.equal(vol.body.volume.volume_type, 'repl');
  assert.equal(vol.body.volume.replication_status, 'enabled');
  assert.equal((await ts.call('cinder', 'DELETE', `${v3(admin)}/types/${id}`)).status, 400, 'in use');
  const bad = await ts.call('cinder', 'POST', `${v3(admin)}/types/${id}/extra_specs`, { body: { extra_specs: { k: 5 } } });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /extra_specs\.k/);
});

test('private types are visible only to projects given access', async () => {
  const t = await ts.tenant('private');
  const res = await ts.call<{ volume_type: Type }>('cinder', 'POST', `${v3(admin)}/types`, { body: { volume_type: { name: 'gold', 'os-volume-type-access:is_public': false } } });
  const id = res.body.volume_type.id;
  const listed = async () =>
    (await ts.call<{ volume_types: Type[] }>('cinder', 'GET', `${v3(t.projectId)}/types`, { token: t.token })).body.volume_types.map((x) => x.name);
  assert.ok(!(await listed()).includes('gold'));
  assert.equal((await ts.call('cinder', 'GET', `${v3(t.projectId)}/types/${id}`, { token: t.token })).status, 404);
  const add = await ts.call('cinder', 'POST', `${v3(admin)}/types/${id}/action`, { body: { addProjectAccess: { project: t.projectId } } });
  assert.equal(add.status, 202);
  assert.ok((await listed()).includes('gold'));
  const access = await ts.call<{ volume_type_access: { project_id: string }[] }>('cinder', 'GET', `${v3(admin)}/types/${id}/os-volume-type-access`);
  assert.deepEqual(access.body.volume_type_access.map((a) => a.project_id), [t.projectId]);
});

test('group types and groups: membership needs a matching type, delete needs delete-volumes', async () => {
  const t = await ts.tenant('groups');
  const gtRes = await ts.call<{ group_type: { id: string } }>('cinder', 'POST', `${v3(admin)}/group_types`, {
    headers: mv('3.11'),
    body: { group_type: { name: 'cg', group_specs: { consistent_group_snapshot_enabled: '<is> True' } } },
  });
  assert.equal(gtRes.status, 200, gtRes.text);
  const gt = gtRes.body.group_type.id;
  const spec = await ts.call('cinder', 'GET', `${v3(admin)}/group_types/${gt}/group_specs/consistent_group_snapshot_enabled`, { headers: mv('3.11') });
  assert.deepEqual(spec.body, { consistent_group_snapshot_enabled: '<is> True' });
  assert.equal((await ts.call('cinder', 'POST', `${v3(t.projectId)}/group_types`, { token: t.token, headers: mv('3.11'), body: { group_type: { name: 'x' } } })).status, 403);
  assert.equal((await ts.call('cinder', 'GET', `${v3(admin)}/group_types`)).status, 404, 'group types need 3.11');

  const typeA = (await ts.call<{ volume_type: Type }>('cinder', 'POST', `${v3(admin)}/types`, { body: { volume_type: { name: 'ga' } } })).body.volume_type;
  await ts.call('cinder', 'POST', `${v3(admin)}/types`, { body: { volume_type: { name: 'gb' } } });
  const g = await ts.call<{ group: { id: string } }>('cinder', 'POST', `${v3(t.projectId)}/groups`, {
    token: t.token,
    headers: mv('3.13'),
    body: { group: { name: 'g1', group_type: 'cg', volume_types: ['ga'] } },
  });
  assert.equal(g.status, 202, g.text);
  const gid = g.body.group.id;
  clock.advance(1000);
  const shown = await ts.call<{ group: { status: string; volume_types: string[] } }>('cinder', 'GET', `${v3(t.projectId)}/groups/${gid}`, { token: t.token, headers: mv('3.13') });
  assert.equal(shown.body.group.status, 'available');
  assert.deepEqual(shown.body.group.volume_types, [typeA.id]);

  const va = ts.site.cinder.createVolume(t.projectId, { size: 1, volume_type: 'ga' }, { immediate: true });
  const vb = ts.site.cinder.createVolume(t.projectId, { size: 1, volume_type: 'gb' }, { immediate: true });
  const put = (group: Record<string, unknown>) => ts.call('cinder', 'PUT', `${v3(t.projectId)}/groups/${gid}`, { token: t.token, headers: mv('3.13'), body: { group } });
  assert.equal((await put({ add_volumes: vb.id })).status, 400, 'wrong type');
  assert.equal((await put({ add_volumes: va.id })).status, 202);
  const vol = await ts.call<{ volume: { group_id: string } }>('cinder', 'GET', `${v3(t.projectId)}/volumes/${va.id}`, { token: t.token, headers: mv('3.13') });
  assert.equal(vol.body.volume.group_id, gid);
  assert.equal((await ts.call('cinder', 'DELETE', `${v3(t.projectId)}/volumes/${va.id}`, { token: t.token })).status, 400, 'in a group');
  const detail = await ts.call<{ groups: { id: string; volumes?: string[] }[] }>('cinder', 'GET', `${v3(t.projectId)}/groups/detail?list_volume=True`, { token: t.token, headers: mv('3.25') });
  assert.deepEqual(detail.body.groups[0]!.volumes, [va.id]);

  const action = (body: unknown) => ts.call('cinder', 'POST', `${v3(t.projectId)}/groups/${gid}/action`, { token: t.token, headers: mv('3.13'), body });
  const refused = await action({ delete: { 'delete-volumes': false } });
  assert.equal(refused.status, 400);
  assert.match(refused.text, /still contains volumes/);
  assert.equal((await action({ delete: { 'delete-volumes': true } })).status, 202);
  assert.equal((await ts.call('cinder', 'GET', `${v3(t.projectId)}/groups/${gid}`, { token: t.token, headers: mv('3.13') })).status, 404);
  clock.advance(1000);
  assert.equal(ts.site.cinder.getVolume(va.id), undefined);
  assert.ok(ts.site.cinder.getVolume(vb.id));
  const badGroup = await ts.call('cinder', 'POST', `${v3(t.projectId)}/groups`, { token: t.token, headers: mv('3.13'), body: { group: { group_type: 'cg', volume_types: 'ga' } } });
  assert.equal(badGroup.status, 400);
  assert.match(badGroup.text, /group\.volume_types/);
});

test('seedCinder creates types, group types and available volumes; unknown names are named', () => {
  ts.site.keystone.ensureProject('seeded', 'default');
  const image = ts.site.glance.createImage(admin, { name: 'seed-img', visibility: 'public', disk_format: 'raw', container_format: 'bare' });
  ts.site.glance.activate(image.id, 512, '0', '0');
  seedCinder(ts.site, {
    volume_types: [{ name: 'seed-type', extra_specs: { volume_backend_name: 'a' } }],
    group_types: [{ name: 'seed-gt', group_specs: { consistent_group_snapshot_enabled: '<is> True' } }],
    volumes: [
      { name: 'sv1', project: 'seeded', size: 2, type: 'seed-type' },
      { name: 'sv2', project: 'seeded', size: 1, image: 'seed-img' },
    ],
  });
  const vols = ts.site.cinder.listVolumes().filter((v) => v.name?.startsWith('sv'));
  assert.deepEqual(vols.map((v) => [v.name, v.status, v.bootable, v.volume_type]).sort(), [
    ['sv1', 'available', 'false', 'seed-type'],
    ['sv2', 'available', 'true', '__DEFAULT__'],
  ]);
  assert.throws(() => seedCinder(ts.site, { volumes: [{ name: 'x', project: 'nosuch', size: 1 }] }), /volume 'x'.*unknown project 'nosuch'/);
  assert.throws(() => seedCinder(ts.site, { volumes: [{ name: 'x', project: 'seeded', size: 1, type: 'nosuch' }] }), /unknown volume type 'nosuch'/);
  assert.throws(() => seedCinder(ts.site, { volumes: [{ name: 'x', project: 'seeded', size: 1, image: 'nosuch' }] }), /unknown image 'nosuch'/);
});
