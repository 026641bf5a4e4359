import { isNotFound, KeystoneClient } from '@protector/openstack';
import type { Site } from '../api/index.js';
import type { SiteHandle } from '../coordinator/index.js';
import { CliError } from './exit-codes.js';

/**
 * Before a tenant mapping is stored: `remote` (this site's registration of the peer) is the site
 * --secondary-cloud reaches, and the remote project exists in that site's Keystone.
 *
 * Checked here, in the client, rather than in protector-api: the client already holds an admin
 * token of the peer (the same one the peer check just used), and the two services never call
 * each other for coordination (DESIGN §5). The registration's service user is not meant to read
 * every project (Keystone's identity:get_project is admin or a member of that project), so a
 * server-side check with it would refuse valid mappings on a correctly installed site.
 */
export async function verifyRemoteProject(peer: SiteHandle, remote: Site, projectId: string): Promise<void> {
  const local = (await peer.client.sites.list()).find((s) => s.is_local);
  // Documents name sites by the name each calls itself (as pairing checks): another site's Keystone proves nothing.
  if (local && local.name !== remote.name) {
    throw new CliError(`--remote-site ${remote.name} is not the peer: ${peer.name} is registered there as '${local.name}'; name the matching site with --secondary-cloud`);
  }
  try {
    await new KeystoneClient(peer.client.session).getProject(projectId);
  } catch (err) {
    if (isNotFound(err)) throw new CliError(`project ${projectId} does not exist in ${peer.name}'s Keystone (site ${remote.name}); no tenant mapping was created`);
    throw err;
  }
}
