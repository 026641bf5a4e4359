import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';
import { seedNeutron } from '../../src/neutron/seed.js';
import { seedGlance } from '../../src/glance/seed.js';

const ts = await startTestSite({
  seed: {
    projects: [{ name: 'tenant-a' }],
    security_groups: [
      { name: 'web', project: 'tenant-a', rules: [{ direction: 'ingress', protocol: 'tcp', port_range_min: 80, port_range_max: 80, remote_ip_prefix: '0.0.0.0/0' }] },
    ],
    networks: [
      { name: 'public', shared: true, external: true, subnets: [{ name: 'public-v4', cidr: '203.0.113.0/24', allocation_pools: [{ start: '203.0.113.10', end: '203.0.113.20' }] }] },
      { name: 'private-a', project: 'tenant-a', subnets: [{ name: 'private-a-v4', cidr: '192.168.10.0/24', dns_nameservers: ['1.1.1.1'] }] },
    ],
  },
});

test('seeded networks, subnets and groups exist with their owners and attributes', () => {
  const n = ts.site.neutron;
  const projectA = ts.site.keystone.projects.find((p) => p.name === 'tenant-a')!;
  const publicNet = n.networks.find((x) => x.name === 'public')!;
  assert.equal(publicNet.shared, true);
  assert.equal(publicNet['router:external'], true);
  const pub = n.getSubnet(publicNet.subnets[0]!)!;
  assert.deepEqual(pub.allocation_pools, [{ start: '203.0.113.10', end: '203.0.113.20' }]);
  assert.equal(pub.gateway_ip, '203.0.113.1');
  const priv = n.networks.find((x) => x.name === 'private-a')!;
  assert.equal(priv.project_id, projectA.id);
  assert.ok(n.visibleNetwork(priv.id, projectA.id, false));
  assert.ok(n.visibleNetwork(publicNet.id, projectA.id, false));
  const web = n.findSecurityGroup(projectA.id, 'web')!;
  assert.ok(n.securityGroups.rulesOf(web.id).some((r) => r.port_range_min === 80));
  const port = n.createPort(projectA.id, { network_id: priv.id });
  assert.equal(port.fixed_ips[0]!.ip_address, '192.168.10.2');
  assert.equal(n.findSecurityGroup(projectA.id, port.security_groups[0]!)!.name, 'default');
});

test('unknown project names and bad cidrs are errors naming the entry', () => {
  assert.throws(() => seedNeutron(ts.site, { networks: [{ name: 'x', project: 'nope' }] }), /network 'x'.*unknown project 'nope'/);
  assert.throws(() => seedNeutron(ts.site, { networks: [{ name: 'y', subnets: [{ name: 'bad', cidr: '10.0.0.1/8' }] }] }), /network 'y'.*subnet 'bad'/);
  assert.throws(() => seedGlance(ts.site, { images: [{ name: 'img', project: 'nope' }] }), /image 'img'.*unknown project 'nope'/);
});
