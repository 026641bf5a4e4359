import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { startTestSite } from '../helpers/site.js';
import { action, boot, novaFixture, show } from './nova-fixtures.js';

const clock = new ManualClock();
const ts = await startTestSite({ clock, bootTimeMs: 5000 });
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

test('version discovery without a token', async () => {
  let res = await ts.call<{ versions: { id: string; version: string; min_version: string }[] }>('nova', 'GET', '/', { token: null });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.versions.map((v) => v.id), ['v2.0', 'v2.1']);
  res = await ts.call('nova', 'GET', '/v2.1', { token: null });
  const version = (res.body as unknown as { version: { version: string; min_version: string } }).version;
  assert.equal(version.version, '2.90');
  assert.equal(version.min_version, '2.1');
});

test('microversions: default 2.1, echo, latest, 406 outside the range, 400 malformed', async () => {
  let res = await ts.call('nova', 'GET', '/v2.1/flavors');
  assert.equal(res.headers.get('openstack-api-version'), 'compute 2.1');
  res = await ts.call('nova', 'GET', '/v2.1/flavors', { headers: mv('2.47') });
  assert.equal(res.headers.get('openstack-api-version'), 'compute 2.47');
  assert.equal(res.headers.get('x-openstack-nova-api-version'), '2.47');
  res = await ts.call('nova', 'GET', '/v2.1/flavors', { headers: mv('latest') });
  assert.equal(res.headers.get('openstack-api-version'), 'compute 2.90');
  res = await ts.call('nova', 'GET', '/v2.1/flavors', { headers: mv('2.91') });
  assert.equal(res.status, 406);
  res = await ts.call('nova', 'GET', '/v2.1/flavors', { headers: { 'X-OpenStack-Nova-API-Version': 'x.y' } });
  assert.equal(res.status, 400);
  res = await ts.call('nova', 'GET', '/v2.1/servers', { token: null });
  assert.equal(res.status, 401);
});

test('server boots BUILD → ACTIVE after bootTimeMs, with addresses, ports bound and embedded flavor at 2.47', async () => {
  const f = await novaFixture(ts);
  const res = await boot(ts, f, { name: 'web-1', metadata: { role: 'web' } });
  assert.equal(res.status, 202, res.text);
  assert.ok(res.body.server.adminPass);
  assert.deepEqual(res.body.server.security_groups, [{ name: 'default' }]);
  const id = res.body.server.id;
  let s = await show(ts, f, id);
  assert.equal(s.body.server.status, 'BUILD');
  assert.equal(s.body.server['OS-EXT-STS:vm_state'], 'building');
  clock.advance(5000);
  s = await show(ts, f, id, mv('2.47'));
  assert.equal(s.body.server.status, 'ACTIVE');
  assert.equal(s.body.server['OS-EXT-STS:power_state'], 1);
  assert.deepEqual(s.body.server.metadata, { role: 'web' });
  assert.deepEqual((s.body.server.flavor as { vcpus: number; original_name: string }).vcpus, 1);
  const addrs = s.body.server.addresses as Record<string, { addr: string; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string }[]>;
  const mine = addrs[f.networkName]!;
  assert.equal(mine.length, 1);
  assert.equal(mine[0]!['OS-EXT-IPS:type'], 'fixed');
  assert.match(mine[0]!['OS-EXT-IPS-MAC:mac_addr'], /^fa:16:3e/);
  const ports = ts.site.neutron.portsOfDevice(id);
  assert.equal(ports.length, 1);
  assert.equal(ports[0]!.device_owner, 'compute:nova');
  // Non-admins see neither host nor 2.3 extended attributes.
  assert.equal(s.body.server['OS-EXT-SRV-ATTR:host'], undefined);
  const admin = await ts.call<{ server: Record<string, unknown> }>('nova', 'GET', `/v2.1/servers/${id}`, { headers: mv('2.73') });
  assert.equal(admin.body.server['OS-EXT-SRV-ATTR:host'], 'cloudsim-test-site');
  assert.equal(admin.body.server.host_status, 'UP');
  assert.equal(admin.body.server.locked_reason, null);
  assert.deepEqual(admin.body.server.tags, []);
  // Delete removes the server and the port Nova created.
  const del = await ts.call('nova', 'DELETE', `/v2.1/servers/${id}`, { token: f.token });
  assert.equal(del.status, 204);
  assert.equal((await show(ts, f, id)).status, 404);
  assert.equal(ts.site.neutron.portsOfDevice(id).length, 0);
});

test('user-supplied ports are unbound, not deleted, on server delete; fixed_ip is honoured', async () => {
  const f = await novaFixture(ts);
  const port = ts.site.neutron.createPort(f.projectId, { network_id: f.networkId });
  const res = await boot(ts, f, { networks: [{ port: port.id }] });
  assert.equal(res.status, 202, res.text);
  assert.equal(ts.site.neutron.getPort(port.id)!.device_id, res.body.server.id);
  const again = await boot(ts, f, { networks: [{ port: port.id }] });
  assert.equal(again.status, 409);
  await ts.call('nova', 'DELETE', `/v2.1/servers/${res.body.server.id}`, { token: f.token });
  assert.equal(ts.site.neutron.getPort(port.id)!.device_id, '');
  const fixed = await boot(ts, f, { networks: [{ uuid: f.networkId, fixed_ip: '10.' + ts.site.neutron.getSubnet(ts.site.neutron.getNetwork(f.networkId)!.subnets[0]!)!.cidr.split('.')[1] + '.0.50' }] });
  assert.equal(fixed.status, 202, fixed.text);
  clock.advance(5000);
  const s = await show(ts, f, fixed.body.server.id);
  assert.match(JSON.stringify(s.body.server.addresses), /\.0\.50"/);
});

test('actions: stop, start, reboot and 409 in the wrong state', async () => {
  const f = await novaFixture(ts);
  const id = (await boot(ts, f, {})).body.server.id;
  let res = await action(ts, f, id, { 'os-stop': null });
  assert.equal(res.status, 409);
  assert.match(JSON.stringify(res.body), /conflictingRequest.*Cannot 'stop' instance .* while it is in vm_state building/);
  clock.advance(5000);
  res = await action(ts, f, id, { 'os-start': null });
  assert.equal(res.status, 409);
  assert.match((res.body.conflictingRequest as { message: string }).message, /vm_state active/);
  assert.equal((await action(ts, f, id, { 'os-stop': null })).status, 202);
  let s = await show(ts, f, id);
  assert.equal(s.body.server.status, 'SHUTOFF');
  assert.equal(s.body.server['OS-EXT-STS:power_state'], 4);
  assert.equal((await action(ts, f, id, { reboot: { type: 'SOFT' } })).status, 409);
  assert.equal((await action(ts, f, id, { 'os-start': null })).status, 202);
  assert.equal((await action(ts, f, id, { reboot: { type: 'HARD' } })).status, 202);
  s = await show(ts, f, id);
  assert.equal(s.body.server.status, 'HARD_REBOOT');
  clock.advance(1000);
  s = await show(ts, f, id);
  assert.equal(s.body.server.status, 'ACTIVE');
  res = await action(ts, f, id, { reboot: { type: 'WARM' } });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body), /reboot\.type/);
  res = await action(ts, f, id, { 'os-explode': null });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body), /os-explode/);
});

test('a boot fault makes matching servers go BUILD → ERROR with NoValidHost at the end of the build', async () => {
  const f = await novaFixture(ts);
  const res = await ts.call('sim', 'PUT', '/sim/faults/boot', { token: null, body: { name_pattern: 'app-2*', message: 'injected by test' } });
  assert.equal(res.status, 200);
  const failing = (await boot(ts, f, { name: 'app-2a' })).body.server.id;
  const fine = (await boot(ts, f, { name: 'app-1' })).body.server.id;
  // Decided at creation: clearing the switch afterwards does not save the server already asked for.
  assert.equal((await ts.call('sim', 'DELETE', '/sim/faults/boot', { token: null })).status, 204);
  let s = await show(ts, f, failing);
  assert.equal(s.body.server.status, 'BUILD');
  assert.equal(s.body.server.fault, undefined);
  clock.advance(5000);
  s = await show(ts, f, failing);
  assert.equal(s.body.server.status, 'ERROR');
  assert.equal(s.body.server['OS-EXT-STS:vm_state'], 'error');
  assert.equal(s.body.server['OS-EXT-STS:task_state'], null);
  const fault = s.body.server.fault as { code: number; message: string; created: string };
  assert.equal(fault.code, 500);
  assert.equal(fault.message, 'No valid host was found. injected by test');
  assert.match(fault.created, /^\d{4}-\d\d-\d\dT/);
  assert.equal((await show(ts, f, fine)).body.server.status, 'ACTIVE');
  // Programmatic switch, default message; a server booted after clearing builds normally.
  ts.site.faults.failBoots('app-3*');
  const third = (await boot(ts, f, { name: 'app-3' })).body.server.id;
  ts.site.faults.clearBoots();
  const fourth = (await boot(ts, f, { name: 'app-3b' })).body.server.id;
  clock.advance(5000);
  s = await show(ts, f, third);
  assert.equal(s.body.server.status, 'ERROR');
  assert.equal((s.body.server.fault as { message: string }).message, 'No valid host was found. There are not enough hosts available.');
  assert.equal((await show(ts, f, fourth)).body.server.status, 'ACTIVE');
});

test('list, detail, filters, sorting, paging and isolation', async () => {
  const f = await novaFixture(ts);
  const other = await novaFixture(ts);
  const ids: string[] = [];
  for (const name of ['alpha', 'beta', 'gamma']) {
    ids.push((await boot(ts, f, { name })).body.server.id);
    clock.advance(1000);
  }
  const theirs = (await boot(ts, other, { name: 'alpha' })).body.server.id;
  clock.advance(5000);
  type List = { servers: { id: string; name: string; status?: string }[]; servers_links?: { href: string }[] };
  let res = await ts.call<List>('nova', 'GET', '/v2.1/servers', { token: f.token });
  assert.deepEqual(res.body.servers.map((s) => s.name), ['gamma', 'beta', 'alpha']);
  assert.deepEqual(Object.keys(res.body.servers[0]!).sort(), ['id', 'links', 'name']);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers/detail?name=^b&status=ACTIVE', { token: f.token });
  assert.deepEqual(res.body.servers.map((s) => s.name), ['beta']);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers?sort_key=display_name&sort_dir=asc&limit=2', { token: f.token });
  assert.deepEqual(res.body.servers.map((s) => s.name), ['alpha', 'beta']);
  const next = new URL(res.body.servers_links![0]!.href);
  res = await ts.call<List>('nova', 'GET', `/v2.1/servers${next.search}`, { token: f.token });
  assert.deepEqual(res.body.servers.map((s) => s.name), ['gamma']);
  assert.equal(res.body.servers_links, undefined);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers?marker=nope', { token: f.token });
  assert.equal(res.status, 400);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers?status=bogus', { token: f.token, headers: mv('2.38') });
  assert.equal(res.status, 400);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers?limit=-1', { token: f.token });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body), /limit/);
  res = await ts.call<List>('nova', 'GET', `/v2.1/servers/detail?image=${f.imageId}&flavor=${f.flavorId}`, { token: f.token });
  assert.equal(res.body.servers.length, 3);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers?changes-since=2000-01-01T00:00:00', { token: f.token });
  assert.equal(res.body.servers.length, 3);
  res = await ts.call<List>('nova', 'GET', `/v2.1/servers?changes-since=${new Date(clock.now() + 3600_000).toISOString()}`, { token: f.token });
  assert.equal(res.body.servers.length, 0);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers?changes-since=yesterday', { token: f.token });
  assert.equal(res.status, 400);
  assert.match(res.text, /changes-since/);
  // Isolation: the other tenant's server is 404 here, and all_tenants is admin-only.
  assert.equal((await show(ts, f, theirs)).status, 404);
  assert.equal((await action(ts, f, theirs, { 'os-stop': null })).status, 404);
  assert.equal((await ts.call('nova', 'DELETE', `/v2.1/servers/${theirs}`, { token: f.token })).status, 404);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers?all_tenants=1', { token: f.token });
  assert.equal(res.status, 403);
  res = await ts.call<List>('nova', 'GET', `/v2.1/servers?all_tenants=1&project_id=${other.projectId}`);
  assert.deepEqual(res.body.servers.map((s) => s.id), [theirs]);
  res = await ts.call<List>('nova', 'GET', '/v2.1/servers?all_tenants=True&name=alpha');
  assert.equal(res.body.servers.length, 2);
  // Metadata: merge, replace, per key.
  const meta = `/v2.1/servers/${ids[1]}/metadata`;
  let m = await ts.call('nova', 'POST', meta, { token: f.token, body: { metadata: { a: '1' } } });
  assert.deepEqual(m.body, { metadata: { a: '1' } });
  m = await ts.call('nova', 'PUT', `${meta}/b`, { token: f.token, body: { meta: { b: '2' } } });
  assert.equal(m.status, 200);
  m = await ts.call('nova', 'GET', meta, { token: f.token });
  assert.deepEqual(m.body, { metadata: { a: '1', b: '2' } });
  assert.equal((await ts.call('nova', 'DELETE', `${meta}/a`, { token: f.token })).status, 204);
  assert.equal((await ts.call('nova', 'GET', `${meta}/a`, { token: f.token })).status, 404);
  m = await ts.call('nova', 'PUT', meta, { token: f.token, body: { metadata: { c: 3 } } });
  assert.equal(m.status, 400);
  assert.match(m.text, /metadata\.c/);
  // Rename.
  const put = await ts.call<{ server: { name: string } }>('nova', 'PUT', `/v2.1/servers/${ids[0]}`, { token: f.token, body: { server: { name: 'renamed' } } });
  assert.equal(put.body.server.name, 'renamed');
});

test('bad input is 400 naming the field, never 500', async () => {
  const f = await novaFixture(ts);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ name: 42 }, /server\.name/],
    [{ name: 'x'.repeat(256) }, /server\.name/],
    [{ flavorRef: 'nope' }, /Flavor nope could not be found/],
    [{ imageRef: '00000000-0000-0000-0000-000000000000' }, /Image 00000000-0000-0000-0000-000000000000 could not be found/],
    [{ imageRef: '' }, /Block Device Mapping is Invalid/],
    [{ networks: [{ uuid: '00000000-0000-0000-0000-000000000000' }] }, /Network 00000000-0000-0000-0000-000000000000 could not be found/],
    [{ networks: [{ uuid: 'not-a-uuid' }] }, /networks\.0\.uuid/],
    [{ networks: [{ uuid: f.networkId, fixed_ip: '1.2.3' }] }, /fixed_ip/],
    [{ bogus: 1 }, /'bogus' was unexpected/],
    [{ key_name: 'missing' }, /Invalid key_name provided/],
    [{ security_groups: [{ name: 'nosuch' }] }, /nosuch/],
    [{ availability_zone: 'mars' }, /availability zone/],
    [{ metadata: { k: 5 } }, /metadata\.k/],
    [{ block_device_mapping_v2: [{ source_type: 'volume', boot_index: 0, uuid: '00000000-0000-0000-0000-000000000000', destination_type: 'volume' }] }, /failed to get volume/],
    [{ description: 'd' }, /'description' was unexpected/],
  ];
  for (const [server, pattern] of cases) {
    const res = await boot(ts, f, server);
    assert.equal(res.status, 400, `${JSON.stringify(server)} → ${res.status} ${res.text}`);
    assert.match(res.text, pattern, JSON.stringify(server));
    assert.ok('badRequest' in res.body, res.text);
  }
  let res = await ts.call('nova', 'POST', '/v2.1/servers', { token: f.token, body: { server: { name: 'x' } } });
  assert.equal(res.status, 400);
  assert.match(res.text, /server\.flavorRef/);
  res = await ts.call('nova', 'POST', '/v2.1/servers', { token: f.token, body: '{"server":' });
  assert.equal(res.status, 400);
  res = await boot(ts, f, {}, mv('2.37'));
  assert.equal(res.status, 202);
  res = await ts.call('nova', 'POST', '/v2.1/servers', { token: f.token, headers: mv('2.37'), body: { server: { name: 'x', flavorRef: f.flavorId, imageRef: f.imageId } } });
  assert.equal(res.status, 400);
  assert.match(res.text, /'networks' is a required property/);
  res = await ts.call('nova', 'GET', '/v2.1/servers/not-a-server', { token: f.token });
  assert.equal(res.status, 404);
  assert.match(res.text, /itemNotFound/);
});

test('quota: instances, cores and ram are enforced with Nova\'s message; admin updates quotas', async () => {
  const f = await novaFixture(ts);
  let res = await ts.call<{ quota_set: Record<string, number> }>('nova', 'GET', `/v2.1/os-quota-sets/${f.projectId}`, { token: f.token });
  assert.equal(res.body.quota_set.instances, 10);
  assert.equal(res.body.quota_set.cores, 20);
  assert.equal(res.body.quota_set.ram, 51200);
  res = await ts.call('nova', 'PUT', `/v2.1/os-quota-sets/${f.projectId}`, { token: f.token, body: { quota_set: { instances: 2 } } });
  assert.equal(res.status, 403);
  res = await ts.call('nova', 'PUT', `/v2.1/os-quota-sets/${f.projectId}`, { body: { quota_set: { instances: 2 } } });
  assert.equal(res.status, 200);
  assert.equal(res.body.quota_set.instances, 2);
  res = await ts.call('nova', 'PUT', `/v2.1/os-quota-sets/${f.projectId}`, { body: { quota_set: { instances: 'many' } } });
  assert.equal(res.status, 400);
  assert.match(res.text, /quota_set\.instances/);
  assert.equal((await boot(ts, f, {})).status, 202);
  assert.equal((await boot(ts, f, {})).status, 202);
  const over = await boot(ts, f, {});
  assert.equal(over.status, 403);
  assert.match(over.text, /Quota exceeded for instances: Requested 1, but already used 2 of 2 instances/);
  res = await ts.call('nova', 'GET', `/v2.1/os-quota-sets/${f.projectId}/detail`, { token: f.token });
  assert.deepEqual(res.body.quota_set.instances, { in_use: 2, limit: 2, reserved: 0 });
  const lim = await ts.call<{ limits: { absolute: Record<string, number> } }>('nova', 'GET', '/v2.1/limits', { token: f.token });
  assert.equal(lim.body.limits.absolute.maxTotalInstances, 2);
  assert.equal(lim.body.limits.absolute.totalInstancesUsed, 2);
  assert.equal(lim.body.limits.absolute.totalRAMUsed, 1024);
  const other = await novaFixture(ts);
  res = await ts.call('nova', 'GET', `/v2.1/os-quota-sets/${other.projectId}`, { token: f.token });
  assert.equal(res.status, 403);
});

test('flavors: admin-only create and delete, extra specs, private access', async () => {
  const user = await novaFixture(ts);
  type Flavors = { flavor: Record<string, unknown>; flavors: { id: string }[] };
  let res = await ts.call<Flavors>('nova', 'POST', '/v2.1/flavors', { token: user.token, body: { flavor: { name: 'x', ram: 1, vcpus: 1, disk: 0 } } });
  assert.equal(res.status, 403);
  res = await ts.call<Flavors>('nova', 'POST', '/v2.1/flavors', { body: { flavor: { name: 'm1.test', ram: 256, vcpus: 2, disk: 1, id: 'test1' } } });
  assert.equal(res.status, 200);
  assert.equal(res.body.flavor.swap, '');
  assert.equal(res.body.flavor['os-flavor-access:is_public'], true);
  res = await ts.call('nova', 'POST', '/v2.1/flavors', { body: { flavor: { name: 'm1.test', ram: 256, vcpus: 2, disk: 1 } } });
  assert.equal(res.status, 409);
  res = await ts.call('nova', 'POST', '/v2.1/flavors', { body: { flavor: { name: 'm1.bad', ram: 0, vcpus: 2, disk: 1 } } });
  assert.equal(res.status, 400);
  assert.match(res.text, /flavor\.ram/);
  res = await ts.call('nova', 'POST', '/v2.1/flavors/test1/os-extra_specs', { body: { extra_specs: { 'hw:cpu_policy': 'dedicated' } } });
  assert.equal(res.status, 200);
  res = await ts.call<Flavors>('nova', 'GET', '/v2.1/flavors/test1', { token: user.token, headers: mv('2.75') });
  assert.deepEqual(res.body.flavor.extra_specs, { 'hw:cpu_policy': 'dedicated' });
  assert.equal(res.body.flavor.swap, 0);
  res = await ts.call('nova', 'POST', '/v2.1/flavors', { body: { flavor: { name: 'm1.private', ram: 256, vcpus: 1, disk: 1, id: 'priv', 'os-flavor-access:is_public': false } } });
  assert.equal(res.status, 200);
  assert.equal((await ts.call('nova', 'GET', '/v2.1/flavors/priv', { token: user.token })).status, 404);
  res = await ts.call('nova', 'POST', '/v2.1/flavors/priv/action', { body: { addTenantAccess: { tenant: user.projectId } } });
  assert.equal(res.status, 200);
  assert.equal((await ts.call('nova', 'GET', '/v2.1/flavors/priv', { token: user.token })).status, 200);
  res = await ts.call<Flavors>('nova', 'GET', '/v2.1/flavors/detail', { token: user.token });
  assert.ok(res.body.flavors.some((x) => x.id === 'priv'));
  assert.equal((await ts.call('nova', 'DELETE', '/v2.1/flavors/test1', { token: user.token })).status, 403);
  assert.equal((await ts.call('nova', 'DELETE', '/v2.1/flavors/test1')).status, 202);
  assert.equal((await ts.call('nova', 'GET', '/v2.1/flavors/test1')).status, 404);
});

test('keypairs: generated and imported, per user, 201 from 2.2', async () => {
  const f = await novaFixture(ts);
  let res = await ts.call<{ keypair: Record<string, string> }>('nova', 'POST', '/v2.1/os-keypairs', { token: f.token, headers: mv('2.2'), body: { keypair: { name: 'k1' } } });
  assert.equal(res.status, 201);
  assert.match(res.body.keypair.public_key!, /^ssh-rsa /);
  assert.match(res.body.keypair.private_key!, /BEGIN RSA PRIVATE KEY/);
  assert.match(res.body.keypair.fingerprint!, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  assert.equal(res.body.keypair.type, 'ssh');
  const pub = res.body.keypair.public_key!;
  res = await ts.call('nova', 'POST', '/v2.1/os-keypairs', { token: f.token, body: { keypair: { name: 'k1' } } });
  assert.equal(res.status, 409);
  res = await ts.call('nova', 'POST', '/v2.1/os-keypairs', { token: f.token, body: { keypair: { name: 'k2', public_key: pub } } });
  assert.equal(res.status, 200);
  res = await ts.call('nova', 'POST', '/v2.1/os-keypairs', { token: f.token, body: { keypair: { name: 'k3', public_key: 'garbage' } } });
  assert.equal(res.status, 400);
  res = await ts.call('nova', 'POST', '/v2.1/os-keypairs', { token: f.token, body: { keypair: { name: 'bad/name' } } });
  assert.equal(res.status, 400);
  assert.match(res.text, /keypair\.name/);
  const list = await ts.call<{ keypairs: { keypair: { name: string } }[] }>('nova', 'GET', '/v2.1/os-keypairs', { token: f.token });
  assert.deepEqual(list.body.keypairs.map((k) => k.keypair.name), ['k1', 'k2']);
  const adminList = await ts.call<{ keypairs: unknown[] }>('nova', 'GET', '/v2.1/os-keypairs');
  assert.equal(adminList.body.keypairs.length, 0);
  assert.equal((await ts.call('nova', 'GET', '/v2.1/os-keypairs/k1', { token: f.token })).status, 200);
  assert.equal((await boot(ts, f, { key_name: 'k1' })).status, 202);
  assert.equal((await ts.call('nova', 'DELETE', '/v2.1/os-keypairs/k2', { token: f.token, headers: mv('2.2') })).status, 204);
  assert.equal((await ts.call('nova', 'GET', '/v2.1/os-keypairs/k2', { token: f.token })).status, 404);
});

test('availability zones, services and hypervisors', async () => {
  let res = await ts.call<{ availabilityZoneInfo: { zoneName: string }[] }>('nova', 'GET', '/v2.1/os-availability-zone');
  assert.deepEqual(res.body.availabilityZoneInfo.map((z) => z.zoneName), ['nova']);
  res = await ts.call('nova', 'GET', '/v2.1/os-availability-zone/detail');
  assert.deepEqual(res.body.availabilityZoneInfo.map((z) => z.zoneName), ['internal', 'nova']);
  const f = await novaFixture(ts);
  assert.equal((await ts.call('nova', 'GET', '/v2.1/os-availability-zone/detail', { token: f.token })).status, 403);
  const svc = await ts.call<{ services: { id: unknown; binary: string; state: string }[] }>('nova', 'GET', '/v2.1/os-services', { headers: mv('2.53') });
  assert.deepEqual(svc.body.services.map((x) => [x.binary, x.state]), [['nova-conductor', 'up'], ['nova-scheduler', 'up'], ['nova-compute', 'up']]);
  assert.equal(typeof svc.body.services[0]!.id, 'string');
  const hv = await ts.call<{ hypervisors: Record<string, unknown>[] }>('nova', 'GET', '/v2.1/os-hypervisors/detail');
  assert.equal(hv.body.hypervisors[0]!.hypervisor_hostname, 'cloudsim-test-site');
  assert.equal(hv.body.hypervisors[0]!.id, 1);
  assert.equal((await ts.call('nova', 'GET', '/v2.1/os-hypervisors', { token: f.token })).status, 403);
});

test('BUILD → ACTIVE is judged from stored times, so it survives a restart', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { Site } = await import('../../src/site.js');
  const { bootServer } = await import('../../src/nova/boot.js');
  const dir = mkdtempSync(join(tmpdir(), 'nova-restart-'));
  const c = new ManualClock();
  try {
    let site = await Site.start({ name: 'restart', basePort: 0, dataDir: dir, clock: c, bootTimeMs: 10_000 });
    const admin = site.keystone.projects.find((p) => p.name === 'admin')!;
    const image = site.glance.createImage(admin.id, { name: 'img', visibility: 'public' });
    site.glance.activate(image.id, 1, '0', '0');
    const flavor = site.nova.createFlavor({ name: 'f', vcpus: 1, ram: 64, disk: 1 });
    const id = bootServer(site.nova, { projectId: admin.id, userId: 'u', isAdmin: true }, { name: 'x', flavorRef: flavor.id, imageRef: image.id, networks: 'none' }).id;
    assert.equal(site.nova.getServer(id)!.vm_state, 'building');
    await site.stop();
    c.advance(10_000);
    site = await Site.start({ name: 'restart', basePort: 0, dataDir: dir, clock: c, bootTimeMs: 10_000 });
    const s = site.nova.getServer(id)!;
    assert.equal(s.vm_state, 'active');
    assert.equal(s.launched_ms, s.created_ms + 10_000);
    await site.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
