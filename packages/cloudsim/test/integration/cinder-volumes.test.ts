import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { startTestSite } from '../helpers/site.js';

const clock = new ManualClock();
const ts = await startTestSite({ clock, bootTimeMs: 1000 });
const admin = ts.site.keystone.projects.find((p) => p.name === 'admin')!.id;
type Vol = { id: string; status: string; name: string | null; size: number; bootable: string; metadata: Record<string, string>; group_id?: string | null; [k: string]: unknown };
const v3 = (project: string) => `/v3/${project}`;

async function create(token: string | undefined, project: string, volume: Record<string, unknown>) {
  return ts.call<{ volume: Vol }>('cinder', 'POST', `${v3(project)}/volumes`, { ...(token ? { token } : {}), body: { volume } });
}

test('version discovery: GET / is 300 without a token', async () => {
  const res = await ts.call<{ versions: { id: string; version: string }[] }>('cinder', 'GET', '/', { token: null });
  assert.equal(res.status, 300);
  assert.equal(res.body.versions[0]!.id, 'v3.0');
  assert.equal(res.body.versions[0]!.version, '3.70');
});

test('create, creating → available after bootTimeMs, show, list, update, delete', async () => {
  const res = await create(undefined, admin, { size: 1, name: 'v1', metadata: { k: 'v' } });
  assert.equal(res.status, 202, res.text);
  const id = res.body.volume.id;
  assert.equal(res.body.volume.status, 'creating');
  clock.advance(1000);
  let show = await ts.call<{ volume: Vol }>('cinder', 'GET', `${v3(admin)}/volumes/${id}`);
  assert.equal(show.body.volume.status, 'available');
  assert.equal(show.body.volume.volume_type, '__DEFAULT__');
  assert.equal(show.body.volume['os-vol-host-attr:host'], 'cloudsim@test-site#pool');
  assert.equal(show.body.volume.group_id, undefined, 'group_id only from 3.13');
  show = await ts.call('cinder', 'GET', `${v3(admin)}/volumes/${id}`, { headers: { 'OpenStack-API-Version': 'volume 3.13' } });
  assert.equal(show.body.volume.group_id, null);
  const list = await ts.call<{ volumes: { id: string; name: string }[] }>('cinder', 'GET', `${v3(admin)}/volumes?name=v1`);
  assert.deepEqual(list.body.volumes.map((v) => v.id), [id]);
  const byMeta = await ts.call<{ volumes: Vol[] }>('cinder', 'GET', `${v3(admin)}/volumes/detail?metadata=${encodeURIComponent("{'k': 'v'}")}`);
  assert.deepEqual(byMeta.body.volumes.map((v) => v.id), [id]);
  const upd = await ts.call<{ volume: Vol }>('cinder', 'PUT', `${v3(admin)}/volumes/${id}`, { body: { volume: { name: 'v1b', metadata: { a: 'b' } } } });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.volume.name, 'v1b');
  assert.deepEqual(upd.body.volume.metadata, { a: 'b' });
  const del = await ts.call('cinder', 'DELETE', `${v3(admin)}/volumes/${id}`);
  assert.equal(del.status, 202);
  assert.equal(ts.site.cinder.getVolume(id)!.status, 'deleting');
  clock.advance(1000);
  assert.equal(ts.site.cinder.getVolume(id), undefined);
  assert.equal((await ts.call('cinder', 'GET', `${v3(admin)}/volumes/${id}`)).status, 404);
});

test('paging with limit and marker, sorted by name', async () => {
  const t = await ts.tenant('pager');
  for (const n of ['c', 'a', 'b']) await create(t.token, t.projectId, { size: 1, name: n });
  const first = await ts.call<{ volumes: Vol[]; volumes_links?: { href: string }[] }>('cinder', 'GET', `${v3(t.projectId)}/volumes?sort=name:asc&limit=2`, { token: t.token });
  assert.deepEqual(first.body.volumes.map((v) => v.name), ['a', 'b']);
  const next = new URL(first.body.volumes_links![0]!.href);
  const second = await ts.call<{ volumes: Vol[] }>('cinder', 'GET', `${next.pathname}${next.search}`, { token: t.token });
  assert.deepEqual(second.body.volumes.map((v) => v.name), ['c']);
  const bad = await ts.call('cinder', 'GET', `${v3(t.projectId)}/volumes?marker=nope`, { token: t.token });
  assert.equal(bad.status, 400);
});

test('isolation: another project sees 404, URL project must be the token project, all_tenants for admin', async () => {
  const a = await ts.tenant('iso-a');
  const b = await ts.tenant('iso-b');
  const vol = (await create(a.token, a.projectId, { size: 1, name: 'mine' })).body.volume;
  const res = await ts.call('cinder', 'GET', `${v3(b.projectId)}/volumes/${vol.id}`, { token: b.token });
  assert.equal(res.status, 404);
  assert.deepEqual(Object.keys(res.body), ['itemNotFound']);
  const wrong = await ts.call('cinder', 'GET', `${v3(a.projectId)}/volumes`, { token: b.token });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /Malformed request url/);
  const other = await ts.call<{ volumes: Vol[] }>('cinder', 'GET', `${v3(b.projectId)}/volumes?all_tenants=1`, { token: b.token });
  assert.equal(other.body.volumes.length, 0, 'all_tenants is ignored for members');
  const all = await ts.call<{ volumes: Vol[] }>('cinder', 'GET', `${v3(admin)}/volumes?all_tenants=1`);
  assert.ok(all.body.volumes.some((v) => v.id === vol.id));
  assert.equal((await ts.call('cinder', 'GET', `${v3(admin)}/volumes/${vol.id}`)).status, 200, 'admins may show any volume');
});

test('bad input is 400 naming the field, never 500', async () => {
  const cases: [unknown, RegExp][] = [
    [{ volume: { size: 'abc' } }, /volume\.size/],
    [{ volume: { size: 0 } }, /volume\.size/],
    [{ volume: { size: 1, bogus: 1 } }, /volume\.bogus/],
    [{ volume: { size: 1, name: 'x'.repeat(256) } }, /volume\.name/],
    [{ volume: { size: 1, metadata: 'x' } }, /volume\.metadata/],
    [{ volume: { size: 1, snapshot_id: 'not-a-uuid' } }, /volume\.snapshot_id/],
    [{ nope: {} }, /volume/],
    [{ volume: {} }, /size/],
  ];
  for (const [body, field] of cases) {
    const res = await ts.call('cinder', 'POST', `${v3(admin)}/volumes`, { body });
    assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
    assert.match(res.text, field);
    assert.ok('badRequest' in res.body);
  }
  const badType = await create(undefined, admin, { size: 1, volume_type: 'nosuch' });
  assert.equal(badType.status, 404);
  const badImage = await create(undefined, admin, { size: 1, imageRef: '00000000-0000-0000-0000-000000000000' });
  assert.equal(badImage.status, 400);
  const badAction = await ts.call('cinder', 'POST', `${v3(admin)}/volumes/00000000-0000-0000-0000-000000000000/action`, { body: { 'os-extend': { new_size: 2 } } });
  assert.equal(badAction.status, 404);
  const malformed = await ts.call('cinder', 'POST', `${v3(admin)}/volumes`, { body: '{"volume":' });
  assert.equal(malformed.status, 400);
});

test('content: sparse reads are zeros, writes read back, out of range is 400', async () => {
  const v = ts.site.cinder.createVolume(admin, { size: 1 }, { immediate: true });
  assert.deepEqual(ts.site.cinder.readVolume(v.id, 1000, 4), Buffer.alloc(4));
  const data = Buffer.from('hello across a block boundary');
  const at = 64 * 1024 - 5;
  ts.site.cinder.writeVolume(v.id, at, data);
  assert.equal(ts.site.cinder.readVolume(v.id, at, data.length).toString(), data.toString());
  assert.throws(() => ts.site.cinder.readVolume(v.id, 1024 ** 3 - 2, 4), (e: Error & { status?: number }) => e.status === 400);
  assert.throws(() => ts.site.cinder.writeVolume(v.id, -1, data), (e: Error & { status?: number }) => e.status === 400);
});

test('volume from an image is bootable with image metadata; attach and detach', async () => {
  const image = ts.site.glance.createImage(admin, { name: 'cirros', visibility: 'public', disk_format: 'qcow2', container_format: 'bare' });
  ts.site.glance.activate(image.id, 1024, '0', '0');
  const res = await create(undefined, admin, { size: 1, imageRef: image.id });
  assert.equal(res.status, 202, res.text);
  const vol = res.body.volume;
  assert.equal(vol.bootable, 'true');
  assert.equal((vol.volume_image_metadata as Record<string, string>).image_name, 'cirros');
  const attachEarly = await ts.call('cinder', 'POST', `${v3(admin)}/volumes/${vol.id}/action`, { body: { 'os-attach': { instance_uuid: 'srv', mountpoint: '/dev/vdb' } } });
  assert.equal(attachEarly.status, 400, 'creating volumes cannot be attached');
  clock.advance(1000);
  const attached = ts.site.cinder.attachVolume(vol.id, { server_id: 'srv-1', device: '/dev/vdb', host_name: 'compute' });
  assert.equal(attached.status, 'in-use');
  assert.throws(() => ts.site.cinder.attachVolume(vol.id, { server_id: 'srv-2', device: '/dev/vdb', host_name: 'c' }), /status must be available/);
  const del = await ts.call('cinder', 'DELETE', `${v3(admin)}/volumes/${vol.id}`);
  assert.equal(del.status, 400);
  assert.equal(ts.site.cinder.detachVolume(vol.id, 'srv-1').status, 'available');
});

test('volume actions: extend, reset_status admin-only, set_bootable', async () => {
  const t = await ts.tenant('actions');
  const vol = ts.site.cinder.createVolume(t.projectId, { size: 1 }, { immediate: true });
  const act = (body: unknown, token = t.token) => ts.call('cinder', 'POST', `${v3(t.projectId === '' ? admin : t.projectId)}/volumes/${vol.id}/action`, { token, body });
  assert.equal((await act({ 'os-extend': { new_size: 3 } })).status, 202);
  assert.equal(ts.site.cinder.getVolume(vol.id)!.size, 3);
  assert.equal((await act({ 'os-extend': { new_size: 2 } })).status, 400);
  assert.equal((await act({ 'os-reset_status': { status: 'error' } })).status, 403);
  assert.equal((await act({ 'os-set_bootable': { bootable: true } })).status, 200);
  assert.equal(ts.site.cinder.getVolume(vol.id)!.bootable, 'true');
  const unknown = await act({ 'os-nonsense': {} });
  assert.equal(unknown.status, 400);
  assert.match(unknown.text, /os-nonsense/);
});

test('snapshots capture content; a volume from a snapshot copies it', async () => {
  const t = await ts.tenant('snaps');
  const vol = ts.site.cinder.createVolume(t.projectId, { size: 1 }, { immediate: true });
  ts.site.cinder.writeVolume(vol.id, 0, Buffer.from('before'));
  const res = await ts.call<{ snapshot: { id: string; status: string } }>('cinder', 'POST', `${v3(t.projectId)}/snapshots`, {
    token: t.token,
    body: { snapshot: { volume_id: vol.id, name: 's1' } },
  });
  assert.equal(res.status, 202, res.text);
  ts.site.cinder.writeVolume(vol.id, 0, Buffer.from('after!'));
  clock.advance(1000);
  const snap = await ts.call<{ snapshot: { status: string } }>('cinder', 'GET', `${v3(t.projectId)}/snapshots/${res.body.snapshot.id}`, { token: t.token });
  assert.equal(snap.body.snapshot.status, 'available');
  const fromSnap = await create(t.token, t.projectId, { snapshot_id: res.body.snapshot.id });
  assert.equal(fromSnap.status, 202, fromSnap.text);
  assert.equal(fromSnap.body.volume.size, 1);
  assert.equal(ts.site.cinder.readVolume(fromSnap.body.volume.id, 0, 6).toString(), 'before');
  const delVol = await ts.call('cinder', 'DELETE', `${v3(t.projectId)}/volumes/${vol.id}`, { token: t.token });
  assert.equal(delVol.status, 400, 'a volume with snapshots needs cascade');
  assert.equal((await ts.call('cinder', 'DELETE', `${v3(t.projectId)}/volumes/${vol.id}?cascade=True`, { token: t.token })).status, 202);
});

test('unmanage keeps the bytes on the array as -unmanaged; manage brings them back under a new id', async () => {
  const t = await ts.tenant('manage');
  const vol = ts.site.cinder.createVolume(t.projectId, { size: 2, name: 'keep' }, { immediate: true });
  ts.site.cinder.writeVolume(vol.id, 4096, Buffer.from('precious'));
  const un = await ts.call('cinder', 'POST', `${v3(t.projectId)}/volumes/${vol.id}/action`, { token: t.token, body: { 'os-unmanage': {} } });
  assert.equal(un.status, 202);
  assert.equal(ts.site.cinder.getVolume(vol.id), undefined);
  const forbidden = await ts.call('cinder', 'GET', `${v3(t.projectId)}/manageable_volumes?host=cloudsim@test-site`, { token: t.token, headers: { 'OpenStack-API-Version': 'volume 3.8' } });
  assert.equal(forbidden.status, 403);
  const list = await ts.call<{ 'manageable-volumes': { reference: { 'source-name': string }; size: number; cinder_id: null }[] }>(
    'cinder',
    'GET',
    `${v3(admin)}/manageable_volumes/detail?host=cloudsim@test-site`,
    { headers: { 'OpenStack-API-Version': 'volume 3.8' } },
  );
  assert.equal(list.status, 200, list.text);
  const unmanaged = `volume-${vol.id}-cinder-unmanaged`;
  const ref = list.body['manageable-volumes'].find((m) => m.reference['source-name'] === unmanaged);
  assert.equal(ref?.size, 2);
  const managed = await ts.call<{ volume: Vol }>('cinder', 'POST', `${v3(t.projectId)}/os-volume-manage`, {
    token: t.token,
    body: { volume: { host: 'cloudsim@test-site#pool', ref: { 'source-name': unmanaged }, name: 'back', bootable: true } },
  });
  assert.equal(managed.status, 202, managed.text);
  assert.equal(managed.body.volume.bootable, 'true');
  assert.equal(ts.site.cinder.readVolume(managed.body.volume.id, 4096, 8).toString(), 'precious');
  const again = await ts.call('cinder', 'POST', `${v3(t.projectId)}/os-volume-manage`, {
    token: t.token,
    body: { volume: { host: 'cloudsim@test-site#pool', ref: { 'source-name': unmanaged } } },
  });
  assert.equal(again.status, 404, 'managing renamed it away');
  const missingRef = await ts.call('cinder', 'POST', `${v3(t.projectId)}/os-volume-manage`, { token: t.token, body: { volume: { host: 'x' } } });
  assert.equal(missingRef.status, 400);
  assert.match(missingRef.text, /volume\.ref/);
});

test('quotas: defaults, admin update, 413 over limit, member cannot update', async () => {
  const t = await ts.tenant('quota');
  const show = await ts.call<{ quota_set: Record<string, unknown> }>('cinder', 'GET', `${v3(t.projectId)}/os-quota-sets/${t.projectId}`, { token: t.token });
  assert.equal(show.body.quota_set.volumes, 10);
  assert.equal(show.body.quota_set.gigabytes, 1000);
  const denied = await ts.call('cinder', 'PUT', `${v3(t.projectId)}/os-quota-sets/${t.projectId}`, { token: t.token, body: { quota_set: { volumes: 1 } } });
  assert.equal(denied.status, 403);
  const upd = await ts.call('cinder', 'PUT', `${v3(admin)}/os-quota-sets/${t.projectId}`, { body: { quota_set: { volumes: 1, gigabytes: 5 } } });
  assert.equal(upd.status, 200, upd.text);
  const big = await create(t.token, t.projectId, { size: 6 });
  assert.equal(big.status, 413);
  assert.match(big.text, /VolumeSizeExceedsAvailableQuota/);
  assert.equal((await create(t.token, t.projectId, { size: 1 })).status, 202);
  const over = await create(t.token, t.projectId, { size: 1 });
  assert.equal(over.status, 413);
  assert.ok('overLimit' in over.body);
  assert.match(over.text, /VolumeLimitExceeded: Maximum number of volumes allowed \(1\) exceeded for quota 'volumes'\./);
  const usage = await ts.call<{ quota_set: { volumes: { in_use: number } } }>('cinder', 'GET', `${v3(t.projectId)}/os-quota-sets/${t.projectId}?usage=True`, { token: t.token });
  assert.equal(usage.body.quota_set.volumes.in_use, 1);
  const limits = await ts.call<{ limits: { absolute: Record<string, number> } }>('cinder', 'GET', `${v3(t.projectId)}/limits`, { token: t.token });
  assert.equal(limits.body.limits.absolute.maxTotalVolumes, 1);
  assert.equal(limits.body.limits.absolute.totalVolumesUsed, 1);
});

test('services (admin) and availability zones', async () => {
  const t = await ts.tenant('svc');
  const services = await ts.call<{ services: { binary: string; host: string; state: string }[] }>('cinder', 'GET', `${v3(admin)}/os-services`);
  assert.deepEqual(services.body.services.map((s) => s.binary), ['cinder-scheduler', 'cinder-volume']);
  assert.equal((await ts.call('cinder', 'GET', `${v3(t.projectId)}/os-services`, { token: t.token })).status, 403);
  const az = await ts.call<{ availabilityZoneInfo: { zoneName: string }[] }>('cinder', 'GET', `${v3(t.projectId)}/os-availability-zone`, { token: t.token });
  assert.equal(az.body.availabilityZoneInfo[0]!.zoneName, 'nova');
});

test('volume metadata routes: set merges, put replaces, key get/put/delete', async () => {
  const v = ts.site.cinder.createVolume(admin, { size: 1, metadata: { a: '1' } }, { immediate: true });
  const base = `${v3(admin)}/volumes/${v.id}/metadata`;
  assert.deepEqual((await ts.call('cinder', 'POST', base, { body: { metadata: { b: '2' } } })).body, { metadata: { a: '1', b: '2' } });
  assert.deepEqual((await ts.call('cinder', 'GET', `${base}/b`)).body, { meta: { b: '2' } });
  assert.equal((await ts.call('cinder', 'DELETE', `${base}/a`)).status, 200);
  assert.equal((await ts.call('cinder', 'DELETE', `${base}/a`)).status, 404);
  assert.deepEqual((await ts.call('cinder', 'PUT', base, { body: { metadata: { c: '3' } } })).body, { metadata: { c: '3' } });
  const bad = await ts.call('cinder', 'POST', base, { body: { metadata: { k: ['x'] } } });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /metadata\.k/);
});

test('attachments (3.27) list what Nova attached', async () => {
  const t = await ts.tenant('attach');
  const v = ts.site.cinder.createVolume(t.projectId, { size: 1 }, { immediate: true });
  const att = ts.site.cinder.attachVolume(v.id, { server_id: 'srv-9', device: '/dev/vdc', host_name: 'compute' }).attachments[0]!;
  const base = `${v3(t.projectId)}/attachments`;
  assert.equal((await ts.call('cinder', 'GET', base, { token: t.token })).status, 404, 'needs 3.27');
  const list = await ts.call<{ attachments: { id: string; instance: string; status: string }[] }>('cinder', 'GET', base, { token: t.token, headers: { 'OpenStack-API-Version': 'volume 3.27' } });
  assert.deepEqual(list.body.attachments, [{ id: att.attachment_id, status: 'attached', instance: 'srv-9', volume_id: v.id }]);
  const one = await ts.call<{ attachment: { attach_mode: string } }>('cinder', 'GET', `${base}/${att.attachment_id}`, { token: t.token, headers: { 'OpenStack-API-Version': 'volume 3.27' } });
  assert.equal(one.body.attachment.attach_mode, 'rw');
});
