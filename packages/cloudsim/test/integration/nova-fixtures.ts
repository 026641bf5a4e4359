import type { TestSite } from '../helpers/site.js';

/** Per-test resources for Nova tests, made straight in the other services' models. */
export interface NovaFixture {
  projectId: string;
  token: string;
  networkId: string;
  networkName: string;
  imageId: string;
  flavorId: string;
}

let counter = 0;

/** A tenant with a network (one /24 subnet), a public active image and a 1 vCPU / 512 MB flavor. */
export async function novaFixture(ts: TestSite, tenant = `p${++counter}`): Promise<NovaFixture> {
  const { site } = ts;
  const t = await ts.tenant(tenant);
  const n = ++counter;
  const net = site.neutron.createNetwork(t.projectId, { name: `net-${n}` });
  site.neutron.createSubnet(t.projectId, { network_id: net.id, cidr: `10.${n % 250}.0.0/24`, name: `sub-${n}` });
  const image = site.glance.createImage(t.projectId, { name: `img-${n}`, visibility: 'public', disk_format: 'qcow2', container_format: 'bare' });
  site.glance.activate(image.id, 1024, '0', '0');
  const flavor = site.nova.createFlavor({ name: `f-${n}`, vcpus: 1, ram: 512, disk: 1 });
  return { projectId: t.projectId, token: t.token, networkId: net.id, networkName: net.name, imageId: image.id, flavorId: flavor.id };
}

/** A volume in the fixture's project, available at once. */
export function makeVolume(ts: TestSite, f: NovaFixture, size = 1, imageId?: string): string {
  return ts.site.cinder.createVolume(f.projectId, { size, ...(imageId ? { image_id: imageId } : {}) }, { immediate: true }).id;
}

/** POST /servers as the fixture's tenant; returns the answer. */
export function boot(ts: TestSite, f: NovaFixture, server: Record<string, unknown>, headers: Record<string, string> = {}) {
  return ts.call<{ server: { id: string; adminPass: string; security_groups: { name: string }[] } } & Record<string, unknown>>('nova', 'POST', '/v2.1/servers', {
    token: f.token,
    headers,
    body: { server: { name: 'vm', flavorRef: f.flavorId, imageRef: f.imageId, networks: [{ uuid: f.networkId }], ...server } },
  });
}

export type ServerBody = { server: Record<string, unknown> & { id: string; status: string } };

export function show(ts: TestSite, f: NovaFixture, id: string, headers: Record<string, string> = {}) {
  return ts.call<ServerBody>('nova', 'GET', `/v2.1/servers/${id}`, { token: f.token, headers });
}

export function action(ts: TestSite, f: NovaFixture, id: string, body: unknown) {
  return ts.call('nova', 'POST', `/v2.1/servers/${id}/action`, { token: f.token, body });
}
