import { isNotFound, NovaClient } from '@protector/openstack';
import { findByRef, LookupError, type SiteHandle } from '../coordinator/index.js';

export { currentPrimaryOf, findPg, findSite } from '../coordinator/index.js';

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
      if (!hit) throw new LookupError(`no member ${id}`);
      return hit;
    },
    named: async () => members,
    notFound: (err) => err instanceof LookupError,
  });
  return m.id;
}
