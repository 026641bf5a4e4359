// Long lists are sent as JSON put together from each item's remembered JSON: the body must be
// what serializing the whole view gives, and an item must follow every change that shows in it
// (the server, its ports, their network's name, the caller's role and microversion).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';
import { boot, novaFixture } from './nova-fixtures.js';

const ts = await startTestSite();
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
type Server = Record<string, unknown> & { id: string; name: string; addresses: Record<string, { addr: string }[]> };

/** The list's text, checked to be compact JSON in the order JSON.stringify writes it. */
async function listText(service: 'nova' | 'cinder', path: string, token?: string, headers: Record<string, string> = {}) {
  const res = await ts.call(service, 'GET', path, { token, headers });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(res.text, JSON.stringify(JSON.parse(res.text)));
  return res;
}

test('a server list entry is the single view, and follows the server, its port and its network', async () => {
  const f = await novaFixture(ts);
  const ids: string[] = [];
  for (const name of ['r1', 'r2']) ids.push((await boot(ts, f, { name })).body.server.id);
  const entries = async (version = '2.1', token = f.token) =>
    ((await listText('nova', '/v2.1/servers/detail', token, mv(version))).body as unknown as { servers: Server[] }).servers;
  const single = async (id: string, version = '2.1') =>
    (await ts.call<{ server: Server }>('nova', 'GET', `/v2.1/servers/${id}`, { token: f.token, headers: mv(version) })).body.server;

  const first = await entries();
  const again = await entries();
  assert.deepEqual(again, first, 'a second list (from remembered JSON) says the same');
  for (const id of ids) assert.deepEqual(first.find((s) => s.id === id), await single(id));

  // The server changes: its entry does.
  assert.equal((await ts.call('nova', 'PUT', `/v2.1/servers/${ids[0]}`, { token: f.token, body: { server: { name: 'renamed' } } })).status, 200);
  assert.equal((await entries()).find((s) => s.id === ids[0])?.name, 'renamed');
  // Its port gets another address: the entry shows it.
  const port = ts.site.neutron.portsOfDevice(ids[1]!)[0]!;
  const subnet = port.fixed_ips[0]!.subnet_id;
  const newIp = port.fixed_ips[0]!.ip_address.replace(/\.\d+$/, '.200');
  ts.site.neutron.updatePort(port.id, { fixed_ips: [{ subnet_id: subnet, ip_address: newIp }] });
  const moved = (await entries()).find((s) => s.id === ids[1])!;
  assert.deepEqual(Object.values(moved.addresses).flat().map((a) => a.addr), [newIp]);
  // Its network is renamed: the addresses are keyed by the new name.
  ts.site.neutron.networks.update(f.networkId, (n) => (n.name = 'renamed-net'));
  assert.deepEqual(Object.keys((await entries()).find((s) => s.id === ids[1])!.addresses), ['renamed-net']);
  for (const id of ids) assert.deepEqual((await entries()).find((s) => s.id === id), await single(id));

  // Each microversion and role has its own view of the same server.
  const newer = (await entries('2.73')).find((s) => s.id === ids[0])!;
  assert.deepEqual(newer.tags, []);
  assert.equal(newer.locked_reason, null);
  assert.equal((await entries('2.1')).find((s) => s.id === ids[0])!.tags, undefined);
  const admin = (await listText('nova', `/v2.1/servers/detail?all_tenants=1&project_id=${f.projectId}`)).body as unknown as { servers: Server[] };
  assert.ok('OS-EXT-SRV-ATTR:host' in admin.servers[0]!);
  assert.ok(!('OS-EXT-SRV-ATTR:host' in (await entries())[0]!));
  // The summary list and paging links are serialized the same way.
  const paged = (await listText('nova', '/v2.1/servers?limit=1', f.token)).body as unknown as { servers: Server[]; servers_links: unknown[] };
  assert.equal(paged.servers.length, 1);
  assert.equal(paged.servers_links.length, 1);
});

test('a volume list entry is the single view, follows the volume, and differs by role and microversion', async () => {
  const t = await ts.tenant('render-vols');
  const base = `/v3/${t.projectId}/volumes`;
  const made = await ts.call<{ volume: { id: string } }>('cinder', 'POST', base, { token: t.token, body: { volume: { size: 1, name: 'rv', metadata: { a: '1' } } } });
  const id = made.body.volume.id;
  const entry = async (headers: Record<string, string> = {}, token = t.token, path = `${base}/detail`) =>
    ((await listText('cinder', path, token, headers)).body as unknown as { volumes: Record<string, unknown>[] }).volumes.find((v) => v.id === id)!;
  const single = async (headers: Record<string, string> = {}) => (await ts.call<{ volume: Record<string, unknown> }>('cinder', 'GET', `${base}/${id}`, { token: t.token, headers })).body.volume;
  assert.deepEqual(await entry(), await single());
  assert.deepEqual(await entry(), await single(), 'from remembered JSON too');
  const v363 = { 'OpenStack-API-Version': 'volume 3.63' };
  assert.deepEqual(await entry(v363), await single(v363));
  assert.ok('volume_type_id' in (await entry(v363)));
  assert.equal((await ts.call('cinder', 'PUT', `${base}/${id}`, { token: t.token, body: { volume: { metadata: { a: '2' } } } })).status, 200);
  assert.deepEqual((await entry()).metadata, { a: '2' });
  const admin = ts.site.keystone.projects.find((p) => p.name === 'admin')!.id;
  const asAdmin = await entry({}, await ts.adminToken(), `/v3/${admin}/volumes/detail?all_tenants=1&project_id=${t.projectId}`);
  assert.ok('os-vol-host-attr:host' in asAdmin);
  assert.ok(!('os-vol-host-attr:host' in (await entry())));
  const counted = (await listText('cinder', `${base}/detail?with_count=true&limit=1`, t.token, { 'OpenStack-API-Version': 'volume 3.45' })).body as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(counted), ['volumes', 'count']);
});
