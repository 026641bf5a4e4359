// The site serves its array's REST 2.x face on base+6 and steers the array through /sim.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrayRestClient } from '@protector/arraysim/rest';
import { Site } from '../../src/site.js';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();
const { site } = ts;
const ARRAY = 'test-site-array';
const admin = site.keystone.projects.find((p) => p.name === 'admin')!.id;
site.arrays.createArray('peer-array');
site.arrays.connectArrays(ARRAY, 'peer-array', { type: 'sync-replication' });
const apiToken = site.arrays.createApiToken(ARRAY, 'pureuser');
const rest = new ArrayRestClient(site.url('array'), { ca: site.arrayCa });
const sim = (method: string, path: string, body?: unknown) => ts.call<Record<string, unknown>>('sim', method, path, { token: null, body });

test('a Cinder volume is listed by the REST face on the site array port', async () => {
  const info = await sim('GET', '/sim/info');
  assert.equal(info.body.array, ARRAY);
  assert.equal((info.body.endpoints as Record<string, string>).array, site.url('array'));
  // HTTPS only, as a real array: the site's CA verifies it, and /sim/array hands that CA out.
  assert.match(site.url('array'), /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await sim('GET', '/sim/array')).body.ca, site.arrayCa);
  await assert.rejects(new ArrayRestClient(site.url('array')).call('GET', '/api/api_version'));
  assert.equal((await rest.login(apiToken)).status, 200);
  const res = await ts.call<{ volume: { id: string } }>('cinder', 'POST', `/v3/${admin}/volumes`, { body: { volume: { size: 1 } } });
  assert.equal(res.status, 202, res.text);
  const name = `volume-${res.body.volume.id}-cinder`;
  const list = await rest.call<{ items: { name: string; provisioned: number }[] }>('GET', 'volumes', { query: { names: name } });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.body.items.map((v) => [v.name, v.provisioned]), [[name, 1024 ** 3]]);
});

test('/sim/array cuts and slows the replication link and takes the array down', async () => {
  let r = await sim('PUT', '/sim/array/connections/peer-array', { up: false, bandwidth: 1000 });
  assert.equal(r.status, 200, r.text);
  const [c] = r.body.connections as { name: string; status: string; bandwidth: number }[];
  assert.deepEqual([c?.name, c?.status, c?.bandwidth], ['peer-array', 'connecting', 1000]);
  r = await sim('PUT', '/sim/array/connections/peer-array', { up: true });
  assert.equal((r.body.connections as { status: string }[])[0]?.status, 'connected');
  assert.equal((await sim('PUT', '/sim/array/connections/nope', { up: true })).status, 404);
  assert.equal((await sim('PUT', '/sim/array/connections/peer-array', {})).status, 400);

  r = await sim('PUT', '/sim/array', { down: true });
  assert.equal(r.body.down, true);
  assert.equal((await rest.call('GET', 'arrays')).status, 503);
  const vol = await ts.call<{ volume: { id: string } }>('cinder', 'POST', `/v3/${admin}/volumes`, { body: { volume: { size: 1 } } });
  const shown = await ts.call<{ volume: { status: string } }>('cinder', 'GET', `/v3/${admin}/volumes/${vol.body.volume.id}`);
  assert.equal(shown.body.volume.status, 'error');
  r = await sim('PUT', '/sim/array', { down: false });
  assert.equal(r.body.down, false);
  assert.equal((await rest.call('GET', 'arrays')).status, 200);
});

test('/sim/array/fail-next makes the named array call fail that many times', async () => {
  assert.equal((await sim('PUT', '/sim/array/fail-next', { call: 'createVolume', times: 1 })).status, 200);
  const failed = await rest.call('POST', 'volumes', { query: { names: 'x1' }, body: { provisioned: 1048576 } });
  assert.equal(failed.status, 500, failed.text);
  const ok = await rest.call('POST', 'volumes', { query: { names: 'x1' }, body: { provisioned: 1048576 } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await sim('PUT', '/sim/array/fail-next', { call: 'bad call!', times: 1 })).status, 400);
});

test('the array face takes a rate limit and versions from the site options', async () => {
  const limited = await Site.start({ name: 'limited', basePort: 0, array: { rateLimit: { perSecond: 1, perMinute: 100 }, versions: ['2.0', '2.20'] } });
  try {
    const c = new ArrayRestClient(limited.url('array'), { ca: limited.arrayCa });
    const first = await c.call<{ version: string[] }>('GET', '/api/api_version');
    assert.deepEqual(first.body.version, ['2.0', '2.20']);
    assert.equal(first.headers.get('x-ratelimit-limit-second'), '1');
    // A second request in the same second is over the limit (unless the second just turned).
    const answers = [await c.call('GET', '/api/api_version'), await c.call('GET', '/api/api_version')];
    assert.ok(answers.some((a) => a.status === 429 && a.headers.get('retry-after') === '1'), answers.map((a) => a.status).join());
  } finally {
    await limited.stop();
  }
});
