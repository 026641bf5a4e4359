// A site keeps its state across a restart of its process: identities, tokens, networks,
// volumes, servers and guest data; the seed is applied only on the first start.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSeed } from '../../src/seed/load.js';
import { Site } from '../../src/site.js';
import { TestSite } from '../helpers/site.js';

const seed = parseSeed(`
projects: [{ name: demo }]
users: [{ name: demo, password: demo, default_project: demo }]
role_assignments: [{ user: demo, project: demo, role: member }]
flavors: [{ name: m1.tiny, vcpus: 1, ram: 512, disk: 1 }]
images: [{ name: cirros, visibility: public, min_disk: 1 }]
networks: [{ name: net, project: demo, subnets: [{ name: sub, cidr: 10.1.0.0/24 }] }]
volume_types: [{ name: replicated, extra_specs: { replication_enabled: '<is> True' } }]
servers:
  - { name: vm, project: demo, user: demo, flavor: m1.tiny, boot_volume: { size: 1, image: cirros, type: replicated }, networks: [{ network: net, fixed_ip: 10.1.0.20 }] }
`);

test('state, tokens and guest data survive a restart; the seed is not applied twice', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cloudsim-restart-'));
  const first = new TestSite(await Site.start({ name: 'r', basePort: 0, bootTimeMs: 0, dataDir, seed }));
  const token = await first.token('demo', 'demo', 'demo');
  const servers = await first.call<{ servers: { id: string; name: string }[] }>('nova', 'GET', '/v2.1/servers', { token });
  const vm = servers.body.servers[0]!;
  const write = await first.call('sim', 'POST', `/sim/servers/${vm.id}/write`, { token: null, body: { offset: 512, data: Buffer.from('before restart').toString('base64') } });
  assert.equal(write.status, 200, write.text);
  const net = await first.call<{ network: { id: string } }>('neutron', 'POST', '/v2.0/networks', { token, body: { network: { name: 'made-by-user' } } });
  assert.equal(net.status, 201);
  await first.site.stop();

  const second = new TestSite(await Site.start({ name: 'r', basePort: 0, bootTimeMs: 0, dataDir, seed }));
  try {
    // The token issued before the restart is still valid.
    const again = await second.call<{ servers: { id: string; name: string }[] }>('nova', 'GET', '/v2.1/servers', { token });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.servers.map((s) => s.name), ['vm']);
    const nets = await second.call<{ networks: { name: string }[] }>('neutron', 'GET', '/v2.0/networks', { token });
    assert.deepEqual(nets.body.networks.map((n) => n.name).sort(), ['made-by-user', 'net']);
    const read = await second.call<{ data: string }>('sim', 'POST', `/sim/servers/${vm.id}/read`, { token: null, body: { offset: 512, length: 14 } });
    assert.equal(Buffer.from(read.body.data, 'base64').toString(), 'before restart');
    const ports = await second.call<{ ports: { fixed_ips: { ip_address: string }[] }[] }>('neutron', 'GET', `/v2.0/ports?device_id=${vm.id}`, { token });
    assert.equal(ports.body.ports[0]?.fixed_ips[0]?.ip_address, '10.1.0.20');
  } finally {
    await second.site.stop();
  }
});
