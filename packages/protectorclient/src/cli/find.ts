import { isNotFound, NovaClient } from '@protector/openstack';
import { isProtectorApiError, type ProtectionGroup, type Site } from '../api/index.js';
import type { SiteHandle } from '../coordinator/index.js';
import { CliError } from './exit-codes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Lookup<T> {
  /** For messages: "protection group", "site", "server". */
  kind: string;
  /** Where it was looked for: "on site-a", "in the project on site-b". */
  where: string;
  get: (id: string) => Promise<T>;
  /** Candidates for the name; only exact matches count. */
  named: (name: string) => Promise<T[]>;
  notFound: (err: unknown) => boolean;
}

/**
 * An object by id or by name, as the OpenStack client resolves them: an id-shaped reference is
 * tried as an id first, then the name must match exactly one object.
 */
export async function findByRef<T extends { id: string; name: string }>(ref: string, l: Lookup<T>): Promise<T> {
  if (UUID.test(ref)) {
    try {
      return await l.get(ref);
    } catch (err) {
      if (!l.notFound(err)) throw err;
    }
  }
  const found = (await l.named(ref)).filter((x) => x.name === ref);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new CliError(`more than one ${l.kind} is named '${ref}' ${l.where} (${found.map((x) => x.id).join(', ')}); use its id`);
  throw new CliError(`no ${l.kind} '${ref}' ${l.where}`);
}

const apiNotFound = (err: unknown) => isProtectorApiError(err) && err.status === 404;

/** A protection group by id or name, on `site`. */
export function findPg(site: SiteHandle, ref: string): Promise<ProtectionGroup> {
  return findByRef(ref, { kind: 'protection group', where: `on ${site.name}`, get: (id) => site.client.protectionGroups.get(id), named: (name) => site.client.protectionGroups.list({ name }), notFound: apiNotFound });
}

/** A site registration by id or name, on `site`'s Protector (admin). */
export function findSite(site: SiteHandle, ref: string): Promise<Site> {
  return findByRef(ref, { kind: 'registered site', where: `on ${site.name}`, get: (id) => site.client.sites.get(id), named: () => site.client.sites.list(), notFound: apiNotFound });
}

/**
 * A server's id from its id or name, in the caller's project on `site` (Nova, with the user's own
 * session, as `openstack server show NAME` does); Nova's name filter is a regex, so matches are
 * narrowed to the exact name.
 */
export async function findServerId(site: SiteHandle, ref: string): Promise<string> {
  const nova = new NovaClient(site.client.session);
  const s = await findByRef(ref, { kind: 'server', where: `in the project on ${site.name}`, get: (id) => nova.getServer(id), named: (name) => nova.listServers({ name: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` }), notFound: isNotFound });
  return s.id;
}

/**
 * A member's server id from its server id or recorded name, among the PG's members on `site`
 * (the server may be gone from Nova: the member record still names it).
 */
export async function findMemberServerId(site: SiteHandle, pgId: string, ref: string): Promise<string> {
  const members = (await site.client.members.list(pgId)).map((m) => ({ id: m.server_id, name: m.name }));
  const m = await findByRef(ref, {
    kind: 'member',
    where: `of protection group ${pgId} on ${site.name}`,
    get: async (id) => {
      const hit = members.find((x) => x.id === id);
      if (!hit) throw new CliError(`no member ${id}`);
      return hit;
    },
    named: async () => members,
    notFound: (err) => err instanceof CliError,
  });
  return m.id;
}

/**
 * Which of the two sites is the PG's current primary: `here` says its own registration id in
 * sync-status, and ids of the other site differ between the two registries, so only `here`'s id
 * is compared.
 */
export async function currentPrimaryOf(p: ProtectionGroup, here: SiteHandle, peer: SiteHandle): Promise<SiteHandle> {
  const s = await here.client.metadata.syncStatus(p.id);
  return s.site_id === p.current_primary_site_id ? here : peer;
}
