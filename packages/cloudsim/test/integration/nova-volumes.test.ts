import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { startTestSite } from '../helpers/site.js';
import { boot, makeVolume, novaFixture, show } from './nova-fixtures.js';

const clock = new ManualClock();
const ts = await startTestSite({ clock, bootTimeMs: 2000 });
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
const bootVolume = (uuid: string, extra: Record<string, unknown> = {}) => ({
  imageRef: '',
  block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', boot_index: '0', uuid, ...extra }],
});

test('boot from an existing volume: image is "", the volume is in-use as /dev/vda', async () => {
  const f = await novaFixture(ts);
  const vol = makeVolume(ts, f, 1, f.imageId);
  const res = await boot(ts, f, bootVolume(vol));
  assert.equal(res.status, 202, res.text);
  clock.advance(2000);
  const s = await show(ts, f, res.body.server.id, mv('2.3'));
  assert.equal(s.body.server.status, 'ACTIVE');
  assert.equal(s.body.server.image, '');
  assert.deepEqual(s.body.server['os-extended-volumes:volumes_attached'], [{ id: vol, delete_on_termination: false }]);
  const v = ts.site.cinder.getVolume(vol)!;
  assert.equal(v.status, 'in-use');
  assert.equal(v.attachments[0]!.device, '/dev/vda');
  assert.equal(v.attachments[0]!.server_id, res.body.server.id);
  // The same volume cannot boot a second server.
  const again = await boot(ts, f, bootVolume(vol));
  assert.equal(again.status, 400);
  assert.match(again.text, /Invalid volume/);
  // Delete detaches but keeps a volume without delete_on_termination.
  await ts.call('nova', 'DELETE', `/v2.1/servers/${res.body.server.id}`, { token: f.token });
  assert.equal(ts.site.cinder.getVolume(vol)!.status, 'available');
});

test('boot from image to a new volume, deleted with the server when delete_on_termination', async () => {
  const f = await novaFixture(ts);
  const res = await boot(ts, f, {
    imageRef: '',
    block_device_mapping_v2: [{ source_type: 'image', destination_type: 'volume', boot_index: 0, uuid: f.imageId, volume_size: 2, delete_on_termination: true }],
  });
  assert.equal(res.status, 202, res.text);
  const s = await show(ts, f, res.body.server.id);
  const attached = s.body.server['os-extended-volumes:volumes_attached'] as { id: string }[];
  const vol = ts.site.cinder.getVolume(attached[0]!.id)!;
  assert.equal(vol.size, 2);
  assert.equal(vol.project_id, f.projectId);
  await ts.call('nova', 'DELETE', `/v2.1/servers/${res.body.server.id}`, { token: f.token });
  const gone = ts.site.cinder.getVolume(vol.id);
  assert.ok(gone === undefined || gone.status === 'deleting', `volume still ${gone?.status}`);
  const bad = await boot(ts, f, { imageRef: '', block_device_mapping_v2: [{ source_type: 'image', destination_type: 'volume', boot_index: 0, uuid: f.imageId }] });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /non-zero size/);
});

test('a boot volume that vanishes during BUILD leaves the server in ERROR with a fault', async () => {
  const f = await novaFixture(ts);
  const vol = makeVolume(ts, f);
  const res = await boot(ts, f, bootVolume(vol));
  assert.equal(res.status, 202);
  // Simulate the volume disappearing behind Nova's back (an operator purging it in Cinder).
  ts.site.cinder.detachVolume(vol, res.body.server.id);
  ts.site.cinder.deleteVolume(vol);
  clock.advance(60_000);
  const s = await show(ts, f, res.body.server.id);
  assert.equal(s.body.server.status, 'ERROR');
  const fault = s.body.server.fault as { code: number; message: string; created: string };
  assert.equal(fault.code, 500);
  assert.match(fault.message, new RegExp(vol));
  assert.equal((await ts.call('nova', 'DELETE', `/v2.1/servers/${res.body.server.id}`, { token: f.token })).status, 204);
});

test('os-volume_attachments: attach, list, show, detach, mirrored in Cinder', async () => {
  const f = await novaFixture(ts);
  const id = (await boot(ts, f, {})).body.server.id;
  const vol = makeVolume(ts, f);
  const base = `/v2.1/servers/${id}/os-volume_attachments`;
  let res = await ts.call('nova', 'POST', base, { token: f.token, body: { volumeAttachment: { volumeId: vol } } });
  assert.equal(res.status, 409, 'cannot attach while building');
  clock.advance(2000);
  res = await ts.call('nova', 'POST', base, { token: f.token, headers: mv('2.79'), body: { volumeAttachment: { volumeId: vol, delete_on_termination: true } } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.volumeAttachment, { device: '/dev/vdb', serverId: id, volumeId: vol, id: vol, tag: null, delete_on_termination: true });
  assert.equal(ts.site.cinder.getVolume(vol)!.status, 'in-use');
  res = await ts.call('nova', 'POST', base, { token: f.token, body: { volumeAttachment: { volumeId: vol } } });
  assert.equal(res.status, 400);
  res = await ts.call('nova', 'GET', base, { token: f.token, headers: mv('2.89') });
  const list = res.body.volumeAttachments as Record<string, unknown>[];
  assert.equal(list.length, 1);
  assert.equal(list[0]!.id, undefined);
  assert.ok(list[0]!.attachment_id);
  res = await ts.call('nova', 'GET', `${base}/${vol}`, { token: f.token });
  assert.equal((res.body.volumeAttachment as { device: string }).device, '/dev/vdb');
  res = await ts.call('nova', 'POST', base, { token: f.token, body: { volumeAttachment: { volumeId: '00000000-0000-0000-0000-000000000000' } } });
  assert.equal(res.status, 404);
  res = await ts.call('nova', 'POST', base, { token: f.token, body: { volumeAttachment: { volumeId: 'nope' } } });
  assert.equal(res.status, 400);
  assert.match(res.text, /volumeAttachment\.volumeId/);
  const other = await novaFixture(ts);
  res = await ts.call('nova', 'GET', base, { token: other.token });
  assert.equal(res.status, 404);
  res = await ts.call('nova', 'DELETE', `${base}/${vol}`, { token: f.token });
  assert.equal(res.status, 202);
  assert.equal(ts.site.cinder.getVolume(vol)!.status, 'available');
  res = await ts.call('nova', 'DELETE', `${base}/${vol}`, { token: f.token });
  assert.equal(res.status, 404);
});

test('the root volume cannot be detached', async () => {
  const f = await novaFixture(ts);
  const vol = makeVolume(ts, f);
  const id = (await boot(ts, f, bootVolume(vol))).body.server.id;
  clock.advance(2000);
  const res = await ts.call('nova', 'DELETE', `/v2.1/servers/${id}/os-volume_attachments/${vol}`, { token: f.token });
  assert.equal(res.status, 400);
  assert.match(res.text, /root device/);
});

test('seeded servers are ACTIVE at once; unknown names are named in the error', async () => {
  const { seedNova } = await import('../../src/nova/seed.js');
  const f = await novaFixture(ts, 'seedproj');
  const vol = ts.site.cinder.createVolume(f.projectId, { size: 1, name: 'seed-boot' }, { immediate: true });
  seedNova(ts.site, {
    flavors: [{ name: 'seed.small', vcpus: 1, ram: 256, disk: 1 }],
    keypairs: [{ name: 'seedkey', user: 'seedproj-user' }],
    quotas: [{ project: 'seedproj', instances: 5 }],
    servers: [
      { name: 'seeded-vol', project: 'seedproj', user: 'seedproj-user', flavor: 'seed.small', boot_volume: 'seed-boot', networks: [{ network: f.networkName }], key_name: 'seedkey' },
      { name: 'seeded-img', project: 'seedproj', flavor: 'seed.small', image: ts.site.glance.getImage(f.imageId)!.name!, networks: [{ network: f.networkName }] },
    ],
  });
  const list = await ts.call<{ servers: { name: string; status: string; key_name: string | null }[] }>('nova', 'GET', '/v2.1/servers/detail', { token: f.token });
  assert.deepEqual(list.body.servers.map((s) => [s.name, s.status]).sort(), [['seeded-img', 'ACTIVE'], ['seeded-vol', 'ACTIVE']]);
  assert.equal(ts.site.cinder.getVolume(vol.id)!.status, 'in-use');
  assert.equal(ts.site.nova.quotaLimits(f.projectId).instances, 5);
  assert.throws(() => seedNova(ts.site, { servers: [{ name: 'x', project: 'seedproj', flavor: 'nosuch', image: 'y' }] }), /server 'x': unknown flavor 'nosuch'/);
  assert.throws(() => seedNova(ts.site, { servers: [{ name: 'x', project: 'nosuch', flavor: 'seed.small' }] }), /unknown project 'nosuch'/);
  assert.throws(() => seedNova(ts.site, { servers: [{ name: 'x', project: 'seedproj', flavor: 'seed.small', image: 'nosuch-image' }] }), /unknown image 'nosuch-image'/);
});
