import { isProtectorApiError, type Operation, type SyncStatus } from '../api/index.js';
import { propagate, type Propagated } from './metadata.js';
import { DivergedError, type SiteHandle } from './sites.js';

/** One site's copy of a PG, as its sync-status tells it. */
export interface SiteCopy {
  site: SiteHandle;
  version: number;
  syncState: string;
  status: string;
  /** The operation running on the PG there (the site refuses pushes meanwhile). */
  activeOperationId: string | null;
  updatedAt: string;
}

/** The operation whose document the newer copy holds, when one is the last thing that changed it. */
export interface DocumentOrigin {
  id: string;
  type: string;
  status: string;
}

/**
 * Where a PG's two copies stand (DESIGN §5). `push`: the newer copy can be stored on the other
 * site now (an operation started without --wait changed it and has finished); `wait`: not yet,
 * an operation is running on one of them; `diverged`: both changed; `unknown`: a site did not
 * answer or does not know the PG (only `protection-group sync` stores a PG where it is unknown).
 */
export type PendingMetadata =
  | { state: 'in_sync'; version: number }
  | { state: 'push'; newer: SiteCopy; older: SiteCopy; origin: DocumentOrigin | null }
  | { state: 'wait'; newer: SiteCopy; older: SiteCopy; busy: SiteCopy; operation: DocumentOrigin }
  | { state: 'diverged'; copies: [SiteCopy, SiteCopy] }
  | { state: 'unknown'; site: SiteHandle; reason: string };

type Read = { copy: SiteCopy } | { site: SiteHandle; reason: string };

async function read(site: SiteHandle, pgId: string): Promise<Read> {
  try {
    const s: SyncStatus = await site.client.metadata.syncStatus(pgId);
    return { copy: { site, version: s.metadata_version, syncState: s.sync_state, status: s.status, activeOperationId: s.active_operation_id, updatedAt: s.updated_at } };
  } catch (err) {
    if (isProtectorApiError(err) && err.status === 404) return { site, reason: `it does not know protection group ${pgId}` };
    return { site, reason: `it does not answer (${err instanceof Error ? err.message : String(err)})` };
  }
}

/** Two copies agree: the same version, and each site has its acknowledgement. */
export const copiesAgree = (a: { version: number; syncState: string }, b: { version: number; syncState: string }): boolean =>
  a.version === b.version && a.syncState === 'in_sync' && b.syncState === 'in_sync';

const time = (iso: string | null): number => (iso === null ? Number.NaN : Date.parse(iso));

/**
 * The operation that last changed `copy`: the newest one of the PG on that site that changes
 * documents (a `replicate` only copies data) and was still running when the copy last changed. Null
 * when a later change (a policy set through the API, say) came after it.
 */
async function originOf(copy: SiteCopy, pgId: string): Promise<DocumentOrigin | null> {
  const { items } = await copy.site.client.operations.listPage({ pg_id: pgId, limit: 10 });
  const op: Operation | undefined = items.find((o) => o.type !== 'replicate');
  if (!op) return null;
  const finished = time(op.finished_at);
  if (!Number.isNaN(finished) && finished < time(copy.updatedAt)) return null;
  return { id: op.id, type: op.type, status: op.status };
}

async function operationOn(copy: SiteCopy, id: string): Promise<DocumentOrigin> {
  const op = await copy.site.client.operations.get(id).catch(() => null);
  return { id, type: op?.type ?? 'operation', status: op?.status ?? 'running' };
}

/** Reads both copies of the PG and says what, if anything, is still to be stored where. */
export async function pendingMetadata(pgId: string, a: SiteHandle, b: SiteHandle): Promise<PendingMetadata> {
  const [ra, rb] = await Promise.all([read(a, pgId), read(b, pgId)]);
  if (!('copy' in ra)) return { state: 'unknown', site: ra.site, reason: ra.reason };
  if (!('copy' in rb)) return { state: 'unknown', site: rb.site, reason: rb.reason };
  const [ca, cb] = [ra.copy, rb.copy];
  if (copiesAgree(ca, cb)) return { state: 'in_sync', version: ca.version };
  // Equal versions: only the acknowledgement is missing on the out_of_sync one.
  const [newer, older] = ca.version > cb.version || (ca.version === cb.version && ca.syncState === 'out_of_sync') ? [ca, cb] : [cb, ca];
  // The older copy changed too since they last agreed: never merged silently.
  if (older.syncState === 'out_of_sync') return { state: 'diverged', copies: [ca, cb] };
  const busy = newer.activeOperationId ? newer : older.activeOperationId ? older : null;
  if (busy) return { state: 'wait', newer, older, busy, operation: await operationOn(busy, busy.activeOperationId as string) };
  return { state: 'push', newer, older, origin: await originOf(newer, pgId) };
}

const what = (o: DocumentOrigin | null): string => (o ? `the document of operation ${o.id} (${o.type}, ${o.status})` : 'its document');

/**
 * `pending` in words for people, naming the versions and the command that settles it; null when
 * both copies agree. `pgRef` is how the user named the PG.
 */
export function describePending(p: PendingMetadata, pgRef: string): string | null {
  const sync = `protector protection-group sync ${pgRef}`;
  switch (p.state) {
    case 'in_sync':
      return null;
    case 'push':
      return `${p.newer.site.name} holds version ${p.newer.version}, ${p.older.site.name} ${p.older.version}: ${what(p.origin)} is not stored on ${p.older.site.name} yet; it will be pushed by the next command, or run '${sync}'`;
    case 'wait': {
      const where = p.busy === p.newer ? `it is stored on ${p.older.site.name} once that operation has finished` : `${p.older.site.name} takes it once that operation has finished`;
      return `${p.newer.site.name} holds version ${p.newer.version}, ${p.older.site.name} ${p.older.version}: operation ${p.operation.id} (${p.operation.type}, ${p.operation.status}) is running on ${p.busy.site.name}; ${where}, by the next command or '${sync}'`;
    }
    case 'diverged':
      return new DivergedError(pgRef, p.copies.map((c) => ({ site: c.site.name, version: c.version, syncState: c.syncState }))).message;
    case 'unknown':
      return `${p.site.name} cannot be compared: ${p.reason}`;
  }
}

export interface CaughtUp {
  pending: PendingMetadata;
  /** Set when the newer copy was stored on the other site (and acknowledged) just now. */
  stored?: Propagated & { from: string; to: string; origin: DocumentOrigin | null };
}

/**
 * Stores the newer copy on the other site when nothing is running on either (the document an
 * operation started without --wait left behind), with the same expected_version push and ack as
 * after every change (DESIGN §5.3). Anything else is left as it is and returned.
 */
export async function catchUp(pgId: string, a: SiteHandle, b: SiteHandle): Promise<CaughtUp> {
  const pending = await pendingMetadata(pgId, a, b);
  if (pending.state !== 'push') return { pending };
  const r = await propagate(pgId, pending.newer.site, pending.older.site);
  return { pending, stored: { ...r, from: pending.newer.site.name, to: pending.older.site.name, origin: pending.origin } };
}

/** One line for a catch-up that stored something: what went where. */
export function describeStored(s: NonNullable<CaughtUp['stored']>): string {
  const doc = s.origin ? `the document of operation ${s.origin.id} (${s.origin.type}, ${s.origin.status})` : 'the newer document';
  return s.pushed ? `stored ${doc}, version ${s.version}, from ${s.from} on ${s.to}` : `acknowledged version ${s.version} on ${s.from} (${s.to} already held it)`;
}
