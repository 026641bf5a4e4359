// Protection groups made before a browser test or benchmark looks at them: through the SDK and its
// Coordinator, as the CLI's `protection-group create --wait` makes them (the peer answers first,
// the PG is created on the first site, its operation followed, its document stored on the peer).
import { KeystoneSession } from '@protector/openstack';
import { Coordinator, ProtectorClient, type ProtectionGroup, type ProtectionGroupWithOperation, type SiteHandle } from '@protector/protectorclient';

/** Where one site is: its Keystone and, when not from the catalog, its Protector API. */
export interface SiteAt {
  name: string;
  authUrl: string;
  endpoint?: string;
}

export interface UserLogin {
  username: string;
  password: string;
  project: string;
}

/** The user's SDK handles on both sites, the first site first. */
export function sitePair(sites: readonly [SiteAt, SiteAt], user: UserLogin): [SiteHandle, SiteHandle] {
  const handle = (s: SiteAt): SiteHandle => {
    const session = new KeystoneSession({
      authUrl: s.authUrl,
      region: 'RegionOne',
      credentials: { type: 'password', username: user.username, password: user.password, userDomainName: 'Default', scope: { projectName: user.project, projectDomainName: 'Default' } },
    });
    return { name: s.name, client: new ProtectorClient({ session, site: s.name, endpointOverride: s.endpoint }) };
  };
  return [handle(sites[0]), handle(sites[1])];
}

/**
 * Creates the PGs on the first site, `concurrency` at a time, each followed to `active` and stored
 * on the peer; fails naming the first PG that did not end active.
 */
export async function createPgs(pair: readonly [SiteHandle, SiteHandle], names: readonly string[], o: { concurrency?: number } = {}): Promise<ProtectionGroup[]> {
  const [owner, peerSite] = pair;
  const coordinator = new Coordinator(owner, peerSite, { syncHint: (pg) => `sync protection group ${pg}`, peerHint: 'both sites are needed' });
  const one = async (name: string): Promise<ProtectionGroup> => {
    const { result, peer } = await coordinator.change<ProtectionGroupWithOperation>(
      owner,
      (r) => r.protection_group.id,
      async (site) => site.client.protectionGroups.create({ name, replication_type: 'async' }, { peerToken: await peerSite.client.session.token() }),
      { pushAfterWait: true },
    );
    const done = await owner.client.waitForOperation(result.operation.id, { intervalMs: 200, timeoutMs: 120_000 });
    if (done.status !== 'completed') throw new Error(`protection group ${name}: its creation ended ${done.status}: ${done.error ?? ''}`);
    await coordinator.storeAfterOperation(done, result.protection_group.id, name, owner, peer);
    return owner.client.protectionGroups.get(result.protection_group.id);
  };
  const made: ProtectionGroup[] = [];
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) made.push(await one(name));
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 1) }, worker));
  return made;
}
