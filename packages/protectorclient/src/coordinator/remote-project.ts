import { isNotFound, KeystoneClient } from '@protector/openstack';
import type { Site } from '../api/index.js';
import type { SiteHandle } from './sites.js';

/** Why a tenant mapping's remote side was refused; each face words it (the CLI names its options). */
export class RemoteProjectError extends Error {
  constructor(
    readonly reason: 'not_the_peer' | 'no_such_project',
    message: string,
    /** For not_the_peer: the name the peer's own registration carries. */
    readonly registeredAs?: string,
  ) {
    super(message);
    this.name = 'RemoteProjectError';
  }
}

/**
 * Before a tenant mapping is stored: `remote` (this site's registration of the peer) is the site
 * `peer` reaches, and the remote project exists in that site's Keystone.
 *
 * Checked in the client rather than in protector-api: the client already holds an admin token of
 * the peer (the same one the peer check just used), and the two services never call each other
 * for coordination (DESIGN §5). The registration's service user is not meant to read every
 * project (Keystone's identity:get_project is admin or a member of that project), so a
 * server-side check with it would refuse valid mappings on a correctly installed site.
 */
export async function verifyRemoteProject(peer: SiteHandle, remote: Site, projectId: string): Promise<void> {
  const local = (await peer.client.sites.list()).find((s) => s.is_local);
  // Documents name sites by the name each calls itself (as pairing checks): another site's Keystone proves nothing.
  if (local && local.name !== remote.name) {
    throw new RemoteProjectError('not_the_peer', `remote site ${remote.name} is not the peer: ${peer.name} is registered there as '${local.name}'`, local.name);
  }
  try {
    await new KeystoneClient(peer.client.session).getProject(projectId);
  } catch (err) {
    if (isNotFound(err)) throw new RemoteProjectError('no_such_project', `project ${projectId} does not exist in ${peer.name}'s Keystone (site ${remote.name}); no tenant mapping was created`);
    throw err;
  }
}
