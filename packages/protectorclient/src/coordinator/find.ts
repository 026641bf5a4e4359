import { isProtectorApiError, type ProtectionGroup, type RecoveryPlan, type Site } from '../api/index.js';
import type { SiteHandle } from './sites.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A name or id that matches nothing, or more than one object. */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookupError';
  }
}

export interface Lookup<T> {
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
  if (found.length > 1) throw new LookupError(`more than one ${l.kind} is named '${ref}' ${l.where} (${found.map((x) => x.id).join(', ')}); use its id`);
  throw new LookupError(`no ${l.kind} '${ref}' ${l.where}`);
}

export const apiNotFound = (err: unknown): boolean => isProtectorApiError(err) && err.status === 404;

/** A protection group by id or name, on `site`. */
export function findPg(site: SiteHandle, ref: string): Promise<ProtectionGroup> {
  return findByRef(ref, { kind: 'protection group', where: `on ${site.name}`, get: (id) => site.client.protectionGroups.get(id), named: (name) => site.client.protectionGroups.list({ name }), notFound: apiNotFound });
}

/** A recovery plan by id or name, on `site`. */
export function findPlan(site: SiteHandle, ref: string): Promise<RecoveryPlan> {
  return findByRef(ref, { kind: 'recovery plan', where: `on ${site.name}`, get: (id) => site.client.recoveryPlans.get(id), named: (name) => site.client.recoveryPlans.list({ name }), notFound: apiNotFound });
}

/** A site registration by id or name, on `site`'s Protector (admin). */
export function findSite(site: SiteHandle, ref: string): Promise<Site> {
  return findByRef(ref, { kind: 'registered site', where: `on ${site.name}`, get: (id) => site.client.sites.get(id), named: () => site.client.sites.list(), notFound: apiNotFound });
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
