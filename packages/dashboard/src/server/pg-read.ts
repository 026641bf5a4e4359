import type { PgHealth, ProtectionGroup, ProtectorClient, SiteHandle } from '@protector/protectorclient';
import type { SiteReach, SyncWord } from '../shared/api.js';
import { why, type PairSite } from './pair.js';

/** One site's protection-group list, or why it could not be read. */
export interface SiteRead {
  name: string;
  handle: SiteHandle | null;
  pgs: ProtectionGroup[] | null;
  error: string | null;
}

/** Each logged-in site's list, asked at once: either site may be down. */
export function readLists(pair: PairSite[]): Promise<SiteRead[]> {
  return Promise.all(
    pair.map(async (p): Promise<SiteRead> => {
      if (!p.handle) return { name: p.name, handle: null, pgs: null, error: 'not logged in' };
      try {
        return { name: p.name, handle: p.handle, pgs: await p.handle.client.protectionGroups.list(), error: null };
      } catch (err) {
        return { name: p.name, handle: p.handle, pgs: null, error: why(err) };
      }
    }),
  );
}

/** The banner's words from the lists: a site whose list answered is reachable. */
export const reachOf = (reads: SiteRead[]): SiteReach[] => reads.map((r) => ({ name: r.name, logged_in: r.handle !== null, reachable: r.pgs !== null, error: r.error }));

/** A PG as the pair holds it: the copy shown (where it last changed) and the other site's view. */
export interface PgCopies {
  shown: ProtectionGroup;
  at: SiteRead & { handle: SiteHandle; pgs: ProtectionGroup[] };
  /** The other site (its list may have failed). */
  other: SiteRead | null;
  otherCopy: ProtectionGroup | null;
  sync: SyncWord;
}

const answered = (r: SiteRead): r is SiteRead & { handle: SiteHandle; pgs: ProtectionGroup[] } => r.pgs !== null && r.handle !== null;

/**
 * Every PG any answering site knows, in the first site's order: the copy shown is the one an
 * operation holds, else the newer version (an engine changes only its own site's copy until
 * the document is stored on the peer), else the first site's. Sync as the CLI says it.
 */
export function mergeCopies(reads: SiteRead[]): PgCopies[] {
  const up = reads.filter(answered);
  const byId = new Map<string, ProtectionGroup[]>();
  const order: string[] = [];
  for (const r of up) {
    for (const p of r.pgs) {
      if (!byId.has(p.id)) order.push(p.id);
      byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
    }
  }
  return order.map((id): PgCopies => {
    const copies = up.map((r) => ({ r, p: r.pgs.find((x) => x.id === id) })).filter((c): c is { r: (typeof up)[number]; p: ProtectionGroup } => c.p !== undefined);
    const held = copies.find((c) => c.p.active_operation_id !== null);
    const newest = copies.reduce((a, b) => (b.p.metadata_version > a.p.metadata_version ? b : a));
    const pick = held ?? newest;
    const other = reads.find((r) => r !== pick.r) ?? null;
    const otherCopy = other?.pgs?.find((x) => x.id === id) ?? null;
    let sync: SyncWord;
    if (!other || other.pgs === null) sync = 'UNREACHABLE';
    else if (otherCopy && otherCopy.metadata_version === pick.p.metadata_version && otherCopy.sync_state === 'in_sync' && pick.p.sync_state === 'in_sync') sync = 'IN SYNC';
    else sync = 'OUT OF SYNC';
    return { shown: pick.p, at: pick.r, other, otherCopy, sync };
  });
}

// A site's own registration id never changes while the dashboard runs: asked once per client.
const localIds = new WeakMap<ProtectorClient, Promise<string | null>>();

/** The id `site` knows itself by (sync-status names it), to tell which site runs a PG. */
export function localIdOf(site: SiteHandle, anyPgId: string): Promise<string | null> {
  let id = localIds.get(site.client);
  if (!id) {
    id = site.client.metadata.syncStatus(anyPgId).then(
      (s) => s.site_id,
      (err: unknown) => {
        localIds.delete(site.client);
        throw err;
      },
    );
    localIds.set(site.client, id);
  }
  return id;
}

/** The site running the workload by the copy shown (its current primary), or null when unknown. */
export async function activeSite(c: PgCopies): Promise<string | null> {
  const mine = await localIdOf(c.at.handle, c.shown.id).catch(() => null);
  if (mine === null) return null;
  if (c.shown.current_primary_site_id === mine) return c.at.name;
  return c.other?.name ?? null;
}

/** The protector API's health, from the first answering site (one call for every PG). */
export async function healthOf(reads: SiteRead[], started?: Promise<PgHealth[]>): Promise<{ site: string | null; health: Map<string, PgHealth>; error: string | null }> {
  const errors: string[] = [];
  for (const [i, r] of reads.entries()) {
    if (!r.handle || r.pgs === null) continue;
    try {
      const h = await (i === 0 && started ? started : r.handle.client.health.get());
      return { site: r.name, health: new Map(h.map((x) => [x.protection_group_id, x])), error: null };
    } catch (err) {
      errors.push(`health on ${r.name}: ${why(err)}`);
    }
  }
  return { site: null, health: new Map(), error: errors.join('; ') || 'no site answers' };
}

/** The first site's health asked at once with the lists (read only when that site answers). */
export function earlyHealth(pair: PairSite[]): Promise<PgHealth[]> | undefined {
  const h = pair[0]?.handle?.client.health.get();
  h?.catch(() => undefined);
  return h;
}
