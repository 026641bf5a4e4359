// The demo tenant's workload on a lab, set up as the CLI and the dashboard do it: servers booted
// from replicated volumes, protection groups made through the SDK's Coordinator (the peer answers
// first, the change is made on the owning site, its document stored on the peer after each
// operation), through whichever protector-api the caller names.
import { createSiteClients, KeystoneSession, type SiteClients } from '@protector/openstack';
import { Coordinator, ProtectorClient, type OperationDetail, type ProtectionGroupWithOperation, type ResourceMapping, type SiteHandle } from '@protector/protectorclient';
import { adminOf } from '../../src/keystone-setup.js';
import { keystoneUrl } from '../../src/protector.js';
import type { LabSite } from '../../src/sites.js';

const DEMO = { type: 'password', username: 'demo', password: 'demo', userDomainName: 'Default', scope: { projectName: 'demo', projectDomainName: 'Default' } } as const;
/** How long one lab operation may take here, with margin for a busy 2-core machine. */
export const OPERATION_MS = 180_000;

/** The demo tenant's OpenStack clients on a site. */
export const tenant = (site: LabSite): SiteClients => createSiteClients({ authUrl: keystoneUrl(site), credentials: DEMO });

/** The demo tenant's Protector on a site, through one given protector-api (not the catalog's). */
export function protectorVia(site: LabSite, endpoint: string): SiteHandle {
  const session = new KeystoneSession({ authUrl: keystoneUrl(site), region: 'RegionOne', credentials: DEMO });
  return { name: site.name, client: new ProtectorClient({ session, site: site.name, endpointOverride: endpoint }) };
}

/** Room in the demo project for `servers` more servers and their volumes (Nova's and Cinder's defaults allow 10). */
export async function raiseQuotas(site: LabSite, servers: number): Promise<void> {
  const admin = adminOf(site);
  const demo = await admin.keystone.findProject('demo');
  if (!demo) throw new Error(`${site.name}: no demo project`);
  const token = await admin.session.token();
  const put = async (url: string, body: unknown) => {
    const r = await fetch(url, { method: 'PUT', headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${site.name}: PUT ${url}: ${r.status} ${await r.text()}`);
  };
  const n = servers + 10;
  await put(`${await admin.session.endpoint('compute')}/os-quota-sets/${demo.id}`, { quota_set: { instances: n, cores: 2 * n, ram: 4096 * n } });
  await put(`${await admin.session.endpoint('volumev3')}/os-quota-sets/${demo.id}`, { quota_set: { volumes: n, gigabytes: 10 * n, snapshots: 4 * n, groups: n } });
}

/** Servers booted from a replicated-async volume each, on demo-net, all at once; their ids by name. */
export async function bootServers(site: LabSite, names: readonly string[]): Promise<Map<string, string>> {
  const t = tenant(site);
  const [flavor, image, net] = await Promise.all([t.nova.findFlavorByName('m1.tiny'), t.glance.findImageByName('cirros-0.6.2'), t.neutron.listNetworks({ name: 'demo-net' })]);
  if (!flavor || !image || !net[0]) throw new Error(`${site.name}: the seed's m1.tiny, cirros-0.6.2 or demo-net is missing`);
  const ids = await Promise.all(
    names.map(async (name) => {
      const vol = await t.cinder.createVolume({ size: 1, name: `${name}-root`, volume_type: 'replicated-async', imageRef: image.id });
      await t.cinder.waitForVolumeStatus(vol.id, 'available', { intervalMs: 250, timeoutMs: 60_000 });
      const { id } = await t.nova.createServer({ name, flavorRef: flavor.id, networks: [{ uuid: net[0]!.id }], block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', uuid: vol.id, boot_index: 0 }] });
      await t.nova.waitForServerStatus(id, 'ACTIVE', { intervalMs: 250, timeoutMs: 60_000 });
      return [name, id] as const;
    }),
  );
  return new Map(ids);
}

/** What `mapping set --network/--subnet/--security-group` names for the lab: site-a's demo-net, its subnet and the default group, to site-b's. */
export async function demoNetMappings(a: LabSite, b: LabSite): Promise<Omit<ResourceMapping, 'source_site_id'>[]> {
  const ids = async (site: LabSite) => {
    const t = tenant(site);
    const net = (await t.neutron.listNetworks({ name: 'demo-net' }))[0];
    const subnet = net && (await t.neutron.listSubnets({ network_id: net.id }))[0];
    const sg = (await t.neutron.listSecurityGroups({ name: 'default' }))[0];
    if (!net || !subnet || !sg) throw new Error(`${site.name}: demo-net, its subnet or the default security group is missing`);
    return { network: net.id, subnet: subnet.id, security_group: sg.id };
  };
  const [from, to] = await Promise.all([ids(a), ids(b)]);
  return (['network', 'subnet', 'security_group'] as const).map((kind) => ({ kind, source_id: from[kind], target_id: to[kind] }));
}

const face = { syncHint: (pg: string) => `sync protection group ${pg}`, peerHint: 'both sites are needed' };

/** Follows an operation on `site`, stores the PG's document on the peer, and fails unless it completed. */
async function followed(c: Coordinator, site: SiteHandle, peer: SiteHandle, id: string, pgId: string, what: string): Promise<OperationDetail> {
  const done = await site.client.waitForOperation(id, { intervalMs: 300, timeoutMs: OPERATION_MS });
  await c.storeAfterOperation(done, pgId, what, site, peer);
  if (done.status !== 'completed') throw new Error(`${what}: operation ${id} (${done.type}) ended ${done.status}: ${done.error ?? ''}`);
  return done;
}

/**
 * `protection-group create --wait`, `mapping set`, `member add --wait` for each server and
 * `recovery-point create --wait`, as the CLI runs them, on `owner` (site-a through one of its
 * APIs) with `peer` answering first.
 */
export async function protectServers(owner: SiteHandle, peer: SiteHandle, name: string, servers: readonly string[], mappings: Omit<ResourceMapping, 'source_site_id'>[]): Promise<string> {
  const c = new Coordinator(owner, peer, face);
  const { result } = await c.change<ProtectionGroupWithOperation>(
    owner,
    (r) => r.protection_group.id,
    async (site) => site.client.protectionGroups.create({ name, replication_type: 'async' }, { peerToken: await peer.client.session.token() }),
    { pushAfterWait: true },
  );
  const pgId = result.protection_group.id;
  await followed(c, owner, peer, result.operation.id, pgId, `create ${name}`);
  const pg = await owner.client.protectionGroups.get(pgId);
  const list = mappings.map((m) => ({ ...m, source_site_id: pg.current_primary_site_id }));
  await c.change(owner, () => pgId, (site) => site.client.resourceMappings.replace(pgId, list));
  for (const server of servers) {
    const { result: op } = await c.change(owner, () => pgId, (site) => site.client.members.add(pgId, { server_id: server, boot_order: 0 }), { pushAfterWait: true });
    await followed(c, owner, peer, op.id, pgId, `member add ${server} to ${name}`);
  }
  // A planned failover starts from a fully transferred recovery point.
  const rp = await owner.client.actions.sync(pgId);
  const done = await owner.client.waitForOperation(rp.id, { intervalMs: 300, timeoutMs: OPERATION_MS });
  if (done.status !== 'completed') throw new Error(`recovery point of ${name}: operation ${rp.id} ended ${done.status}: ${done.error ?? ''}`);
  return pgId;
}

/**
 * `failover PG` without --wait, as the CLI posts it: to the site the Coordinator finds runs the
 * workload next (site-b, through the API `target` names); the operation it answered.
 */
export async function startFailover(primary: SiteHandle, target: SiteHandle, pgId: string): Promise<{ id: string; site: SiteHandle; other: SiteHandle | null }> {
  const c = new Coordinator(primary, target, face);
  const running = await c.runningSite(pgId, false);
  const op = await running.target.client.actions.failover(running.pgId, { type: 'planned' });
  return { id: op.id, site: running.target, other: running.other };
}

/** Follows a failover started with startFailover to its end, then stores its document on the other site. */
export async function finishFailover(primary: SiteHandle, started: { id: string; site: SiteHandle; other: SiteHandle | null }, pgId: string): Promise<OperationDetail> {
  const c = new Coordinator(primary, started.site, face);
  const done = await started.site.client.waitForOperation(started.id, { intervalMs: 500, timeoutMs: OPERATION_MS });
  await c.storeAfterOperation(done, pgId, pgId, started.site, started.other);
  return done;
}
