import type { PgHealth, ProtectionGroup, ProtectorClient, SiteHandle } from '@protector/protectorclient';
import type { SiteReach, SyncWord } from '../shared/api.js';
import { askEach, why, whyNot, type PairSite } from './pair.js';

/** One site's protection-group list, or why it could not be read. */
export interface SiteRead {
  name: string;
  handle: SiteHandle | null;
  pgs: ProtectionGroup[] | null;
  error: string | null;
}

/** Each logged-in site's list, asked at once: either site may be down. */
export async function readLists(pair: PairSite[]): Promise<SiteRead[]> {
  return (await askEach(pair, (h) => h.client.protectionGroups.list())).map((a) => ({ name: a.name, handle: a.handle, pgs: a.ok ? a.value : null, error: whyNot(a) }));
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
    return { shown: pick.p, at: pick.r, other, otherCopy, sync: pairSync([pick.p, !other || other.pgs === null ? 'unread' : otherCopy]) };
  });
}

/** One site's copy of a PG for the pair's sync word: 'unread' when the site did not answer, null when it has none. */
export type HeldCopy = { metadata_version: number; sync_state: string } | 'unread' | null;

/**
 * The pair's sync, as the CLI says it: UNREACHABLE while a site's copy could not be read, IN SYNC
 * when every copy is in_sync at one metadata version, else OUT OF SYNC.
 */
export function pairSync(copies: readonly HeldCopy[]): SyncWord {
  if (copies.includes('unread')) return 'UNREACHABLE';
  const read = copies.filter((c): c is Exclude<HeldCopy, 'unread' | null> => c !== null && c !== 'unread');
  return read.length === copies.length && read.every((c) => c.sync_state === 'in_sync') && new Set(read.map((c) => c.metadata_version)).size === 1 ? 'IN SYNC' : 'OUT OF SYNC';
}

/** Whether the site whose own registration id is `ownId` runs the PG's workload now (its current primary): each registry has its own ids, so only a site's own id is compared. */
export const runsHere = (ownId: string | null, pg: { current_primary_site_id: string | null }): boolean => ownId !== null && pg.current_primary_site_id === ownId;

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
  return runsHere(mine, c.shown) ? c.at.name : (c.other?.name ?? null);
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
