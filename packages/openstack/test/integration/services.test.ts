import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Site } from '../../../cloudsim/src/site.js';
import { CONSISTENT_GROUP_SPEC } from '../../src/cinder.js';
import { OpenStackError, ServiceUnavailableError } from '../../src/errors.js';
import { createSiteClients, type SiteClients } from '../../src/site-clients.js';

// One cloudsim site; the tenant "demo" (member) and the bootstrap admin each get their clients.
let site: Site;
let admin: SiteClients;
let tenant: SiteClients;
let ids: { projectId: string; networkId: string; subnetId: string; imageId: string; flavorId: string };

const fast = { site: 'site-a', retries: 1, backoffMs: 5, timeoutMs: 5000 };
const waitFast = { intervalMs: 20, timeoutMs: 5000 };

before(async () => {
  site = await Site.start({ name: 'site-a', basePort: 0, bootTimeMs: 0 });
  const ks = site.keystone;
  const project = ks.ensureProject('demo', 'default');
  const user = ks.createUser({ name: 'demo', password: 'demo-pw', default_project_id: project.id });
  ks.ensureAssignment(user.id, ks.ensureRole('member').id, { project_id: project.id });
  const net = site.neutron.createNetwork(project.id, { name: 'demo-net' });
  const subnet = site.neutron.createSubnet(project.id, { network_id: net.id, cidr: '10.20.0.0/24', name: 'demo-subnet' });
  const image = site.glance.createImage(project.id, { name: 'cirros', visibility: 'public', disk_format: 'qcow2', container_format: 'bare' });
  site.glance.activate(image.id, 1024, '0', '0');
  const flavor = site.nova.createFlavor({ name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 });
  ids = { projectId: project.id, networkId: net.id, subnetId: subnet.id, imageId: image.id, flavorId: flavor.id };

  const authUrl = `${site.url('keystone')}/v3`;
  admin = createSiteClients({ authUrl, region: 'RegionOne', http: fast, credentials: { type: 'password', username: 'admin', password: 'secret', scope: { projectName: 'admin' } } });
  tenant = createSiteClients({ authUrl, region: 'RegionOne', http: fast, credentials: { type: 'password', username: 'demo', password: 'demo-pw', scope: { projectId: project.id } } });
});
after(() => site.stop());

describe('Glance', () => {
  it('finds an image by name and reads it; a missing one is a clear 404', async () => {
    const image = await tenant.glance.findImageByName('cirros');
    assert.equal(image?.id, ids.imageId);
    assert.equal((await tenant.glance.getImage(ids.imageId)).disk_format, 'qcow2');
    assert.equal(await tenant.glance.findImageByName('no-such-image'), undefined);
    site.glance.activate(site.glance.createImage(ids.projectId, { name: 'second', visibility: 'private', disk_format: 'raw', container_format: 'bare' }).id, 1, '0', '0');
    // Pages of one: the client follows Glance's `next`.
    assert.deepEqual((await tenant.glance.listImages({ limit: 1 })).map((i) => i.name).sort(), ['cirros', 'second']);
    const err = await tenant.glance.getImage('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.equal(err.status, 404);
    assert.match(err.message, /^site-a Glance GET \/v2\/images\/0{8}-0{4}-0{4}-0{4}-0{12} failed with 404: \S/);
    assert.ok(!err.message.includes('<'), 'no HTML in the message');
  });
});

describe('Neutron', () => {
  it('creates a port with a fixed IP and a MAC, lists and deletes it', async () => {
    const port = await tenant.neutron.createPort({
      network_id: ids.networkId,
      name: 'vm-1-eth0',
      fixed_ips: [{ subnet_id: ids.subnetId, ip_address: '10.20.0.42' }],
      mac_address: 'fa:16:3e:00:00:42',
    });
    assert.deepEqual(port.fixed_ips, [{ subnet_id: ids.subnetId, ip_address: '10.20.0.42' }]);
    assert.equal(port.mac_address, 'fa:16:3e:00:00:42');
    assert.equal((await tenant.neutron.getPort(port.id)).name, 'vm-1-eth0');
    assert.deepEqual((await tenant.neutron.listPorts({ network_id: ids.networkId })).map((p) => p.id), [port.id]);
    assert.equal((await tenant.neutron.getSubnet(ids.subnetId)).cidr, '10.20.0.0/24');
    assert.equal((await tenant.neutron.listNetworks({ name: 'demo-net' }))[0]?.id, ids.networkId);
    const groups = await tenant.neutron.listSecurityGroups();
    assert.ok(groups.some((g) => g.name === 'default'));
    assert.ok(groups[0] && (await tenant.neutron.getSecurityGroup(groups[0].id)).security_group_rules.length >= 0);
    assert.equal(typeof (await admin.neutron.getQuota(ids.projectId)).port, 'number');

    // The same address twice: Neutron's own conflict, by its exception type.
    const err = await tenant.neutron.createPort({ network_id: ids.networkId, fixed_ips: [{ subnet_id: ids.subnetId, ip_address: '10.20.0.42' }] }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.equal(err.status, 409);
    assert.match(err.message, /^site-a Neutron POST \/v2\.0\/ports failed with 409 \w+: .*10\.20\.0\.42/);
    await tenant.neutron.deletePort(port.id);
    assert.equal((await tenant.neutron.getPort(port.id).catch((e: unknown) => e) as OpenStackError).status, 404);
  });
});

describe('Neutron networks and subnets', () => {
  it('creates a network and a subnet, refuses deleting them in use, deletes them; deleting again is a 404', async () => {
    const net = await tenant.neutron.createNetwork({ name: 'dr-net', description: 'recovery network' });
    assert.equal(net.name, 'dr-net');
    assert.equal(net.project_id, ids.projectId);
    assert.equal(net.shared, false);
    assert.deepEqual(net.subnets, []);
    const subnet = await tenant.neutron.createSubnet({ network_id: net.id, cidr: '10.30.0.0/24', ip_version: 4, name: 'dr-subnet', gateway_ip: '10.30.0.1', enable_dhcp: false });
    assert.equal(subnet.network_id, net.id);
    assert.equal(subnet.cidr, '10.30.0.0/24');
    assert.equal(subnet.ip_version, 4);
    assert.equal(subnet.gateway_ip, '10.30.0.1');
    assert.equal(subnet.enable_dhcp, false);
    assert.deepEqual((await tenant.neutron.getNetwork(net.id)).subnets, [subnet.id]);
    assert.deepEqual((await tenant.neutron.listSubnets({ network_id: net.id })).map((x) => x.id), [subnet.id]);
    const shared = await admin.neutron.createNetwork({ name: 'shared-net', shared: true, project_id: ids.projectId });
    assert.equal(shared.shared, true);
    assert.equal(shared.project_id, ids.projectId);

    // Neutron's own errors: a bad CIDR is 400, a subnet or network with a port on it is 409.
    const bad = await tenant.neutron.createSubnet({ network_id: net.id, cidr: 'not-a-cidr', ip_version: 4 }).catch((e: unknown) => e);
    assert.ok(bad instanceof OpenStackError);
    assert.equal(bad.status, 400);
    assert.match(bad.message, /^site-a Neutron POST \/v2\.0\/subnets failed with 400/);
    const port = await tenant.neutron.createPort({ network_id: net.id, fixed_ips: [{ subnet_id: subnet.id }] });
    const inUse = await tenant.neutron.deleteSubnet(subnet.id).catch((e: unknown) => e);
    assert.ok(inUse instanceof OpenStackError);
    assert.equal(inUse.status, 409);
    assert.equal(((await tenant.neutron.deleteNetwork(net.id).catch((e: unknown) => e)) as OpenStackError).status, 409);
    await tenant.neutron.deletePort(port.id);

    await tenant.neutron.deleteSubnet(subnet.id);
    assert.equal(((await tenant.neutron.getSubnet(subnet.id).catch((e: unknown) => e)) as OpenStackError).status, 404);
    await tenant.neutron.deleteNetwork(net.id);
    assert.equal(((await tenant.neutron.getNetwork(net.id).catch((e: unknown) => e)) as OpenStackError).status, 404);
    await admin.neutron.deleteNetwork(shared.id);
    // Deleting what is gone is the usual 404, as for ports.
    for (const gone of [tenant.neutron.deleteSubnet(subnet.id), tenant.neutron.deleteNetwork(net.id), tenant.neutron.deletePort(port.id)]) {
      const err = await gone.catch((e: unknown) => e);
      assert.ok(err instanceof OpenStackError);
      assert.equal(err.status, 404);
    }
  });
});

describe('Cinder', () => {
  it('group type (admin) + consistency group + volumes added and removed, deleted with its volumes', async () => {
    const gt = await admin.cinder.createGroupType({ name: 'protector-cg', groupSpecs: { ...CONSISTENT_GROUP_SPEC } });
    assert.equal(gt.group_specs.consistent_group_snapshot_enabled, '<is> True');
    assert.equal((await tenant.cinder.findGroupTypeByName('protector-cg'))?.id, gt.id);
    const types = await tenant.cinder.listVolumeTypes();
    const type = types[0]!;
    assert.equal(typeof (await admin.cinder.getVolumeType(type.id)).extra_specs, 'object');

    const group = await tenant.cinder.createGroup({ group_type: gt.id, volume_types: [type.id], name: 'pg-1' });
    await tenant.cinder.waitForGroupStatus(group.id, 'available', waitFast);
    const v1 = await tenant.cinder.createVolume({ size: 1, name: 'data-1', volume_type: type.id });
    const v2 = await tenant.cinder.createVolume({ size: 1, name: 'data-2', volume_type: type.id });
    await tenant.cinder.waitForVolumeStatus(v1.id, 'available', waitFast);
    await tenant.cinder.waitForVolumeStatus(v2.id, 'available', waitFast);
    // Pages of one: the client follows volumes_links to the end.
    const paged = await tenant.cinder.listVolumes({ limit: 1 });
    assert.deepEqual(paged.map((v) => v.id).sort(), [v1.id, v2.id].sort());
    await tenant.cinder.updateGroup(group.id, { addVolumes: [v1.id, v2.id] });
    assert.deepEqual((await tenant.cinder.getGroup(group.id, { listVolumes: true })).volumes?.sort(), [v1.id, v2.id].sort());
    assert.equal((await tenant.cinder.getVolume(v1.id)).group_id, group.id);
    await tenant.cinder.updateGroup(group.id, { removeVolumes: [v2.id] });
    assert.deepEqual((await tenant.cinder.getGroup(group.id, { listVolumes: true })).volumes, [v1.id]);
    assert.deepEqual((await tenant.cinder.listVolumes({ groupId: group.id })).map((v) => v.id), [v1.id]);

    const err = await tenant.cinder.deleteGroup(group.id, false).catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.equal(err.status, 400);
    assert.match(err.message, /^site-a Cinder POST \/v3\/[0-9a-f]+\/groups\/[0-9a-f-]+\/action failed with 400 badRequest: .*delete-volumes/);
    await tenant.cinder.deleteGroup(group.id, true);
    await tenant.cinder.waitForVolumeDeleted(v1.id, waitFast);
    await tenant.cinder.deleteVolume(v2.id);
  });

  it('unmanage, list manageable by array name, manage back (admin)', async () => {
    const vol = await admin.cinder.createVolume({ size: 1, name: 'to-adopt' });
    const ready = await admin.cinder.waitForVolumeStatus(vol.id, 'available', waitFast);
    const host = ready['os-vol-host-attr:host'];
    assert.ok(host, 'admins see the backend host');
    await admin.cinder.unmanageVolume(vol.id);
    await admin.cinder.waitForVolumeDeleted(vol.id, waitFast);
    const arrayName = `volume-${vol.id}-cinder-unmanaged`;
    const manageable = await admin.cinder.listManageableVolumes(host);
    const entry = manageable.find((m) => m.reference['source-name'] === arrayName);
    assert.ok(entry, `the array volume ${arrayName} is listed`);
    assert.equal(entry.safe_to_manage, true);

    const managed = await admin.cinder.manageVolume({ host, sourceName: arrayName, name: 'adopted' });
    const adopted = await admin.cinder.waitForVolumeStatus(managed.id, 'available', waitFast);
    assert.equal(adopted.name, 'adopted');
    assert.equal(adopted.size, 1);
    assert.equal((await admin.cinder.listManageableVolumes(host)).find((m) => m.reference['source-name'] === `volume-${managed.id}-cinder`)?.safe_to_manage, false);

    const err = await admin.cinder.manageVolume({ host, sourceName: 'no-such-array-volume' }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.ok(err.status >= 400 && err.status < 500);
    assert.match(err.message, /^site-a Cinder POST \/v3\/[0-9a-f]+\/os-volume-manage failed with \d{3}/);
    await admin.cinder.deleteVolume(managed.id);
  });

  it('limits and quota usage', async () => {
    const limits = await tenant.cinder.getLimits();
    assert.equal(typeof limits.maxTotalVolumes, 'number');
    assert.equal(typeof limits.totalGigabytesUsed, 'number');
    const usage = await admin.cinder.getQuotaUsage((await admin.session.auth()).projectId!);
    assert.equal(typeof usage.volumes?.in_use, 'number');
  });
});

describe('Nova', () => {
  it('boots from a volume on a pre-created port, waits ACTIVE, stops and starts it', async () => {
    const boot = await tenant.cinder.createVolume({ size: 1, name: 'boot', imageRef: ids.imageId });
    await tenant.cinder.waitForVolumeStatus(boot.id, 'available', waitFast);
    const port = await tenant.neutron.createPort({ network_id: ids.networkId, fixed_ips: [{ subnet_id: ids.subnetId, ip_address: '10.20.0.50' }], mac_address: 'fa:16:3e:00:00:50' });
    const flavor = await tenant.nova.findFlavorByName('m1.tiny');
    assert.equal(flavor?.id, ids.flavorId);

    const { id } = await tenant.nova.createServer({
      name: 'web-1',
      flavorRef: flavor.id,
      block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', uuid: boot.id, boot_index: 0, delete_on_termination: false }],
      networks: [{ port: port.id }],
      metadata: { protector_pg: 'pg-1' },
    });
    const seen: string[] = [];
    const server = await tenant.nova.waitForServerStatus(id, 'ACTIVE', { ...waitFast, onProgress: (s) => seen.push(s) });
    assert.ok(seen.length >= 1 && seen.at(-1) === 'ACTIVE');
    assert.equal(server.image, '', 'booted from volume');
    assert.equal(server.flavor.original_name, 'm1.tiny');
    assert.deepEqual(server['os-extended-volumes:volumes_attached'].map((v) => v.id), [boot.id]);
    const addr = Object.values(server.addresses).flat()[0];
    assert.equal(addr?.addr, '10.20.0.50');
    assert.equal(server.metadata.protector_pg, 'pg-1');
    const attachments = await tenant.nova.listVolumeAttachments(id);
    assert.equal(attachments[0]?.volumeId, boot.id);

    await tenant.nova.stopServer(id);
    await tenant.nova.waitForServerStatus(id, 'SHUTOFF', waitFast);
    await tenant.nova.startServer(id);
    await tenant.nova.waitForServerStatus(id, 'ACTIVE', waitFast);

    // 409: starting a running server, in Nova's words.
    const conflict = await tenant.nova.startServer(id).catch((e: unknown) => e);
    assert.ok(conflict instanceof OpenStackError);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.code, 'conflictingRequest');
    assert.match(conflict.message, /^site-a Nova POST \/v2\.1\/servers\/[0-9a-f-]+\/action failed with 409 conflictingRequest: Cannot 'start' instance .* while it is in vm_state active/);

    // Admin views across projects; the tenant may not (403 in Nova's shape).
    const all = await admin.nova.listServers({ allTenants: true, projectId: ids.projectId });
    assert.deepEqual(all.map((s) => s.id), [id]);
    const forbidden = await tenant.nova.listServers({ allTenants: true }).catch((e: unknown) => e);
    assert.ok(forbidden instanceof OpenStackError);
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.message, /^site-a Nova GET \/v2\.1\/servers\/detail failed with 403 forbidden: Policy doesn't allow/);
    assert.deepEqual((await tenant.nova.listServers({ name: '^web-' })).map((s) => s.id), [id]);

    await tenant.nova.deleteServer(id);
    await tenant.nova.waitForServerDeleted(id, waitFast);
  });

  it('404 names the server; flavors, zones, limits and keypairs read', async () => {
    const err = await tenant.nova.getServer('9e3d3d5a-0000-4000-8000-000000000000').catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.equal(err.status, 404);
    assert.equal(err.code, 'itemNotFound');
    assert.match(err.message, /^site-a Nova GET \/v2\.1\/servers\/9e3d3d5a-0000-4000-8000-000000000000 failed with 404 itemNotFound: .*9e3d3d5a/);
    assert.ok(err.requestId?.startsWith('req-'));

    assert.equal((await tenant.nova.getFlavor(ids.flavorId)).vcpus, 1);
    assert.ok((await tenant.nova.listAvailabilityZones()).some((z) => z.zoneState.available));
    const limits = await tenant.nova.getLimits();
    assert.equal(typeof limits.maxTotalInstances, 'number');
    assert.equal(typeof limits.totalCoresUsed, 'number');
    const kp = await tenant.nova.getKeypair('missing-key').catch((e: unknown) => e);
    assert.ok(kp instanceof OpenStackError && kp.status === 404);
  });
});

describe('a service switched down with the cloudsim fault API', () => {
  it('turns into a clear "site-a Nova is unreachable" error, and recovers', async () => {
    await tenant.nova.listServers(); // session and catalog ready before Nova goes away
    const setFault = (down: boolean) =>
      fetch(`${site.url('sim')}/sim/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ service: 'nova', down }) });
    assert.equal((await setFault(true)).status, 200);
    try {
      const err = await tenant.nova.getServer('anything').catch((e: unknown) => e);
      assert.ok(err instanceof ServiceUnavailableError, String(err));
      assert.equal(err.status, 0);
      assert.equal(err.service, 'nova');
      assert.equal(err.message, 'site-a Nova is unreachable (GET /v2.1/servers/anything: connection refused)');
      // Other services of the site still answer.
      assert.ok(Array.isArray(await tenant.cinder.listVolumes()));
    } finally {
      await setFault(false);
    }
    assert.ok(Array.isArray(await tenant.nova.listServers()));
  });

  it('503 answers (error_rate 1) are reported as the service being unavailable', async () => {
    const put = (body: unknown) => fetch(`${site.url('sim')}/sim/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    await tenant.glance.listImages();
    await put({ service: 'glance', error_rate: 1 });
    try {
      const err = await tenant.glance.listImages().catch((e: unknown) => e);
      assert.ok(err instanceof ServiceUnavailableError);
      assert.equal(err.status, 503);
      assert.match(err.message, /^site-a Glance is unreachable \(GET \/v2\/images: /);
    } finally {
      await fetch(`${site.url('sim')}/sim/faults`, { method: 'DELETE' });
    }
  });
});
