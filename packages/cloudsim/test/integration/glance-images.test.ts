import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite({
  seed: { images: [{ name: 'cirros', size: 1000, min_disk: 1 }, { name: 'private-seed', visibility: 'private' }] },
});

interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  owner: string;
  size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  protected: boolean;
  tags: string[];
  min_disk: number;
  file: string;
  self: string;
  [k: string]: unknown;
}
const PATCH = { 'Content-Type': 'application/openstack-images-v2.1-json-patch' };

test('version discovery answers 300', async () => {
  const res = await ts.call<{ versions: { id: string; status: string }[] }>('glance', 'GET', '/', { token: null });
  assert.equal(res.status, 300);
  assert.ok(res.body.versions.some((v) => v.status === 'CURRENT'));
});

test('seeded images are active and public by default', async () => {
  const res = await ts.call<{ images: Image[] }>('glance', 'GET', '/v2/images?name=cirros');
  assert.equal(res.body.images.length, 1);
  const img = res.body.images[0]!;
  assert.equal(img.status, 'active');
  assert.equal(img.visibility, 'public');
  assert.equal(img.size, 1000);
  assert.equal(img.min_disk, 1);
  assert.equal(img.os_hash_algo, 'sha512');
});

test('create (queued), upload (active with checksums), download, delete', async () => {
  const created = await ts.call<Image>('glance', 'POST', '/v2/images', {
    body: { name: 'img', disk_format: 'qcow2', container_format: 'bare', visibility: 'public', hw_disk_bus: 'virtio', tags: ['a'] },
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.status, 'queued');
  assert.equal(created.body.hw_disk_bus, 'virtio');
  assert.equal(created.body.file, `/v2/images/${created.body.id}/file`);
  const data = Buffer.from('not really a disk image');
  const up = await fetch(`${ts.site.url('glance')}/v2/images/${created.body.id}/file`, {
    method: 'PUT',
    headers: { 'X-Auth-Token': await ts.adminToken(), 'Content-Type': 'application/octet-stream' },
    body: data,
  });
  assert.equal(up.status, 204);
  const shown = await ts.call<Image>('glance', 'GET', `/v2/images/${created.body.id}`);
  assert.equal(shown.body.status, 'active');
  assert.equal(shown.body.size, data.length);
  assert.equal(shown.body.checksum, createHash('md5').update(data).digest('hex'));
  assert.equal(shown.body.os_hash_value, createHash('sha512').update(data).digest('hex'));
  const down = await fetch(`${ts.site.url('glance')}/v2/images/${created.body.id}/file`, { headers: { 'X-Auth-Token': await ts.adminToken() } });
  assert.equal(down.status, 200);
  assert.deepEqual(Buffer.from(await down.arrayBuffer()), data);
  const again = await fetch(`${ts.site.url('glance')}/v2/images/${created.body.id}/file`, {
    method: 'PUT',
    headers: { 'X-Auth-Token': await ts.adminToken(), 'Content-Type': 'application/octet-stream' },
    body: data,
  });
  assert.equal(again.status, 409);
  assert.equal((await ts.call('glance', 'DELETE', `/v2/images/${created.body.id}`)).status, 204);
  const gone = await ts.call('glance', 'GET', `/v2/images/${created.body.id}`);
  assert.equal(gone.status, 404);
  assert.match(gone.text, /<h1>404 Not Found<\/h1>/);
});

test('JSON patch: replace, add, remove; protected images cannot be deleted', async () => {
  const img = (await ts.call<Image>('glance', 'POST', '/v2/images', { body: { name: 'p' } })).body;
  const patched = await ts.call<Image>('glance', 'PATCH', `/v2/images/${img.id}`, {
    headers: PATCH,
    body: [
      { op: 'replace', path: '/name', value: 'p2' },
      { op: 'add', path: '/os_distro', value: 'cirros' },
      { op: 'replace', path: '/protected', value: true },
      { op: 'add', path: '/tags', value: ['x', 'x', 'y'] },
    ],
  });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.name, 'p2');
  assert.equal(patched.body.os_distro, 'cirros');
  assert.deepEqual(patched.body.tags, ['x', 'y']);
  const removed = await ts.call<Image>('glance', 'PATCH', `/v2/images/${img.id}`, { headers: PATCH, body: [{ op: 'remove', path: '/os_distro' }] });
  assert.equal(removed.body.os_distro, undefined);
  const del = await ts.call('glance', 'DELETE', `/v2/images/${img.id}`);
  assert.equal(del.status, 403);
  const readOnly = await ts.call('glance', 'PATCH', `/v2/images/${img.id}`, { headers: PATCH, body: [{ op: 'replace', path: '/status', value: 'active' }] });
  assert.equal(readOnly.status, 403);
  const wrongType = await ts.call('glance', 'PATCH', `/v2/images/${img.id}`, { body: [{ op: 'replace', path: '/name', value: 'x' }] });
  assert.equal(wrongType.status, 415);
  const badOp = await ts.call('glance', 'PATCH', `/v2/images/${img.id}`, { headers: PATCH, body: [{ op: 'move', path: '/name' }] });
  assert.equal(badOp.status, 400);
  await ts.call('glance', 'PATCH', `/v2/images/${img.id}`, { headers: PATCH, body: [{ op: 'replace', path: '/protected', value: false }] });
  assert.equal((await ts.call('glance', 'PUT', `/v2/images/${img.id}/tags/z`)).status, 204);
  assert.deepEqual((await ts.call<Image>('glance', 'GET', `/v2/images/${img.id}`)).body.tags, ['x', 'y', 'z']);
  assert.equal((await ts.call('glance', 'DELETE', `/v2/images/${img.id}`)).status, 204);
});

test('bad create bodies: 400 naming the field, 403 for read-only attributes', async () => {
  const cases: [Record<string, unknown>, number, RegExp][] = [
    [{ name: 5 }, 400, /name/],
    [{ name: 'n'.repeat(256) }, 400, /name/],
    [{ disk_format: 'floppy' }, 400, /disk_format/],
    [{ min_ram: -1 }, 400, /min_ram/],
    [{ min_disk: 'big' }, 400, /min_disk/],
    [{ visibility: 'everyone' }, 400, /visibility/],
    [{ protected: 'yes' }, 400, /protected/],
    [{ id: 'not-a-uuid' }, 400, /id/],
    [{ custom: 7 }, 400, /custom/],
    [{ status: 'active' }, 403, /status/],
    [{ size: 10 }, 403, /size/],
  ];
  for (const [body, status, text] of cases) {
    const res = await ts.call('glance', 'POST', '/v2/images', { body });
    assert.equal(res.status, status, JSON.stringify(body));
    assert.match(res.text, text);
  }
  const notObject = await ts.call('glance', 'POST', '/v2/images', { body: [1] });
  assert.equal(notObject.status, 400);
});

test('list: limit/marker with next link, sort, filters', async () => {
  for (const name of ['l-b', 'l-a', 'l-c']) await ts.call('glance', 'POST', '/v2/images', { body: { name, tags: ['paged'] } });
  const p1 = await ts.call<{ images: Image[]; next?: string }>('glance', 'GET', '/v2/images?tag=paged&sort=name:asc&limit=2');
  assert.deepEqual(p1.body.images.map((i) => i.name), ['l-a', 'l-b']);
  assert.ok(p1.body.next);
  const p2 = await ts.call<{ images: Image[]; next?: string }>('glance', 'GET', p1.body.next);
  assert.deepEqual(p2.body.images.map((i) => i.name), ['l-c']);
  assert.equal(p2.body.next, undefined);
  const desc = await ts.call<{ images: Image[] }>('glance', 'GET', '/v2/images?tag=paged&sort_key=name&sort_dir=desc');
  assert.deepEqual(desc.body.images.map((i) => i.name), ['l-c', 'l-b', 'l-a']);
  const queued = await ts.call<{ images: Image[] }>('glance', 'GET', '/v2/images?status=queued&tag=paged');
  assert.equal(queued.body.images.length, 3);
  assert.equal((await ts.call('glance', 'GET', '/v2/images?sort_key=bogus')).status, 400);
  assert.equal((await ts.call('glance', 'GET', '/v2/images?limit=-1')).status, 400);
  assert.equal((await ts.call('glance', 'GET', '/v2/images?marker=nope')).status, 400);
});

test('visibility: private images of others are 404; members cannot publicize; model visibleImage', async () => {
  const demo = await ts.tenant('demo');
  const other = await ts.tenant('other');
  const mine = await ts.call<Image>('glance', 'POST', '/v2/images', { token: demo.token, body: { name: 'demo-img', visibility: 'private' } });
  assert.equal(mine.status, 201);
  assert.equal(mine.body.owner, demo.projectId);
  assert.equal((await ts.call('glance', 'GET', `/v2/images/${mine.body.id}`, { token: other.token })).status, 404);
  const list = await ts.call<{ images: Image[] }>('glance', 'GET', '/v2/images', { token: other.token });
  assert.ok(!list.body.images.some((i) => i.id === mine.body.id));
  assert.ok(list.body.images.some((i) => i.name === 'cirros'));
  assert.ok(!list.body.images.some((i) => i.name === 'private-seed'));
  const pub = await ts.call('glance', 'POST', '/v2/images', { token: demo.token, body: { name: 'x', visibility: 'public' } });
  assert.equal(pub.status, 403);
  const cirros = list.body.images.find((i) => i.name === 'cirros')!;
  assert.equal((await ts.call('glance', 'DELETE', `/v2/images/${cirros.id}`, { token: other.token })).status, 403);
  const community = await ts.call<Image>('glance', 'POST', '/v2/images', { token: demo.token, body: { name: 'comm', visibility: 'community' } });
  assert.equal((await ts.call('glance', 'GET', `/v2/images/${community.body.id}`, { token: other.token })).status, 200);
  const glance = ts.site.glance;
  assert.ok(glance.visibleImage(mine.body.id, demo.projectId, false));
  assert.equal(glance.visibleImage(mine.body.id, other.projectId, false), undefined);
  assert.ok(glance.visibleImage(mine.body.id, other.projectId, true));
  assert.ok(glance.visibleImage(cirros.id, undefined, false));
});

test('schemas are served', async () => {
  const res = await ts.call<{ name: string; properties: Record<string, unknown> }>('glance', 'GET', '/v2/schemas/image');
  assert.equal(res.body.name, 'image');
  assert.ok('disk_format' in res.body.properties);
  assert.equal((await ts.call('glance', 'GET', '/v2/schemas/images')).status, 200);
});
