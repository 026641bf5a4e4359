import { isProtectorApiError, type ProtectionGroup } from '../api/index.js';
import type { SiteHandle } from '../coordinator/index.js';
import { CliError } from './exit-codes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A protection group by id or by name, as the OpenStack client resolves names: exactly one match. */
export async function findPg(site: SiteHandle, ref: string): Promise<ProtectionGroup> {
  if (UUID.test(ref)) {
    try {
      return await site.client.protectionGroups.get(ref);
    } catch (err) {
      if (!(isProtectorApiError(err) && err.status === 404)) throw err;
    }
  }
  const found = (await site.client.protectionGroups.list({ name: ref })).filter((p) => p.name === ref);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new CliError(`more than one protection group is named '${ref}' on ${site.name}; use its id`);
  throw new CliError(`no protection group '${ref}' on ${site.name}`);
}
