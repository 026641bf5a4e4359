import type { Operation, ProtectionGroup, SyncStatus } from '../api/index.js';
import { findPg } from './find.js';
import { PlanCoordinator } from './plans.js';
import { propagate } from './metadata.js';
import { catchUp, copiesAgree, describeStored, type CaughtUp } from './pending.js';
import { DivergedError, PeerUnreachableError, requireReachable, type SiteHandle } from './sites.js';

/** A change asked for with no peer site named: nothing was tried. */
export class PeerRequiredError extends Error {
  constructor(what = 'every change needs the peer site to answer first') {
    super(what);
    this.name = 'PeerRequiredError';
  }
}

/** The change (or operation) happened on `from`, but its metadata could not be stored on `to`. */
export class MetadataNotStoredError extends Error {
  constructor(
    message: string,
    readonly pgId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(message);
    this.name = 'MetadataNotStoredError';
  }
}

/** No site can run a DR action for the PG (neither answers, or both run the workload). */
export class NoRunningSiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoRunningSiteError';
  }
}

export interface CoordinatorFace {
  /** How this face tells a user to sync a PG (the CLI: "run 'protector protection-group sync X'"). */
  syncHint(pgRef: string): string;
  /** How to name the peer when none is given (the CLI: its option and variable). */
  peerHint: string;
  /** How this face tells a user to store a recovery plan on both sites again (the CLI: "run 'protector plan show X'"). */
  planHint?(planRef: string): string;
  /** Said to the user along the way: info (what was done for them) or warning (what they must do). */
  note?(level: 'info' | 'warning', message: string): void;
}

/** The site a DR action runs on, and the other one when it answers. */
export interface RunningSite {
  target: SiteHandle;
  other: SiteHandle | null;
  pgId: string;
  status: SyncStatus;
}

/** Protection groups whose DR action runs on one site: a bulk action there. */
export interface SiteBatch {
  target: SiteHandle;
  other: SiteHandle | null;
  /** As the user named each PG, and its id; in the order named. */
  pgs: { ref: string; id: string }[];
}

/** How many PGs' running sites are looked up at once (each asks both sites). */
const LOOKUPS_AT_ONCE = 8;

const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The cross-site rules of DESIGN §5, once, for every face (the CLI, the dashboard): the peer must
 * answer before a change; the change is made on the owning site; the PG's document is pushed to
 * the peer with its expected version and acknowledged; copies an earlier run left apart are
 * brought together before use, and diverged ones only by an explicit source site; a DR action runs
 * on the site that brings the workload up; after an operation its document is stored on the peer.
 * No process, terminal or exit-code concerns: those are the face's.
 */
export class Coordinator {
  constructor(
    readonly primary: SiteHandle,
    readonly secondary: SiteHandle | null,
    private readonly face: CoordinatorFace,
  ) {}

  private note(level: 'info' | 'warning', message: string): void {
    this.face.note?.(level, message);
  }

  private planCoordinator?: PlanCoordinator;

  /** Recovery plans across the pair, by the same rules (coordinator/plans.ts). */
  get plans(): PlanCoordinator {
    this.planCoordinator ??= new PlanCoordinator(this, (level, message) => this.note(level, message), (ref) => this.face.planHint?.(ref) ?? `read or change recovery plan ${ref} again`);
    return this.planCoordinator;
  }

  /** Both sites, the primary first. */
  both(): SiteHandle[] {
    return this.secondary ? [this.primary, this.secondary] : [this.primary];
  }

  /** The peer, which must answer before anything changes (DESIGN §5.1). */
  async reachablePeer(): Promise<SiteHandle> {
    if (!this.secondary) throw new PeerRequiredError(`every change needs the peer site to answer first: ${this.face.peerHint}`);
    return requireReachable(this.secondary);
  }

  /**
   * A change to a protection group: the peer must answer first (else nothing changes), the change
   * is made on `owner`, then the document is pushed to the peer and acknowledged, unless the
   * caller follows the operation and pushes after it (the engine changes the document again).
   */
  async change<T>(owner: SiteHandle, pgId: (r: T) => string | null, change: (site: SiteHandle) => Promise<T>, opts: { pushAfterWait?: boolean } = {}): Promise<{ result: T; peer: SiteHandle }> {
    const peer = await this.reachablePeer();
    const result = await change(owner);
    const id = pgId(result);
    if (id && !opts.pushAfterWait) await this.push(id, owner, peer);
    return { result, peer };
  }

  /** The PG's document from `from` stored on `to` and acknowledged, or an error saying what to do. */
  async push(pgId: string, from: SiteHandle, to: SiteHandle): Promise<void> {
    try {
      await propagate(pgId, from, to);
    } catch (err) {
      throw new MetadataNotStoredError(
        `the change was made on ${from.name}, but its metadata could not be stored on ${to.name}: ${why(err)}; ${this.face.syncHint(pgId)} once both sites answer`,
        pgId,
        from.name,
        to.name,
      );
    }
  }

  /**
   * After a followed operation, whatever it ended as: its site's document is stored on the peer
   * and acknowledged, or the user is told what to do once the peer answers. Only a completed
   * operation whose document could not be stored is an error; for the others it is a warning.
   */
  async storeAfterOperation(done: Pick<Operation, 'id' | 'type' | 'status'>, pgId: string, pgRef: string, from: SiteHandle, to: SiteHandle | null): Promise<void> {
    if (!to) return this.note('info', `the peer site did not answer: ${this.face.syncHint(pgRef)} when it is back, to store the result of operation ${done.id} there`);
    try {
      await propagate(pgId, from, to);
    } catch (err) {
      const msg = `operation ${done.id} (${done.type}) ended ${done.status} on ${from.name}, but its metadata could not be stored on ${to.name}: ${why(err)}; ${this.face.syncHint(pgRef)} once both sites answer`;
      if (done.status === 'completed') throw new MetadataNotStoredError(msg, pgId, from.name, to.name);
      this.note('warning', msg);
    }
  }

  /**
   * Brings the PG's two copies together before use (DESIGN §5): a document an operation left on
   * one site is stored on the other once nothing runs on either. For a change, copies that cannot
   * be brought together refuse it before anything changes; for a read, they are noted.
   */
  async settle(pgId: string, pgRef: string, a: SiteHandle, b: SiteHandle, change: boolean): Promise<CaughtUp | null> {
    let r: CaughtUp;
    try {
      r = await catchUp(pgId, a, b);
    } catch (err) {
      if (change) throw err;
      this.note('warning', `the metadata of protection group ${pgRef} could not be brought together on both sites: ${why(err)}; ${this.face.syncHint(pgRef)}`);
      return null;
    }
    if (r.stored) this.note('info', describeStored(r.stored));
    if (change && r.pending.state === 'diverged') {
      throw new DivergedError(pgRef, r.pending.copies.map((c) => ({ site: c.site.name, version: c.version, syncState: c.syncState })));
    }
    return r;
  }

  /** The PG named `ref` on the primary, after settling its copies with the peer (re-read when the primary's copy was older). */
  async pg(ref: string, opts: { change?: boolean } = {}): Promise<ProtectionGroup> {
    const here = this.primary;
    const pg = await findPg(here, ref);
    if (!this.secondary) return pg;
    const r = await this.settle(pg.id, ref, here, this.secondary, opts.change === true);
    return r?.stored && r.stored.to === here.name ? here.client.protectionGroups.get(pg.id) : pg;
  }

  /** The primary's list with every PG whose copies differ settled (one list per site finds them); read again when anything was stored here. */
  async settleList(pgs: ProtectionGroup[]): Promise<ProtectionGroup[]> {
    const here = this.primary;
    const peer = this.secondary;
    if (!peer) return pgs;
    const there = new Map((await peer.client.protectionGroups.list().catch(() => [])).map((p) => [p.id, p]));
    let storedHere = false;
    for (const p of pgs) {
      const q = there.get(p.id);
      if (!q || copiesAgree(copyOf(p), copyOf(q))) continue;
      const r = await this.settle(p.id, p.name, here, peer, false);
      storedHere ||= r?.stored?.to === here.name;
    }
    return storedHere ? here.client.protectionGroups.list() : pgs;
  }

  /**
   * The site a DR action runs on: the one whose own copy says it is not the current primary (it
   * brings the workload up). Asked of both sites; an unplanned failover is the one action that
   * goes ahead with only that site answering.
   */
  async runningSite(pgRef: string, unplanned: boolean): Promise<RunningSite> {
    const sites = this.both();
    const seen: { site: SiteHandle; st?: SyncStatus; error?: string }[] = [];
    let pgId = await firstFound(sites, pgRef);
    // What an earlier action left on one site is stored on the other first: the copies then agree
    // on which site runs this. Both changed: refused, except the unplanned failover.
    if (pgId && sites.length === 2) await this.settle(pgId, pgRef, sites[0]!, sites[1]!, !unplanned);
    for (const site of sites) {
      try {
        pgId ??= (await findPg(site, pgRef)).id;
        seen.push({ site, st: await site.client.metadata.syncStatus(pgId) });
      } catch (err) {
        seen.push({ site, error: why(err) });
      }
    }
    const target = seen.find((s) => s.st && s.st.site_id !== s.st.current_primary_site_id);
    if (!target?.st || !pgId) {
      // The site that would run it does not answer: refused, as every change without its peer.
      const down = seen.find((s) => s.error);
      if (down && seen.some((s) => s.st)) throw new PeerUnreachableError(down.site.name, down.error ?? 'no answer');
      const reasons = seen.map((s) => `${s.site.name}: ${s.error ?? `it runs the workload (${s.st?.status})`}`).join('; ');
      throw new NoRunningSiteError(`no site can run this for protection group ${pgRef}: ${reasons}`);
    }
    const other = seen.find((s) => s !== target) ?? null;
    if (!unplanned) {
      if (!other) throw new NoRunningSiteError(`this action needs both sites: ${this.face.peerHint}`);
      await requireReachable(other.site);
    }
    return { target: target.site, other: other?.error ? null : (other?.site ?? null), pgId, status: target.st };
  }

  /**
   * A DR action on several PGs: each one's running site (as runningSite, the same rules), the PGs
   * grouped by it, so each site gets one bulk action. Any PG that cannot be run refuses them all
   * before anything is posted; a PG named twice (by name and by id) too.
   */
  async runningSites(pgRefs: readonly string[], unplanned: boolean): Promise<SiteBatch[]> {
    const found = await mapLimited(pgRefs, LOOKUPS_AT_ONCE, (ref) => this.runningSite(ref, unplanned));
    const batches = new Map<string, SiteBatch>();
    const named = new Map<string, string>();
    for (const [i, r] of found.entries()) {
      const ref = pgRefs[i] as string;
      const twice = named.get(r.pgId);
      if (twice !== undefined) throw new Error(`protection group ${ref} is named twice (also as ${twice})`);
      named.set(r.pgId, ref);
      let b = batches.get(r.target.name);
      if (!b) batches.set(r.target.name, (b = { target: r.target, other: r.other, pgs: [] }));
      b.pgs.push({ ref, id: r.pgId });
    }
    return [...batches.values()];
  }
}

/** `fn` over `items`, at most `limit` at once; results in the items' order; the first failure is thrown once all have ended. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await Promise.allSettled([fn(items[i] as T)]).then((r) => r[0]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = out.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return out.map((r) => (r as PromiseFulfilledResult<R>).value);
}

/** The PG's id from the first site that knows it (undefined: none answers or knows it). */
async function firstFound(sites: SiteHandle[], pgRef: string): Promise<string | undefined> {
  for (const site of sites) {
    const id = await findPg(site, pgRef).then((p) => p.id, () => undefined);
    if (id) return id;
  }
  return undefined;
}

/** A listed PG's copy as the in-sync rule reads it. */
const copyOf = (p: ProtectionGroup) => ({ version: p.metadata_version, syncState: p.sync_state });
