import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();

interface Port {
  id: string;
  network_id: string;
  project_id: string;
  mac_address: string;
  status: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  security_groups: string[];
  device_id: string;
  'binding:host_id'?: string;
}
interface NeutronError {
  NeutronError: { type: string; message: string };
}

/** A network with one small subnet (10.20.0.0/29: pools .2-.6) owned by `token`'s project. */
async function smallNetwork(token?: string, cidr = '10.20.0.0/29') {
  const net = await ts.call<{ network: { id: string } }>('neutron', 'POST', '/v2.0/networks', { token, body: { network: { name: 'pnet' } } });
  const sub = await ts.call<{ subnet: { id: string } }>('neutron', 'POST', '/v2.0/subnets', { token, body: { subnet: { network_id: net.body.network.id, ip_version: 4, cidr } } });
  assert.equal(sub.status, 201);
  return { networkId: net.body.network.id, subnetId: sub.body.subnet.id };
}

test('a port gets the first free pool address and the default security group', async () => {
  const { networkId, subnetId } = await smallNetwork();
  const res = await ts.call<{ port: Port }>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, name: 'p1' } } });
  assert.equal(res.status, 201);
  assert.deepEqual(res.body.port.fixed_ips, [{ subnet_id: subnetId, ip_address: '10.20.0.2' }]);
  assert.match(res.body.port.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
  assert.equal(res.body.port.status, 'DOWN');
  assert.equal(res.body.port.security_groups.length, 1);
  const sg = await ts.call<{ security_group: { name: string; security_group_rules: { direction: string; remote_group_id: string | null }[] } }>(
    'neutron', 'GET', `/v2.0/security-groups/${res.body.port.security_groups[0]}`,
  );
  assert.equal(sg.body.security_group.name, 'default');
  assert.equal(sg.body.security_group.security_group_rules.length, 4);
  assert.equal(sg.body.security_group.security_group_rules.filter((r) => r.direction === 'ingress' && r.remote_group_id).length, 2);
  const byIp = await ts.call<{ ports: Port[] }>('neutron', 'GET', '/v2.0/ports?fixed_ips=ip_address%3D10.20.0.2');
  assert.deepEqual(byIp.body.ports.map((p) => p.id), [res.body.port.id]);
});

test('explicit IPs: taken is 409, outside the subnet 400, wrong subnet 400, pool exhaustion 409', async () => {
  const { networkId, subnetId } = await smallNetwork(undefined, '10.21.0.0/29');
  const fixed = await ts.call<{ port: Port }>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, fixed_ips: [{ subnet_id: subnetId, ip_address: '10.21.0.5' }] } } });
  assert.equal(fixed.status, 201);
  assert.equal(fixed.body.port.fixed_ips[0]!.ip_address, '10.21.0.5');
  const taken = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, fixed_ips: [{ ip_address: '10.21.0.5' }] } } });
  assert.equal(taken.status, 409);
  assert.equal(taken.body.NeutronError.type, 'IpAddressAlreadyAllocated');
  const gateway = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, fixed_ips: [{ ip_address: '10.21.0.1' }] } } });
  assert.equal(gateway.status, 409);
  const outside = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, fixed_ips: [{ subnet_id: subnetId, ip_address: '10.99.0.5' }] } } });
  assert.equal(outside.status, 400);
  assert.equal(outside.body.NeutronError.type, 'InvalidIpForSubnet');
  const broadcast = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, fixed_ips: [{ subnet_id: subnetId, ip_address: '10.21.0.7' }] } } });
  assert.equal(broadcast.body.NeutronError.type, 'InvalidIpForSubnet');
  const other = await smallNetwork(undefined, '10.22.0.0/29');
  const wrongSubnet = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, fixed_ips: [{ subnet_id: other.subnetId }] } } });
  assert.equal(wrongSubnet.status, 400);
  assert.equal(wrongSubnet.body.NeutronError.type, 'InvalidInput');
  // .2 .3 .4 .6 remain; take them, then the pool is exhausted.
  for (let i = 0; i < 4; i++) assert.equal((await ts.call('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId } } })).status, 201);
  const full = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId } } });
  assert.equal(full.status, 409);
  assert.equal(full.body.NeutronError.type, 'IpAddressGenerationFailure');
  const missingNet = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: '9b0d0f8e-0000-4000-8000-000000000000' } } });
  assert.equal(missingNet.status, 404);
  assert.equal(missingNet.body.NeutronError.type, 'NetworkNotFound');
});

test('mac address in use is 409; bad mac is 400', async () => {
  const { networkId } = await smallNetwork(undefined, '10.23.0.0/24');
  const mac = 'fa:16:3e:00:00:01';
  assert.equal((await ts.call('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, mac_address: mac } } })).status, 201);
  const dup = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, mac_address: mac } } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.NeutronError.type, 'MacAddressInUse');
  const bad = await ts.call('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId, mac_address: 'zz' } } });
  assert.equal(bad.status, 400);
});

test('bind, PortInUse, unbind through the model; in-use network and subnet cannot be deleted', async () => {
  const { networkId, subnetId } = await smallNetwork(undefined, '10.24.0.0/24');
  const port = (await ts.call<{ port: Port }>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId } } })).body.port;
  const model = ts.site.neutron;
  const bound = model.bindPort(port.id, { device_id: 'server-1', device_owner: 'compute:nova', host_id: 'host-1' });
  assert.equal(bound.status, 'ACTIVE');
  assert.throws(() => model.bindPort(port.id, { device_id: 'server-2', device_owner: 'compute:nova', host_id: 'host-1' }), { type: 'PortInUse' });
  assert.deepEqual(model.portsOfDevice('server-1').map((p) => p.id), [port.id]);
  const shown = await ts.call<{ port: Port }>('neutron', 'GET', `/v2.0/ports/${port.id}`);
  assert.equal(shown.body.port['binding:host_id'], 'host-1');
  const byDevice = await ts.call<{ ports: Port[] }>('neutron', 'GET', '/v2.0/ports?device_id=server-1');
  assert.equal(byDevice.body.ports.length, 1);
  const netDel = await ts.call<NeutronError>('neutron', 'DELETE', `/v2.0/networks/${networkId}`);
  assert.equal(netDel.status, 409);
  assert.equal(netDel.body.NeutronError.type, 'NetworkInUse');
  const subDel = await ts.call<NeutronError>('neutron', 'DELETE', `/v2.0/subnets/${subnetId}`);
  assert.equal(subDel.status, 409);
  assert.equal(subDel.body.NeutronError.type, 'SubnetInUse');
  model.unbindPort(port.id);
  assert.equal(model.getPort(port.id)!.status, 'DOWN');
  assert.equal(model.getPort(port.id)!.device_id, '');
  assert.equal((await ts.call('neutron', 'DELETE', `/v2.0/ports/${port.id}`)).status, 204);
  assert.equal((await ts.call('neutron', 'DELETE', `/v2.0/networks/${networkId}`)).status, 204);
  assert.equal(model.getSubnet(subnetId), undefined);
});

test('port update: name, fixed IPs, security groups', async () => {
  const { networkId, subnetId } = await smallNetwork(undefined, '10.25.0.0/24');
  const port = (await ts.call<{ port: Port }>('neutron', 'POST', '/v2.0/ports', { body: { port: { network_id: networkId } } })).body.port;
  const sg = await ts.call<{ security_group: { id: string } }>('neutron', 'POST', '/v2.0/security-groups', { body: { security_group: { name: 'web' } } });
  const upd = await ts.call<{ port: Port }>('neutron', 'PUT', `/v2.0/ports/${port.id}`, {
    body: { port: { name: 'renamed', fixed_ips: [{ subnet_id: subnetId, ip_address: '10.25.0.77' }], security_groups: [sg.body.security_group.id] } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.port.fixed_ips[0]!.ip_address, '10.25.0.77');
  assert.deepEqual(upd.body.port.security_groups, [sg.body.security_group.id]);
  const badSg = await ts.call<NeutronError>('neutron', 'PUT', `/v2.0/ports/${port.id}`, { body: { port: { security_groups: ['9b0d0f8e-0000-4000-8000-000000000000'] } } });
  assert.equal(badSg.status, 404);
  assert.equal(badSg.body.NeutronError.type, 'SecurityGroupNotFound');
  const inUse = await ts.call<NeutronError>('neutron', 'DELETE', `/v2.0/security-groups/${sg.body.security_group.id}`);
  assert.equal(inUse.status, 409);
  assert.equal(inUse.body.NeutronError.type, 'SecurityGroupInUse');
});

test('isolation: another project cannot see or use my ports; members cannot bind or pick IPs on shared networks', async () => {
  const demo = await ts.tenant('demo');
  const other = await ts.tenant('other');
  const { networkId } = await smallNetwork(demo.token, '10.26.0.0/24');
  const port = await ts.call<{ port: Port }>('neutron', 'POST', '/v2.0/ports', { token: demo.token, body: { port: { network_id: networkId } } });
  assert.equal(port.status, 201);
  assert.equal(port.body.port['binding:host_id'], undefined);
  assert.equal((await ts.call('neutron', 'GET', `/v2.0/ports/${port.body.port.id}`, { token: other.token })).status, 404);
  assert.equal((await ts.call('neutron', 'POST', '/v2.0/ports', { token: other.token, body: { port: { network_id: networkId } } })).status, 404);
  const list = await ts.call<{ ports: Port[] }>('neutron', 'GET', '/v2.0/ports', { token: other.token });
  assert.equal(list.body.ports.length, 0);
  const bind = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { token: demo.token, body: { port: { network_id: networkId, 'binding:host_id': 'h' } } });
  assert.equal(bind.status, 403);
  const shared = await ts.call<{ network: { id: string } }>('neutron', 'POST', '/v2.0/networks', { body: { network: { name: 'shared', shared: true } } });
  await ts.call('neutron', 'POST', '/v2.0/subnets', { body: { subnet: { network_id: shared.body.network.id, ip_version: 4, cidr: '10.27.0.0/24' } } });
  const onShared = await ts.call<{ port: Port }>('neutron', 'POST', '/v2.0/ports', { token: other.token, body: { port: { network_id: shared.body.network.id } } });
  assert.equal(onShared.status, 201);
  const pick = await ts.call('neutron', 'POST', '/v2.0/ports', { token: other.token, body: { port: { network_id: shared.body.network.id, fixed_ips: [{ ip_address: '10.27.0.9' }] } } });
  assert.equal(pick.status, 403);
  const otherSg = ts.site.neutron.securityGroups.ensureDefault(demo.projectId);
  const foreignSg = await ts.call('neutron', 'POST', '/v2.0/ports', { token: other.token, body: { port: { network_id: shared.body.network.id, security_groups: [otherSg.id] } } });
  assert.equal(foreignSg.status, 404);
});

test('bad port bodies are 400 naming the field', async () => {
  const cases: [unknown, RegExp][] = [
    [{ port: {} }, /port\.network_id/],
    [{ port: { network_id: '9b0d0f8e-0000-4000-8000-000000000000', fixed_ips: [{ ip_address: 10 }] } }, /port\.fixed_ips\.0\.ip_address/],
    [{ port: { network_id: 'x' } }, /port\.network_id/],
    [{ port: { network_id: '9b0d0f8e-0000-4000-8000-000000000000', fixed_ips: 'all' } }, /fixed_ips/],
    [{ port: { network_id: '9b0d0f8e-0000-4000-8000-000000000000', fixed_ips: [{ ip: '1.2.3.4' }] } }, /ip/],
    [{ port: { network_id: '9b0d0f8e-0000-4000-8000-000000000000', device_id: 'd'.repeat(300) } }, /device_id/],
  ];
  for (const [body, field] of cases) {
    const res = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/ports', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.body.NeutronError.message, field);
  }
});

test('a tenant polls many ports in one list: repeated id filters, device_id, and only what it may see', async () => {
  const t = await ts.tenant('port-poller');
  const { networkId } = await smallNetwork(t.token, '10.30.0.0/28');
  const made: string[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await ts.call<{ port: Port }>('neutron', 'POST', '/v2.0/ports', { token: t.token, body: { port: { network_id: networkId, device_id: i < 2 ? 'vm-a' : 'vm-b' } } });
    assert.equal(res.status, 201, res.text);
    made.push(res.body.port.id);
  }
  const ids = (query: string, token = t.token) =>
    ts.call<{ ports: Port[] }>('neutron', 'GET', `/v2.0/ports?${query}`, { token }).then((r) => r.body.ports.map((p) => p.id).sort());
  assert.deepEqual(await ids(`id=${made[0]}&id=${made[3]}`), [made[0]!, made[3]!].sort());
  assert.deepEqual(await ids('device_id=vm-b'), [made[2]!, made[3]!].sort());
  assert.deepEqual(await ids(`network_id=${networkId}`), [...made].sort());
  // Another tenant sees none of them, whatever it asks for.
  const stranger = await ts.tenant('port-stranger');
  assert.deepEqual(await ids(`id=${made[0]}`, stranger.token), []);
  // Binding details are admin-only.
  const mine = await ts.call<{ ports: Port[] }>('neutron', 'GET', `/v2.0/ports?id=${made[0]}`, { token: t.token });
  assert.equal(mine.body.ports[0]?.['binding:host_id'], undefined);
});
