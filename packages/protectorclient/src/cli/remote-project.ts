import type { Site } from '../api/index.js';
import { RemoteProjectError, verifyRemoteProject as verify, type SiteHandle } from '../coordinator/index.js';
import { CliError } from './exit-codes.js';

/** The SDK's check of a tenant mapping's remote side (coordinator/remote-project.ts), in the CLI's words. */
export async function verifyRemoteProject(peer: SiteHandle, remote: Site, projectId: string): Promise<void> {
  try {
    await verify(peer, remote, projectId);
  } catch (err) {
    if (!(err instanceof RemoteProjectError)) throw err;
    if (err.reason === 'not_the_peer') throw new CliError(`--remote-site ${remote.name} is not the peer: ${peer.name} is registered there as '${err.registeredAs}'; name the matching site with --secondary-cloud`);
    throw new CliError(err.message);
  }
}
