import type { ProtectorClient } from '../api/index.js';

/** One site as the client sees it: the cloud name it was reached through and its SDK client. */
export interface SiteHandle {
  /** The cloud name (clouds.yaml), for messages: "site-b unreachable: …". */
  name: string;
  client: ProtectorClient;
}

/** The pair the CLI coordinates: the site named by --os-cloud and the one named by --secondary-cloud. */
export interface SitePair {
  primary: SiteHandle;
  secondary: SiteHandle | null;
}

/** A change refused because the peer does not answer (DESIGN §5.1); nothing was changed anywhere. */
export class PeerUnreachableError extends Error {
  constructor(
    readonly site: string,
    readonly reason: string,
  ) {
    super(`site ${site} is unreachable (${reason}); the change was refused and nothing changed on either site. Every change needs both sites, except an unplanned failover.`);
    this.name = 'PeerUnreachableError';
  }
}

/** Both sites changed the PG since they last agreed: a sync must be told which one wins. */
export class DivergedError extends Error {
  constructor(
    readonly pgId: string,
    readonly versions: { site: string; version: number; syncState: string }[],
  ) {
    super(
      `protection group ${pgId} diverged: ${versions.map((v) => `${v.site} holds version ${v.version} (${v.syncState})`).join(', ')}; run 'protector protection-group sync ${pgId} --source-site SITE' to pick the one to keep`,
    );
    this.name = 'DivergedError';
  }
}

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** DESIGN §5.1: the peer must answer (Keystone and Protector) before anything changes. */
export async function requireReachable(site: SiteHandle | null, what = 'the peer site'): Promise<SiteHandle> {
  if (!site) throw new PeerUnreachableError(what, 'no --secondary-cloud / OS_SECONDARY_CLOUD given');
  try {
    await site.client.projectId();
    await site.client.versions.list();
  } catch (err) {
    throw new PeerUnreachableError(site.name, reason(err));
  }
  return site;
}
