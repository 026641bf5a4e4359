// Fidelity: the real python-openstackclient drives a cloudsim site for everyday commands.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseSeed } from '../../src/seed/load.js';
import { Site } from '../../src/site.js';
import { eventually, openstack, type CliAuth } from './openstack-cli.js';

let site: Site;
let auth: CliAuth;
const os = <T = Record<string, unknown>>(...args: string[]) => openstack<T>(auth, args);

before(async () => {
  site = await Site.start({
    name: 'cli-site',
    basePort: 17000,
    bootTimeMs: 500,
    seed: parseSeed(`
projects: [{ name: demo }]
users: [{ name: demo, password: demo, default_project: demo }]
role_assignments: [{ user: demo, project: demo, role: member }]
flavors: [{ name: m1.tiny, vcpus: 1, ram: 512, disk: 1 }]
images: [{ name: cirros, disk_format: qcow2, container_format: bare, visibility: public, min_disk: 1 }]
volume_types:
  - { name: replicated, extra_specs: { replication_enabled: '<is> True', replication_type: '<in> async', volume_backend_name: flasharray } }
`),
  });
  auth = { authUrl: site.authUrl, username: 'admin', password: 'secret', projectName: 'admin' };
});
after(() => site.stop());

test('token issue and catalog list', async () => {
  const token = await os<{ id: string; project_id: string }>('token', 'issue', '-f', 'json');
  assert.ok(token.id.length > 20);
  const catalog = await os<{ Type: string }[]>('catalog', 'list', '-f', 'json');
  for (const type of ['identity', 'compute', 'volumev3', 'network', 'image']) {
    assert.ok(catalog.some((c) => c.Type === type), `catalog has ${type}`);
  }
});

test('project, user and role assignment lists', async () => {
  const projects = await os<{ Name: string }[]>('project', 'list', '-f', 'json');
  assert.deepEqual(projects.map((p) => p.Name).sort(), ['admin', 'demo', 'service']);
  const users = await os<{ Name: string }[]>('user', 'list', '-f', 'json');
  assert.ok(users.some((u) => u.Name === 'demo'));
  const assignments = await os<{ Role: string; User: string; Project: string }[]>('role', 'assignment', 'list', '--names', '-f', 'json');
  assert.ok(assignments.some((a) => a.Role === 'member' && a.User.startsWith('demo') && a.Project.startsWith('demo')));
});

test('volume type list and show with properties', async () => {
  const types = await os<{ Name: string }[]>('volume', 'type', 'list', '--long', '-f', 'json');
  assert.ok(types.some((t) => t.Name === 'replicated'));
  const shown = await os<{ properties: Record<string, string> | string }>('volume', 'type', 'show', 'replicated', '-f', 'json');
  assert.match(JSON.stringify(shown.properties), /replication_type.*<in> async/);
});

test('network, subnet and port create and list', async () => {
  await os('network', 'create', 'cli-net', '-f', 'json');
  await os('subnet', 'create', '--network', 'cli-net', '--subnet-range', '10.50.0.0/24', 'cli-subnet', '-f', 'json');
  const port = await os<{ fixed_ips: unknown }>('port', 'create', '--network', 'cli-net', '--fixed-ip', 'subnet=cli-subnet,ip-address=10.50.0.50', 'cli-port', '-f', 'json');
  assert.match(JSON.stringify(port.fixed_ips), /10\.50\.0\.50/);
  const networks = await os<{ Name: string }[]>('network', 'list', '-f', 'json');
  assert.ok(networks.some((n) => n.Name === 'cli-net'));
  const ports = await os<{ Name: string }[]>('port', 'list', '-f', 'json');
  assert.ok(ports.some((p) => p.Name === 'cli-port'));
});

test('image list and flavor list', async () => {
  const images = await os<{ Name: string }[]>('image', 'list', '-f', 'json');
  assert.ok(images.some((i) => i.Name === 'cirros'));
  const flavors = await os<{ Name: string }[]>('flavor', 'list', '-f', 'json');
  assert.ok(flavors.some((f) => f.Name === 'm1.tiny'));
});

test('volume create, show, list; server boot from volume, stop, start, delete; volume delete', async () => {
  const vol = await os<{ id: string }>('volume', 'create', '--size', '1', '--type', 'replicated', '--image', 'cirros', '--bootable', 'boot-vol', '-f', 'json');
  await eventually('volume available', async () => (await os<{ status: string }>('volume', 'show', vol.id, '-f', 'json')).status === 'available');
  const vols = await os<{ Name: string }[]>('volume', 'list', '-f', 'json');
  assert.ok(vols.some((v) => v.Name === 'boot-vol'));

  const server = await os<{ id: string; status: string }>('server', 'create', '--flavor', 'm1.tiny', '--volume', vol.id, '--network', 'cli-net', '--wait', 'cli-vm', '-f', 'json');
  assert.equal(server.status, 'ACTIVE');
  const list = await os<{ Name: string; Status: string; Networks: unknown }[]>('server', 'list', '-f', 'json');
  const row = list.find((s) => s.Name === 'cli-vm');
  assert.equal(row?.Status, 'ACTIVE');
  assert.match(JSON.stringify(row?.Networks), /cli-net/);
  const shown = await os<{ volumes_attached: unknown }>('server', 'show', 'cli-vm', '-f', 'json');
  assert.match(JSON.stringify(shown.volumes_attached), new RegExp(vol.id));
  assert.equal((await os<{ status: string }>('volume', 'show', vol.id, '-f', 'json')).status, 'in-use');

  await os('server', 'stop', 'cli-vm');
  await eventually('server SHUTOFF', async () => (await os<{ status: string }>('server', 'show', 'cli-vm', '-f', 'json')).status === 'SHUTOFF');
  await os('server', 'start', 'cli-vm');
  await eventually('server ACTIVE', async () => (await os<{ status: string }>('server', 'show', 'cli-vm', '-f', 'json')).status === 'ACTIVE');
  await os('server', 'delete', '--wait', 'cli-vm');
  const after = await os<{ Name: string }[]>('server', 'list', '-f', 'json');
  assert.ok(!after.some((s) => s.Name === 'cli-vm'));

  await eventually('volume detached', async () => (await os<{ status: string }>('volume', 'show', vol.id, '-f', 'json')).status === 'available');
  await os('volume', 'delete', vol.id);
  await eventually('volume gone', async () => !(await os<{ ID: string }[]>('volume', 'list', '-f', 'json')).some((v) => v.ID === vol.id));
});

test('server tags: boot with --tag (2.52), list --tags / --not-tags (2.26), set and unset a tag', async () => {
  const nova = <T = Record<string, unknown>>(version: string, ...args: string[]) => os<T>(...args, '--os-compute-api-version', version);
  const net = await os<{ id: string }>('network', 'create', 'tag-net', '-f', 'json');
  await os('subnet', 'create', '--network', net.id, '--subnet-range', '10.77.0.0/24', 'tag-sub');
  for (const [name, tags] of [['tag-a', ['pg-1', 'tier-0']], ['tag-b', ['pg-1']], ['tag-c', ['pg-2']]] as const) {
    await nova('2.52', 'server', 'create', '--flavor', 'm1.tiny', '--image', 'cirros', '--network', 'tag-net', ...tags.flatMap((t) => ['--tag', t]), '--wait', name);
  }
  const names = async (...filter: string[]) =>
    (await nova<{ Name: string }[]>('2.26', 'server', 'list', ...filter, '-f', 'json')).map((s) => s.Name).filter((n) => n.startsWith('tag-')).sort();
  assert.deepEqual(await names('--tags', 'pg-1'), ['tag-a', 'tag-b']);
  assert.deepEqual(await names('--tags', 'pg-1', '--tags', 'tier-0'), ['tag-a']);
  assert.deepEqual(await names('--not-tags', 'pg-1'), ['tag-c']);
  await nova('2.26', 'server', 'set', '--tag', 'pg-2', 'tag-b');
  await nova('2.26', 'server', 'unset', '--tag', 'pg-1', 'tag-b');
  assert.deepEqual(await names('--tags', 'pg-2'), ['tag-b', 'tag-c']);
  const shown = await nova<{ tags: unknown }>('2.26', 'server', 'show', 'tag-b', '-f', 'json');
  assert.match(JSON.stringify(shown.tags), /pg-2/);
  for (const name of ['tag-a', 'tag-b', 'tag-c']) await os('server', 'delete', '--wait', name);
});
