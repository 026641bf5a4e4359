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

/** One site's answer to a call asked of both: its value, or what the call threw; a site not logged in is not asked. */
export type SiteAnswer<T> = { name: string; handle: SiteHandle; ok: true; value: T } | { name: string; handle: SiteHandle; ok: false; error: unknown } | { name: string; handle: null; ok: false; error: null };

/** `ask` of every logged-in site of the pair at once: either may be down, each answer (or failure) is kept. */
export function askEach<T>(pair: PairSite[], ask: (h: SiteHandle) => Promise<T>): Promise<SiteAnswer<T>[]> {
  return Promise.all(
    pair.map(async ({ name, handle }): Promise<SiteAnswer<T>> => {
      if (!handle) return { name, handle, ok: false, error: null };
      try {
        return { name, handle, ok: true, value: await ask(handle) };
      } catch (err) {
        return { name, handle, ok: false, error: err };
      }
    }),
  );
}

/** Why a site gave no answer, in the pages' words ('not logged in', or the failure's message); null when it answered. */
export const whyNot = (a: SiteAnswer<unknown>): string | null => (a.ok ? null : a.handle ? why(a.error) : 'not logged in');

/** Each site: logged in, and whether its Protector answers now (the pages' banner). */
export async function reach(pair: PairSite[]): Promise<SiteReach[]> {
  return (await askEach(pair, (h) => h.client.versions.list())).map((a) => ({ name: a.name, logged_in: a.handle !== null, reachable: a.ok, error: whyNot(a) }));
}
