// Cinder backed by the site's simulated FlashArray, as the Pure Storage driver keeps volumes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { parseSeed } from '../../src/seed/load.js';
import { Site } from '../../src/site.js';
import { startTestSite } from '../helpers/site.js';
import { boot, makeVolume, novaFixture } from './nova-fixtures.js';

const GIB = 1024 ** 3;
const clock = new ManualClock();
const ts = await startTestSite({ clock, bootTimeMs: 1000 });
const { site } = ts;
const ARRAY = 'test-site-array';
const admin = site.keystone.projects.find((p) => p.name === 'admin')!.id;
const v3 = `/v3/${admin}`;
const mv = { 'OpenStack-API-Version': 'volume 3.8' };
type Vol = { id: string; status: string; size: number };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const guest = (id: string, op: string, body: unknown) =>
  ts.call<{ data?: string; error?: { message: string } }>('sim', 'POST', `/sim/servers/${id}/${op}`, { token: null, body });
const arrayVolume = (name: string) => site.arrays.listVolumes(ARRAY).find((v) => v.name === name);

async function createVolume(volume: Record<string, unknown>): Promise<Vol> {
  const res = await ts.call<{ volume: Vol }>('cinder', 'POST', `${v3}/volumes`, { body: { volume } });
  assert.equal(res.status, 202, res.text);
  clock.advance(1000);
  return res.body.volume;
}

/** An ACTIVE server booted from a fresh 1 GiB volume; returns the server and volume ids. */
async function volumeServer(): Promise<{ server: string; volume: string }> {
  const f = await novaFixture(ts);
  const volume = makeVolume(ts, f);
  const res = await boot(ts, f, { imageRef: '', block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', boot_index: 0, uuid: volume }] });
  assert.equal(res.status, 202, res.text);
  clock.advance(1000);
  return { server: res.body.server.id, volume };
}

test('the site has its array, named after the site', () => {
  assert.equal(site.arrayName, ARRAY);
  assert.deepEqual(site.arrays.listArrays().map((a) => a.name), [ARRAY]);
});

test('a new volume is volume-<id>-cinder on the array, sized in bytes', async () => {
  const vol = await createVolume({ size: 2, name: 'sized' });
  const av = arrayVolume(`volume-${vol.id}-cinder`);
  assert.ok(av, 'array volume exists');
  assert.equal(av.provisioned, 2 * GIB);
  assert.equal(av.destroyed, false);
  const ext = await ts.call('cinder', 'POST', `${v3}/volumes/${vol.id}/action`, { body: { 'os-extend': { new_size: 3 } } });
  assert.equal(ext.status, 202, ext.text);
  assert.equal(site.arrays.getVolume(ARRAY, `volume-${vol.id}-cinder`).provisioned, 3 * GIB, 'extend resizes the array volume');
});

test('guest writes land on the array volume; array writes are read by the guest', async () => {
  const { server, volume } = await volumeServer();
  const name = `volume-${volume}-cinder`;
  const w = await guest(server, 'write', { offset: 70_000, data: b64('from the guest') });
  assert.equal(w.status, 200, w.text);
  assert.equal(site.arrays.readVolume(ARRAY, name, 70_000, 14).toString(), 'from the guest');
  site.arrays.writeVolume(ARRAY, name, 4096, Buffer.from('from the array'));
  const r = await guest(server, 'read', { offset: 4096, length: 14 });
  assert.equal(r.status, 200, r.text);
  assert.equal(Buffer.from(r.body.data!, 'base64').toString(), 'from the array');
});

test('a volume from an image holds the image bytes on the array', async () => {
  const image = site.glance.createImage(admin, { name: 'tiny-data', visibility: 'public', disk_format: 'raw', container_format: 'bare' });
  site.glance.storeData(image.id, Buffer.from('boot sector'));
  const vol = await createVolume({ size: 1, imageRef: image.id });
  assert.equal(site.arrays.readVolume(ARRAY, `volume-${vol.id}-cinder`, 0, 11).toString(), 'boot sector');
});

test('a snapshot is <volume>.snapshot-<id>; a volume from it and a clone hold the right bytes', async () => {
  const src = await createVolume({ size: 1, name: 'src' });
  site.cinder.writeVolume(src.id, 0, Buffer.from('snapshot-time'));
  const snap = await ts.call<{ snapshot: { id: string } }>('cinder', 'POST', `${v3}/snapshots`, { body: { snapshot: { volume_id: src.id, name: 's' } } });
  assert.equal(snap.status, 202, snap.text);
  clock.advance(1000);
  const snapName = `volume-${src.id}-cinder.snapshot-${snap.body.snapshot.id}`;
  assert.equal(site.arrays.getVolumeSnapshot(ARRAY, snapName).source.name, `volume-${src.id}-cinder`);
  site.cinder.writeVolume(src.id, 0, Buffer.from('later-change!'));

  const fromSnap = await createVolume({ snapshot_id: snap.body.snapshot.id, size: 2 });
  const copy = site.arrays.getVolume(ARRAY, `volume-${fromSnap.id}-cinder`);
  assert.equal(copy.provisioned, 2 * GIB, 'a larger volume from a snapshot is extended');
  assert.equal(site.cinder.readVolume(fromSnap.id, 0, 13).toString(), 'snapshot-time');
  const clone = await createVolume({ source_volid: src.id });
  assert.equal(site.arrays.readVolume(ARRAY, `volume-${clone.id}-cinder`, 0, 13).toString(), 'later-change!');

  const manageable = await ts.call<{ 'manageable-snapshots': { reference: { 'source-name': string }; safe_to_manage: boolean; reason_not_safe: string; source_reference: { 'source-name': string } }[] }>(
    'cinder', 'GET', `${v3}/manageable_snapshots/detail?host=cloudsim@test-site`, { headers: mv },
  );
  assert.equal(manageable.status, 200, manageable.text);
  const listed = manageable.body['manageable-snapshots'].find((m) => m.reference['source-name'] === snapName);
  assert.equal(listed?.safe_to_manage, false);
  assert.equal(listed?.reason_not_safe, 'Snapshot already managed.');
  assert.equal(listed?.source_reference['source-name'], `volume-${src.id}-cinder`);

  const del = await ts.call('cinder', 'DELETE', `${v3}/snapshots/${snap.body.snapshot.id}`);
  assert.equal(del.status, 202);
  assert.equal(site.arrays.getVolumeSnapshot(ARRAY, snapName).destroyed, true, 'deleting a snapshot destroys it on the array');
});

test('manage existing adopts an array volume by name, renaming it; unmanage leaves it as -unmanaged', async () => {
  site.arrays.createVolume(ARRAY, 'legacy-db', GIB + 512);
  site.arrays.writeVolume(ARRAY, 'legacy-db', 512, Buffer.from('legacy data'));
  const list = await ts.call<{ 'manageable-volumes': { reference: { 'source-name': string }; size: number; safe_to_manage: boolean; cinder_id: string | null; reason_not_safe: string | null }[] }>(
    'cinder', 'GET', `${v3}/manageable_volumes/detail?host=cloudsim@test-site`, { headers: mv },
  );
  assert.equal(list.status, 200, list.text);
  const legacy = list.body['manageable-volumes'].find((m) => m.reference['source-name'] === 'legacy-db');
  assert.deepEqual(legacy && { size: legacy.size, safe: legacy.safe_to_manage, cinder_id: legacy.cinder_id }, { size: 2, safe: true, cinder_id: null }, 'size rounds up to GiB');
  const managedBefore = list.body['manageable-volumes'].find((m) => m.cinder_id !== null);
  assert.equal(managedBefore?.safe_to_manage, false, "Cinder's own volumes are listed but not safe");
  assert.equal(managedBefore?.reason_not_safe, 'Volume already managed.');

  const manage = (ref: Record<string, string>) =>
    ts.call<{ volume: Vol }>('cinder', 'POST', `${v3}/os-volume-manage`, { body: { volume: { host: 'cloudsim@test-site#pool', ref, name: 'adopted' } } });
  const res = await manage({ 'source-name': 'legacy-db' });
  assert.equal(res.status, 202, res.text);
  const id = res.body.volume.id;
  assert.equal(res.body.volume.size, 2);
  assert.equal(arrayVolume('legacy-db'), undefined, 'renamed away');
  assert.equal(site.arrays.readVolume(ARRAY, `volume-${id}-cinder`, 512, 11).toString(), 'legacy data');
  assert.equal(site.cinder.readVolume(id, 512, 11).toString(), 'legacy data');
  clock.advance(1000);
  const twice = await manage({ 'source-name': `volume-${id}-cinder` });
  assert.equal(twice.status, 400, 'a managed volume cannot be managed again');

  const un = await ts.call('cinder', 'POST', `${v3}/volumes/${id}/action`, { body: { 'os-unmanage': {} } });
  assert.equal(un.status, 202, un.text);
  assert.equal(site.cinder.getVolume(id), undefined);
  const left = arrayVolume(`volume-${id}-cinder-unmanaged`);
  assert.equal(left?.destroyed, false, 'unmanage leaves the volume on the array');
  assert.equal(site.arrays.readVolume(ARRAY, left.name, 512, 11).toString(), 'legacy data');

  const again = await manage({ name: left.name });
  assert.equal(again.status, 202, again.text);
  assert.equal(site.cinder.readVolume(again.body.volume.id, 512, 11).toString(), 'legacy data');
  assert.equal((await manage({ 'source-name': 'no-such-volume' })).status, 404);
});

test('delete destroys the array volume (pending eradication), it is not eradicated', async () => {
  const vol = await createVolume({ size: 1 });
  const del = await ts.call('cinder', 'DELETE', `${v3}/volumes/${vol.id}`);
  assert.equal(del.status, 202);
  const av = site.arrays.listVolumes(ARRAY, { destroyed: true }).find((v) => v.name === `volume-${vol.id}-cinder`);
  assert.equal(av?.destroyed, true);
  assert.ok(av.time_remaining !== null && av.time_remaining > 0);
  clock.advance(1000);
  assert.equal(site.cinder.getVolume(vol.id), undefined);
});

test('a volume moved into a pod is found as <pod>::volume-<id>-cinder: guest I/O, extend, snapshot, clone, unmanage, delete', async () => {
  const { server, volume } = await volumeServer();
  const spare = await createVolume({ size: 1, name: 'spare' });
  const name = `volume-${volume}-cinder`;
  site.arrays.writeVolume(ARRAY, name, 0, Buffer.from('before the move'));
  site.arrays.createPod(ARRAY, 'pg-sync');
  const moved = site.arrays.moveVolume(ARRAY, name, 'pg-sync');
  assert.equal(moved.name, `pg-sync::${name}`);
  site.arrays.moveVolume(ARRAY, `volume-${spare.id}-cinder`, 'pg-sync');
  assert.equal(arrayVolume(name), undefined, 'FlashArray renamed it into the pod');
  assert.equal(site.arrays.findVolumeByBaseName(ARRAY, name)?.name, `pg-sync::${name}`);
  assert.equal(site.arrays.findVolumeByBaseName(ARRAY, `volume-${spare.id}-cinder`)?.name, `pg-sync::volume-${spare.id}-cinder`);
  assert.equal(site.arrays.findVolumeByBaseName(ARRAY, 'volume-nope-cinder'), null);

  // Guest I/O and the model reach the pod volume.
  let r = await guest(server, 'read', { offset: 0, length: 15 });
  assert.equal(r.status, 200, r.text);
  assert.equal(Buffer.from(r.body.data!, 'base64').toString(), 'before the move');
  const w = await guest(server, 'write', { offset: 8192, data: b64('in the pod') });
  assert.equal(w.status, 200, w.text);
  assert.equal(site.arrays.readVolume(ARRAY, `pg-sync::${name}`, 8192, 10).toString(), 'in the pod');
  site.cinder.writeVolume(volume, 100, Buffer.from('model write'));
  r = await guest(server, 'read', { offset: 100, length: 11 });
  assert.equal(Buffer.from(r.body.data!, 'base64').toString(), 'model write');

  // Extend, snapshot and a volume from the snapshot and a clone.
  const ext = await ts.call('cinder', 'POST', `${v3}/volumes/${spare.id}/action`, { body: { 'os-extend': { new_size: 2 } } });
  assert.equal(ext.status, 202, ext.text);
  assert.equal(site.arrays.getVolume(ARRAY, `pg-sync::volume-${spare.id}-cinder`).provisioned, 2 * GIB);
  site.cinder.writeVolume(spare.id, 0, Buffer.from('spare bytes'));
  const snap = await ts.call<{ snapshot: { id: string; status: string } }>('cinder', 'POST', `${v3}/snapshots`, { body: { snapshot: { volume_id: spare.id } } });
  assert.equal(snap.status, 202, snap.text);
  clock.advance(1000);
  const snapId = snap.body.snapshot.id;
  assert.equal(site.cinder.getSnapshot(snapId)?.status, 'available');
  assert.equal(site.arrays.getVolumeSnapshot(ARRAY, `pg-sync::volume-${spare.id}-cinder.snapshot-${snapId}`).destroyed, false);
  const fromSnap = await createVolume({ snapshot_id: snapId });
  assert.equal(fromSnap.status, 'creating');
  assert.equal(site.cinder.getVolume(fromSnap.id)?.status, 'available');
  assert.equal(site.cinder.readVolume(fromSnap.id, 0, 11).toString(), 'spare bytes');
  const clone = await createVolume({ source_volid: spare.id });
  assert.equal(site.cinder.readVolume(clone.id, 0, 11).toString(), 'spare bytes');

  // Still known as Cinder's in the manageable listing.
  const list = await ts.call<{ 'manageable-volumes': { reference: { 'source-name': string }; cinder_id: string | null }[] }>(
    'cinder', 'GET', `${v3}/manageable_volumes/detail?host=cloudsim@test-site`, { headers: mv },
  );
  assert.equal(list.body['manageable-volumes'].find((m) => m.reference['source-name'] === `pg-sync::${name}`)?.cinder_id, volume);

  // Delete (with its snapshot) and unmanage reach the pod volumes.
  const delSnap = await ts.call('cinder', 'DELETE', `${v3}/snapshots/${snapId}`);
  assert.equal(delSnap.status, 202, delSnap.text);
  assert.equal(site.arrays.getVolumeSnapshot(ARRAY, `pg-sync::volume-${spare.id}-cinder.snapshot-${snapId}`).destroyed, true);
  clock.advance(1000);
  const del = await ts.call('cinder', 'DELETE', `${v3}/volumes/${spare.id}`);
  assert.equal(del.status, 202, del.text);
  assert.equal(site.arrays.getVolume(ARRAY, `pg-sync::volume-${spare.id}-cinder`).destroyed, true);
  clock.advance(1000);
  assert.equal(site.cinder.getVolume(spare.id), undefined);
  assert.equal(site.cinder.getVolume(volume)?.status, 'in-use');
  const gone = await ts.call('nova', 'DELETE', `/v2.1/servers/${server}`);
  assert.equal(gone.status, 204, gone.text);
  const un = await ts.call('cinder', 'POST', `${v3}/volumes/${volume}/action`, { body: { 'os-unmanage': {} } });
  assert.equal(un.status, 202, un.text);
  assert.equal(site.arrays.readVolume(ARRAY, `pg-sync::${name}-unmanaged`, 8192, 10).toString(), 'in the pod', 'unmanage leaves it in its pod');
});

test('array down: create ends in error, delete in error_deleting, guest I/O is a clear 503', async () => {
  const { server } = await volumeServer();
  const keep = await createVolume({ size: 1 });
  site.arrays.setArrayDown(ARRAY, true);
  try {
    const res = await ts.call<{ volume: Vol }>('cinder', 'POST', `${v3}/volumes`, { body: { volume: { size: 1 } } });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.volume.status, 'error');
    clock.advance(1000);
    assert.equal(site.cinder.getVolume(res.body.volume.id)!.status, 'error', 'stays in error');

    const del = await ts.call('cinder', 'DELETE', `${v3}/volumes/${keep.id}`);
    assert.equal(del.status, 202);
    assert.equal(site.cinder.getVolume(keep.id)!.status, 'error_deleting');

    const w = await guest(server, 'write', { offset: 0, data: b64('x') });
    assert.equal(w.status, 503, w.text);
    assert.match(w.body.error!.message, /I\/O error: .*array 'test-site-array' is unreachable/);
    const r = await guest(server, 'read', { offset: 0, length: 1 });
    assert.equal(r.status, 503, r.text);
    assert.doesNotMatch(r.text, /at .*\.ts:\d+/, 'no stack trace');

    const manageable = await ts.call('cinder', 'GET', `${v3}/manageable_volumes?host=cloudsim@test-site`, { headers: mv });
    assert.equal(manageable.status, 503, manageable.text);
  } finally {
    site.arrays.setArrayDown(ARRAY, false);
  }
  // The error volume was never on the array; deleting it still works.
  const errored = site.cinder.listVolumes(admin).find((v) => v.status === 'error')!;
  assert.equal((await ts.call('cinder', 'DELETE', `${v3}/volumes/${errored.id}`)).status, 202);
});

test('a restarted site (dataDir) keeps its array and the volume bytes; an array db file can be shared', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloudsim-array-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const c = new ManualClock();
  const opts = { name: 'persist', basePort: 0, bootTimeMs: 0, clock: c, dataDir: dir };
  const first = await Site.start(opts);
  const project = first.keystone.projects.find((p) => p.name === 'admin')!.id;
  const vol = first.cinder.createVolume(project, { size: 1 });
  first.cinder.writeVolume(vol.id, 123_456, Buffer.from('survives'));
  await first.stop();
  const second = await Site.start(opts);
  try {
    assert.equal(second.arrays.readVolume('persist-array', `volume-${vol.id}-cinder`, 123_456, 8).toString(), 'survives');
    assert.equal(second.cinder.readVolume(vol.id, 123_456, 8).toString(), 'survives');
  } finally {
    await second.stop();
  }

  // Two sites on one array file: both arrays in one model, as the lab runs them.
  const shared = join(dir, 'arrays.db');
  const a = await Site.start({ name: 'pair-a', basePort: 0, bootTimeMs: 0, clock: c, array: { dbPath: shared } });
  const b = await Site.start({
    name: 'pair-b', basePort: 0, bootTimeMs: 0, clock: c, array: { name: 'fa-b', dbPath: shared },
    seed: { array: { connections: [{ remote: 'pair-a-array', type: 'sync-replication', bandwidth: 1024, latency_ms: 2 }] } },
  });
  try {
    assert.deepEqual(a.arrays.listArrays().map((x) => x.name), ['fa-b', 'pair-a-array']);
    assert.deepEqual(a.arrays.listArrayConnections('pair-a-array').map((x) => [x.name, x.type]), [['fa-b', 'sync-replication']]);
    const va = a.cinder.createVolume(a.keystone.projects.find((p) => p.name === 'admin')!.id, { size: 1 });
    assert.ok(b.arrays.getVolume('pair-a-array', `volume-${va.id}-cinder`), "site-b's handle sees site-a's array volume");
  } finally {
    await b.stop();
    await a.stop();
  }
});

test('a running site ticks its arrays: a destroyed volume is eradicated 24 h later', async () => {
  site.arrays.createVolume(ARRAY, 'tick-probe', GIB);
  site.arrays.destroyVolume(ARRAY, 'tick-probe');
  clock.advance(25 * 3600 * 1000);
  // The site's timer ticks every second of real time.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(site.arrays.listVolumes(ARRAY).find((v) => v.name === 'tick-probe'), undefined);
});

test('the seed array section: checked when parsed, errors name the entry', async () => {
  const doc = parseSeed('array: { connections: [{ remote: peer-array, type: async-replication }], api_tokens: [] }');
  assert.equal(doc.array?.connections?.[0]?.remote, 'peer-array');
  assert.throws(() => parseSeed('array: [1]'), /section 'array' must be a mapping/);
  assert.throws(() => parseSeed('array: { links: [] }'), /unknown key 'array.links'/);
  await assert.rejects(
    Site.start({ name: 'bad-seed', basePort: 0, seed: { array: { connections: [{ remote: 'bad_name' }] } } }),
    /seed array connection to 'bad_name': name: 'bad_name' is not a valid name/,
  );
  await assert.rejects(
    Site.start({ name: 'bad-token', basePort: 0, seed: { array: { api_tokens: [{ user: 'pureuser', token: 'short' }] } } }),
    /seed array api token for 'pureuser': token: an API token is 36 characters/,
  );
});
