import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { startTestSite } from '../helpers/site.js';
import { action, boot, makeVolume, novaFixture } from './nova-fixtures.js';

const clock = new ManualClock();
const ts = await startTestSite({ clock, bootTimeMs: 1000 });
const guest = (id: string, op: string, body?: unknown) =>
  ts.call<Record<string, unknown> & { error?: { message: string } }>('sim', body === undefined ? 'GET' : 'POST', `/sim/servers/${id}/${op}`, { token: null, body });
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function volumeServer() {
  const f = await novaFixture(ts);
  const boot0 = makeVolume(ts, f);
  const res = await boot(ts, f, { imageRef: '', block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', boot_index: 0, uuid: boot0 }] });
  assert.equal(res.status, 202, res.text);
  return { f, id: res.body.server.id, boot0 };
}

test('the guest writes its boot disk and reads the data back; it persists across stop/start', async () => {
  const { f, id, boot0 } = await volumeServer();
  let res = await guest(id, 'write', { offset: 0, data: b64('hello') });
  assert.equal(res.status, 409, 'no I/O while building');
  assert.ok(res.body.error);
  clock.advance(1000);
  res = await guest(id, 'disks');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.disks, [{ device: '/dev/vda', volume_id: boot0, source: 'volume', boot: true, size_gb: 1 }]);
  res = await guest(id, 'write', { offset: 512, data: b64('hello, disk') });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { written: 11, volume_id: boot0, device: '/dev/vda' });
  res = await guest(id, 'read', { device: '/dev/vda', offset: 512, length: 11 });
  assert.equal(Buffer.from(res.body.data as string, 'base64').toString(), 'hello, disk');
  assert.equal((await action(ts, f, id, { 'os-stop': null })).status, 202);
  res = await guest(id, 'read', { offset: 512, length: 11 });
  assert.equal(res.status, 409);
  assert.equal((await action(ts, f, id, { 'os-start': null })).status, 202);
  res = await guest(id, 'read', { volume_id: boot0, offset: 512, length: 11 });
  assert.equal(res.status, 200);
  assert.equal(Buffer.from(res.body.data as string, 'base64').toString(), 'hello, disk');
});

test('a data volume is addressed by device or id; another server cannot reach it', async () => {
  const a = await volumeServer();
  const b = await volumeServer();
  clock.advance(1000);
  const data = makeVolume(ts, a.f);
  const att = await ts.call('nova', 'POST', `/v2.1/servers/${a.id}/os-volume_attachments`, { token: a.f.token, body: { volumeAttachment: { volumeId: data } } });
  assert.equal(att.status, 200, att.text);
  let res = await guest(a.id, 'write', { device: '/dev/vdb', offset: 0, data: b64('secret') });
  assert.deepEqual(res.body, { written: 6, volume_id: data, device: '/dev/vdb' });
  res = await guest(b.id, 'read', { volume_id: data, offset: 0, length: 6 });
  assert.equal(res.status, 404);
  res = await guest(b.id, 'read', { device: '/dev/vdb', offset: 0, length: 6 });
  assert.equal(res.status, 404);
  res = await guest(a.id, 'read', { volume_id: data, offset: 0, length: 6 });
  assert.equal(Buffer.from(res.body.data as string, 'base64').toString(), 'secret');
});

test('bad guest input is 400 naming the field; unknown server is 404; image disks are not volumes', async () => {
  const { id } = await volumeServer();
  clock.advance(1000);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ offset: -1, data: '' }, /offset/],
    [{ offset: '5', data: '' }, /offset/],
    [{ offset: 0 }, /data/],
    [{ offset: 0, data: 'not base64!' }, /data/],
    [{ offset: 0, data: 'abc' }, /data/],
    [{ offset: 0, data: '', device: 'vda' }, /device/],
    [{ offset: 0, data: '', volume_id: 'x' }, /volume_id/],
    [{ offset: 0, data: '', extra: 1 }, /extra/],
  ];
  for (const [body, pattern] of cases) {
    const res = await guest(id, 'write', body);
    assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
    assert.match(res.text, pattern);
  }
  let res = await guest(id, 'read', { offset: 0, length: 16 * 1024 * 1024 + 1 });
  assert.equal(res.status, 400);
  assert.match(res.text, /length/);
  res = await guest('00000000-0000-0000-0000-000000000000', 'disks');
  assert.equal(res.status, 404);
  const f = await novaFixture(ts);
  const img = (await boot(ts, f, {})).body.server.id;
  clock.advance(1000);
  res = await guest(img, 'disks');
  assert.equal((res.body.disks as { source: string }[])[0]!.source, 'image');
  res = await guest(img, 'read', { offset: 0, length: 1 });
  assert.equal(res.status, 400);
});
