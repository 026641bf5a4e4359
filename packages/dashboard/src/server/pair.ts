import type { SiteHandle } from '@protector/protectorclient';
import type { FastifyRequest } from 'fastify';
import type { SiteReach } from '../shared/api.js';
import { HttpError } from './errors.js';
import type { DashboardSession } from './sessions.js';
import type { DashboardSite } from './site-pair.js';

/** One site of the pair as a user's session holds it: its handle, or null when not logged in. */
export interface PairSite {
  name: string;
  handle: SiteHandle | null;
}

/** What the pages' read and admin routes need from the server: the session and the pair. */
export interface PairContext {
  session(req: FastifyRequest): DashboardSession;
  sites: readonly DashboardSite[];
}

import { why } from './site-errors.js';

export { why };

/** Both sites of the pair, in its order, for this session. */
export const pairOf = (sites: readonly DashboardSite[], s: DashboardSession): PairSite[] => sites.map((site) => ({ name: site.name, handle: s.logins.get(site.name)?.handle ?? null }));

/** The logged-in site named `name` (a route's `:site`), or a 404 naming the pair's sites. */
export function siteNamed(pair: PairSite[], name: string): SiteHandle {
  const p = pair.find((x) => x.name === name);
  if (!p) throw new HttpError(404, 'not_found', `no site named '${name}' (${pair.map((x) => x.name).join(', ')})`);
  if (!p.handle) throw new HttpError(409, 'not_logged_in', `not logged in to ${name}: log in to it first`);
  return p.handle;
}

/** The other site of the pair than `name` (null when not logged in). */
export const otherOf = (pair: PairSite[], name: string): PairSite | null => pair.find((x) => x.name !== name) ?? null;

/** Each site: logged in, and whether its Protector answers now (the pages' banner). */
export function reach(pair: PairSite[]): Promise<SiteReach[]> {
  return Promise.all(
    pair.map(async (p): Promise<SiteReach> => {
      if (!p.handle) return { name: p.name, logged_in: false, reachable: false, error: 'not logged in' };
      try {
        await p.handle.client.versions.list();
        return { name: p.name, logged_in: true, reachable: true, error: null };
      } catch (err) {
        return { name: p.name, logged_in: true, reachable: false, error: why(err) };
      }
    }),
  );
}
