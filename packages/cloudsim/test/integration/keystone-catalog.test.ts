import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();
type Err = { error: { message: string } };

test('regions: RegionOne exists; create, conflict, parent checks, delete', async () => {
  const list = await ts.call<{ regions: { id: string; parent_region_id: null; links: { self: string } }[] }>('keystone', 'GET', '/v3/regions');
  assert.deepEqual(list.body.regions.map((r) => r.id), ['RegionOne']);
  assert.equal(list.body.regions[0]!.links.self, `${ts.site.authUrl}/regions/RegionOne`);
  assert.equal((await ts.call('keystone', 'POST', '/v3/regions', { body: { region: { id: 'Two', parent_region_id: 'RegionOne' } } })).status, 201);
  assert.equal((await ts.call('keystone', 'POST', '/v3/regions', { body: { region: { id: 'Two' } } })).status, 409);
  assert.equal((await ts.call('keystone', 'PUT', '/v3/regions/Three', { body: { region: { description: 'd' } } })).status, 201);
  assert.equal((await ts.call('keystone', 'POST', '/v3/regions', { body: { region: { parent_region_id: 'nope' } } })).status, 400);
  const children = await ts.call<{ regions: { id: string }[] }>('keystone', 'GET', '/v3/regions?parent_region_id=RegionOne');
  assert.deepEqual(children.body.regions.map((r) => r.id), ['Two']);
  assert.equal((await ts.call('keystone', 'DELETE', '/v3/regions/RegionOne')).status, 403);
  assert.equal((await ts.call('keystone', 'DELETE', '/v3/regions/Three')).status, 204);
  assert.equal((await ts.call('keystone', 'GET', '/v3/regions/Three')).status, 404);
});

test('services and endpoints: create, filter, show, update, delete; they appear in the catalog', async () => {
  const s = await ts.call<{ service: { id: string; type: string } }>('keystone', 'POST', '/v3/services', { body: { service: { type: 'object-store', name: 'swift' } } });
  assert.equal(s.status, 201);
  const sid = s.body.service.id;
  const e = await ts.call<{ endpoint: { id: string; region_id: string; region: string } }>('keystone', 'POST', '/v3/endpoints', {
    body: { endpoint: { service_id: sid, interface: 'public', url: 'http://swift.example/v1' } },
  });
  assert.equal(e.status, 201);
  assert.equal(e.body.endpoint.region_id, 'RegionOne');
  assert.equal(e.body.endpoint.region, 'RegionOne');
  const byService = await ts.call<{ endpoints: { id: string }[] }>('keystone', 'GET', `/v3/endpoints?service_id=${sid}&interface=public&region_id=RegionOne`);
  assert.deepEqual(byService.body.endpoints.map((x) => x.id), [e.body.endpoint.id]);
  const internal = await ts.call<{ endpoints: unknown[] }>('keystone', 'GET', `/v3/endpoints?service_id=${sid}&interface=internal`);
  assert.equal(internal.body.endpoints.length, 0);
  const byType = await ts.call<{ services: { id: string }[] }>('keystone', 'GET', '/v3/services?type=object-store');
  assert.deepEqual(byType.body.services.map((x) => x.id), [sid]);
  const cat = await ts.call<{ catalog: { type: string }[] }>('keystone', 'GET', '/v3/auth/catalog');
  assert.ok(cat.body.catalog.some((c) => c.type === 'object-store'));
  const upd = await ts.call<{ endpoint: { url: string } }>('keystone', 'PATCH', `/v3/endpoints/${e.body.endpoint.id}`, { body: { endpoint: { url: 'http://other/v1' } } });
  assert.equal(upd.body.endpoint.url, 'http://other/v1');
  assert.equal((await ts.call('keystone', 'DELETE', `/v3/services/${sid}`)).status, 204);
  assert.equal((await ts.call('keystone', 'GET', `/v3/endpoints/${e.body.endpoint.id}`)).status, 404);
});

test('endpoint bodies are validated', async () => {
  const svc = ts.site.keystone.services.find((s) => s.type === 'compute')!;
  const cases: [unknown, RegExp][] = [
    [{ endpoint: { service_id: svc.id, interface: 'private', url: 'http://x' } }, /endpoint\.interface/],
    [{ endpoint: { service_id: svc.id, interface: 'public' } }, /endpoint\.url/],
    [{ endpoint: { service_id: 'nope', interface: 'public', url: 'http://x' } }, /nope/],
    [{ endpoint: { service_id: svc.id, interface: 'public', url: 'http://x', region_id: 'Mars' } }, /Mars/],
  ];
  for (const [body, re] of cases) {
    const res = await ts.call<Err>('keystone', 'POST', '/v3/endpoints', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error.message, re);
  }
  assert.equal((await ts.call('keystone', 'POST', '/v3/services', { body: { service: { name: 'typeless' } } })).status, 400);
});

test('catalog administration needs admin; regions are readable by anyone', async () => {
  const { token } = await ts.tenant('cat');
  assert.equal((await ts.call('keystone', 'GET', '/v3/services', { token })).status, 403);
  assert.equal((await ts.call('keystone', 'GET', '/v3/endpoints', { token })).status, 403);
  assert.equal((await ts.call('keystone', 'GET', '/v3/regions', { token })).status, 200);
  assert.equal((await ts.call('keystone', 'POST', '/v3/regions', { token, body: { region: {} } })).status, 403);
});
