import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();

interface Net {
  id: string;
  name: string;
  project_id: string;
  shared: boolean;
  status: string;
  subnets: string[];
  'router:external': boolean;
}
interface Subnet {
  id: string;
  cidr: string;
  gateway_ip: string | null;
  allocation_pools: { start: string; end: string }[];
  enable_dhcp: boolean;
}
interface NeutronError {
  NeutronError: { type: string; message: string };
}

test('version discovery and extensions', async () => {
  const root = await ts.call<{ versions: { id: string; status: string }[] }>('neutron', 'GET', '/', { token: null });
  assert.equal(root.status, 200);
  assert.equal(root.body.versions[0]!.id, 'v2.0');
  const ext = await ts.call<{ extensions: { alias: string }[] }>('neutron', 'GET', '/v2.0/extensions');
  assert.ok(ext.body.extensions.some((e) => e.alias === 'security-group'));
  const one = await ts.call('neutron', 'GET', '/v2.0/extensions/binding');
  assert.equal(one.status, 200);
  const missing = await ts.call<NeutronError>('neutron', 'GET', '/v2.0/extensions/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.NeutronError.type, 'ExtensionNotFound');
});

test('a network without a token is 401', async () => {
  const res = await ts.call('neutron', 'GET', '/v2.0/networks', { token: null });
  assert.equal(res.status, 401);
});

test('network create, show, update, list with filters, delete', async () => {
  const created = await ts.call<{ network: Net }>('neutron', 'POST', '/v2.0/networks', { body: { network: { name: 'net-a' } } });
  assert.equal(created.status, 201);
  const net = created.body.network;
  assert.equal(net.status, 'ACTIVE');
  assert.equal(net.shared, false);
  assert.deepEqual(net.subnets, []);
  const shown = await ts.call<{ network: Net }>('neutron', 'GET', `/v2.0/networks/${net.id}`);
  assert.equal(shown.body.network.name, 'net-a');
  const updated = await ts.call<{ network: Net }>('neutron', 'PUT', `/v2.0/networks/${net.id}`, { body: { network: { name: 'net-a2' } } });
  assert.equal(updated.body.network.name, 'net-a2');
  const listed = await ts.call<{ networks: Net[] }>('neutron', 'GET', '/v2.0/networks?name=net-a2&fields=id&fields=name');
  assert.deepEqual(listed.body.networks, [{ id: net.id, name: 'net-a2' }]);
  const del = await ts.call('neutron', 'DELETE', `/v2.0/networks/${net.id}`);
  assert.equal(del.status, 204);
  const gone = await ts.call<NeutronError>('neutron', 'GET', `/v2.0/networks/${net.id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.NeutronError.type, 'NetworkNotFound');
});

test('bulk create and limit/marker pagination with networks_links', async () => {
  const bulk = await ts.call<{ networks: Net[] }>('neutron', 'POST', '/v2.0/networks', {
    body: { networks: [{ name: 'page-1' }, { name: 'page-2' }, { name: 'page-3' }] },
  });
  assert.equal(bulk.status, 201);
  assert.equal(bulk.body.networks.length, 3);
  const page1 = await ts.call<{ networks: Net[]; networks_links?: { rel: string; href: string }[] }>('neutron', 'GET', '/v2.0/networks?limit=2&sort_key=name&sort_dir=asc');
  assert.equal(page1.body.networks.length, 2);
  const next = page1.body.networks_links?.find((l) => l.rel === 'next');
  assert.ok(next);
  const url = new URL(next.href);
  const page2 = await ts.call<{ networks: Net[] }>('neutron', 'GET', url.pathname + url.search);
  assert.ok(page2.body.networks.length >= 1);
  assert.ok(!page2.body.networks.some((n) => page1.body.networks.some((m) => m.id === n.id)));
  const badLimit = await ts.call('neutron', 'GET', '/v2.0/networks?limit=abc');
  assert.equal(badLimit.status, 400);
});

test('subnet defaults: gateway first host, pools the rest; network lists it', async () => {
  const net = (await ts.call<{ network: Net }>('neutron', 'POST', '/v2.0/networks', { body: { network: { name: 'sn-net' } } })).body.network;
  const res = await ts.call<{ subnet: Subnet }>('neutron', 'POST', '/v2.0/subnets', {
    body: { subnet: { network_id: net.id, ip_version: 4, cidr: '10.1.0.0/24', name: 'sn', dns_nameservers: ['8.8.8.8'] } },
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.subnet.gateway_ip, '10.1.0.1');
  assert.deepEqual(res.body.subnet.allocation_pools, [{ start: '10.1.0.2', end: '10.1.0.254' }]);
  assert.equal(res.body.subnet.enable_dhcp, true);
  const shown = await ts.call<{ network: Net }>('neutron', 'GET', `/v2.0/networks/${net.id}`);
  assert.deepEqual(shown.body.network.subnets, [res.body.subnet.id]);
  const overlap = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/subnets', { body: { subnet: { network_id: net.id, ip_version: 4, cidr: '10.1.0.128/25' } } });
  assert.equal(overlap.status, 400);
  const hostBits = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/subnets', { body: { subnet: { network_id: net.id, ip_version: 4, cidr: '10.2.0.5/24' } } });
  assert.equal(hostBits.status, 400);
  assert.equal(hostBits.body.NeutronError.type, 'InvalidInput');
  const badPool = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/subnets', {
    body: { subnet: { network_id: net.id, ip_version: 4, cidr: '10.3.0.0/24', allocation_pools: [{ start: '10.3.1.2', end: '10.3.1.9' }] } },
  });
  assert.equal(badPool.status, 400);
  const noGw = await ts.call<{ subnet: Subnet }>('neutron', 'POST', '/v2.0/subnets', {
    body: { subnet: { network_id: net.id, ip_version: 4, cidr: '10.4.0.0/29', gateway_ip: null } },
  });
  assert.equal(noGw.body.subnet.gateway_ip, null);
  assert.deepEqual(noGw.body.subnet.allocation_pools, [{ start: '10.4.0.1', end: '10.4.0.6' }]);
  const upd = await ts.call<{ subnet: Subnet }>('neutron', 'PUT', `/v2.0/subnets/${noGw.body.subnet.id}`, { body: { subnet: { enable_dhcp: false, name: 'x' } } });
  assert.equal(upd.body.subnet.enable_dhcp, false);
  const filtered = await ts.call<{ subnets: Subnet[] }>('neutron', 'GET', `/v2.0/subnets?network_id=${net.id}&cidr=10.1.0.0/24`);
  assert.equal(filtered.body.subnets.length, 1);
});

test('bad input is 400 naming the field, never 500', async () => {
  const cases: [unknown, RegExp][] = [
    [{ network: { name: 5 } }, /network\.name/],
    [{ network: { name: { a: 1 } } }, /network\.name/],
    [{ network: { name: 'x'.repeat(256) } }, /network\.name/],
    [{ network: { bogus: 1 } }, /bogus/],
    [{ network: { admin_state_up: 'maybe' } }, /admin_state_up/],
    [{ netwerk: {} }, /netwerk/],
  ];
  for (const [body, field] of cases) {
    const res = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/networks', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.body.NeutronError.message, field);
  }
  const net = (await ts.call<{ network: Net }>('neutron', 'POST', '/v2.0/networks', { body: { network: { name: 'bad-in' } } })).body.network;
  const noCidr = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/subnets', { body: { subnet: { network_id: net.id, ip_version: 4 } } });
  assert.equal(noCidr.status, 400);
  assert.match(noCidr.body.NeutronError.message, /subnet\.cidr/);
  const badNetId = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/subnets', { body: { subnet: { network_id: 'not-a-uuid', ip_version: 4, cidr: '10.9.0.0/24' } } });
  assert.equal(badNetId.status, 400);
  assert.match(badNetId.body.NeutronError.message, /network_id/);
  const badCidr = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/subnets', { body: { subnet: { network_id: net.id, ip_version: 4, cidr: '300.1.1.0/24' } } });
  assert.equal(badCidr.status, 400);
  const malformed = await ts.call('neutron', 'POST', '/v2.0/networks', { body: '{"network":' });
  assert.equal(malformed.status, 400);
  const unknownId = await ts.call<NeutronError>('neutron', 'PUT', '/v2.0/subnets/nope', { body: { subnet: { name: 'y' } } });
  assert.equal(unknownId.status, 404);
  assert.equal(unknownId.body.NeutronError.type, 'SubnetNotFound');
});

test('isolation: other projects are 404, shared networks visible, admin-only attributes 403', async () => {
  const demo = await ts.tenant('demo');
  const other = await ts.tenant('other');
  const mine = await ts.call<{ network: Net }>('neutron', 'POST', '/v2.0/networks', { token: demo.token, body: { network: { name: 'demo-net' } } });
  assert.equal(mine.status, 201);
  assert.equal(mine.body.network.project_id, demo.projectId);
  assert.equal((mine.body.network as unknown as Record<string, unknown>)['provider:network_type'], undefined);
  const theirs = await ts.call<NeutronError>('neutron', 'GET', `/v2.0/networks/${mine.body.network.id}`, { token: other.token });
  assert.equal(theirs.status, 404);
  const theirDelete = await ts.call('neutron', 'DELETE', `/v2.0/networks/${mine.body.network.id}`, { token: other.token });
  assert.equal(theirDelete.status, 404);
  const listOther = await ts.call<{ networks: Net[] }>('neutron', 'GET', '/v2.0/networks', { token: other.token });
  assert.ok(!listOther.body.networks.some((n) => n.id === mine.body.network.id));
  const shared = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/networks', { token: demo.token, body: { network: { name: 's', shared: true } } });
  assert.equal(shared.status, 403);
  assert.equal(shared.body.NeutronError.type, 'PolicyNotAuthorized');
  const forOther = await ts.call('neutron', 'POST', '/v2.0/networks', { token: demo.token, body: { network: { name: 's', project_id: other.projectId } } });
  assert.equal(forOther.status, 403);
  const adminShared = await ts.call<{ network: Net }>('neutron', 'POST', '/v2.0/networks', { body: { network: { name: 'public', shared: true } } });
  const seen = await ts.call<{ networks: Net[] }>('neutron', 'GET', '/v2.0/networks', { token: other.token });
  assert.ok(seen.body.networks.some((n) => n.id === adminShared.body.network.id));
  const notOwner = await ts.call('neutron', 'PUT', `/v2.0/networks/${adminShared.body.network.id}`, { token: other.token, body: { network: { name: 'mine' } } });
  assert.equal(notOwner.status, 403);
  const subnetOnShared = await ts.call('neutron', 'POST', '/v2.0/subnets', {
    token: other.token,
    body: { subnet: { network_id: adminShared.body.network.id, ip_version: 4, cidr: '10.8.0.0/24' } },
  });
  assert.equal(subnetOnShared.status, 403);
  const adminSees = await ts.call<{ networks: Net[] }>('neutron', 'GET', '/v2.0/networks');
  assert.ok(adminSees.body.networks.some((n) => n.id === mine.body.network.id));
  const quota = await ts.call('neutron', 'PUT', `/v2.0/quotas/${demo.projectId}`, { token: demo.token, body: { quota: { network: 1 } } });
  assert.equal(quota.status, 403);
});

test('quotas: show, set, enforce', async () => {
  const q = await ts.tenant('quota-proj');
  const set = await ts.call<{ quota: { network: number } }>('neutron', 'PUT', `/v2.0/quotas/${q.projectId}`, { body: { quota: { network: 1 } } });
  assert.equal(set.body.quota.network, 1);
  const shown = await ts.call<{ quota: { network: number; port: number } }>('neutron', 'GET', `/v2.0/quotas/${q.projectId}`, { token: q.token });
  assert.equal(shown.body.quota.network, 1);
  assert.equal(shown.body.quota.port, 500);
  assert.equal((await ts.call('neutron', 'POST', '/v2.0/networks', { token: q.token, body: { network: { name: 'q1' } } })).status, 201);
  const over = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/networks', { token: q.token, body: { network: { name: 'q2' } } });
  assert.equal(over.status, 409);
  assert.equal(over.body.NeutronError.type, 'OverQuota');
  const details = await ts.call<{ quota: { network: { used: number; limit: number } } }>('neutron', 'GET', `/v2.0/quotas/${q.projectId}/details`, { token: q.token });
  assert.deepEqual(details.body.quota.network, { limit: 1, used: 1, reserved: 0 });
});
