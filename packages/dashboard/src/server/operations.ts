import { findPg, isFinished, isProtectorApiError, MetadataNotStoredError, REPORT_CSP, serverAddressesOf, type Operation, type OperationDetail, type ProtectionGroup, type RunReport, type SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Allowed, Cancelled, CleanupStarted, OperationHistory, OperationRow, OperationView } from '../shared/operations.js';
import type { ActionContext } from './actions.js';
import { HttpError } from './errors.js';
import { askEach, otherOf, pairOf, siteNamed, whyNot, type PairContext } from './pair.js';
import type { DashboardSession } from './sessions.js';
import { answered, noneIfNotFound } from './site-errors.js';

/** The session, the Coordinator, and every site of the pair, logged in or not (the history names those it could not read). */
export type OperationsContext = ActionContext & PairContext;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORD = /^[a-z_]+$/;
const yes: Allowed = { allowed: true, reason: null };
const no = (reason: string): Allowed => ({ allowed: false, reason });

/** Whether the API would clean up after `op` now: its leftovers are still recorded on the PG (the API's rule). */
function cleanupOf(op: OperationDetail, pg: ProtectionGroup | null, site: string): Allowed {
  if (op.type !== 'failover' && op.type !== 'failback') return no(`only a failover or failback leaves copies to clean up; this is a ${op.type}`);
  if (!isFinished(op.status)) return no('it has not ended yet');
  if (!pg) return no(`its protection group is gone on ${site}`);
  if (pg.resources.leftovers?.operation_id === op.id) return yes;
  if (op.status === 'rolled_back' && pg.resources.failover?.operation_id === op.id) return yes;
  return no(`it left nothing to clean up on ${site} (or it was cleaned up already)`);
}

function cancelOf(op: OperationDetail): Allowed {
  if (isFinished(op.status)) return no(`it has already ended (${op.status})`);
  if (op.status !== 'pending') return no(`it is ${op.status}: only an operation no engine has started can be cancelled safely; wait for it to end, then clean up if needed`);
  return yes;
}

/** Cursor of the merged history: each site's marker (the last of its rows shown). */
const encode = (m: Record<string, string>): string => Buffer.from(JSON.stringify(m)).toString('base64url');
function decode(cursor: string | undefined): Record<string, string> {
  if (!cursor) return {};
  try {
    const m = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (typeof m === 'object' && m && !Array.isArray(m) && Object.values(m).every((v) => typeof v === 'string')) return m as Record<string, string>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'bad_request', "'cursor': not a cursor this server gave (use the 'next' of the previous page)");
}

/**
 * Operations of both sites: one followed (its result stored on the peer once it has ended, as the
 * CLI's --wait does), the history of both merged, cleanup and cancel where the API allows them.
 */
export function registerOperations(app: FastifyInstance, ctx: OperationsContext): void {
  /** Operations whose result this server already stored on the peer, per session. */
  const stored = new WeakMap<DashboardSession, Set<string>>();

  /** The operation a route names: `:id` on the logged-in site `:site`. */
  const addressed = (req: FastifyRequest) => {
    const { site, id } = req.params as { site: string; id: string };
    const s = ctx.session(req);
    const pair = pairOf(ctx.sites, s);
    return { s, site, id, here: siteNamed(pair, site), other: otherOf(pair, site)?.handle ?? null };
  };

  app.get('/api/operations/:site/:id', async (req): Promise<OperationView> => {
    const { s, site, id, here, other } = addressed(req);
    return answered(async () => {
      const op = await here.client.operations.get(id);
      const pg = op.protection_group_id ? await here.client.protectionGroups.get(op.protection_group_id).catch(noneIfNotFound) : null;
      const view = (v: Pick<OperationView, 'stored' | 'store_error'>): OperationView => ({ site, operation: op, ...v, actions: { cleanup: cleanupOf(op, pg, site), cancel: cancelOf(op) }, addresses: serverAddressesOf(op.result) });
      const done = stored.get(s) ?? new Set<string>();
      stored.set(s, done);
      /** A finished operation's PG document stored on the other site, once per session. */
      const store = async (o: Operation, pgExists: boolean): Promise<Pick<OperationView, 'stored' | 'store_error'>> => {
        const pgId = o.protection_group_id as string;
        if (!pgExists) return { stored: false, store_error: `protection group ${pgId} no longer exists on ${site}: there is no document to store${other ? ` on ${other.name}` : ''}` };
        if (done.has(o.id)) return { stored: true };
        try {
          await ctx.coordinator(s).storeAfterOperation(o, pgId, pgId, here, other);
        } catch (err) {
          if (err instanceof MetadataNotStoredError) return { stored: false, store_error: err.message };
          throw err;
        }
        if (!other) return { stored: false, store_error: 'the other site is not logged in: use Sync once it is' };
        done.add(o.id);
        return { stored: true };
      };
      if (!isFinished(op.status)) return view({ stored: null });
      if (op.protection_group_id) return view(await store(op, pg !== null));
      // A bulk action's parent: each child's PG document, as each child's own page would store it.
      const kids = op.children.filter((c) => c.protection_group_id && isFinished(c.status));
      if (kids.length === 0) return view({ stored: null });
      const outcomes: Pick<OperationView, 'stored' | 'store_error'>[] = [];
      for (const c of kids) outcomes.push(await store(c, true));
      return view(outcomes.find((o) => o.stored === false) ?? { stored: true });
    });
  });

  /** The operation's run report from the site that ran it (the page shows its RTO and RPO). */
  app.get('/api/operations/:site/:id/report', async (req): Promise<RunReport> => {
    const { id, here } = addressed(req);
    return answered(() => here.client.operations.report(id));
  });

  /** The printable report, as the site's API renders it, opened in a tab of its own. */
  app.get('/api/operations/:site/:id/report.html', async (req, reply) => {
    const { id, here } = addressed(req);
    const page = await answered(() => here.client.operations.reportHtml(id));
    return reply.type('text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('cache-control', 'no-store').send(page);
  });

  app.post('/api/operations/:site/:id/cleanup', async (req): Promise<CleanupStarted> => {
    const { site, id, here } = addressed(req);
    return answered(async () => ({ site, operation: await here.client.operations.cleanup(id) }));
  });

  app.post('/api/operations/:site/:id/cancel', async (req): Promise<Cancelled> => {
    const { site, id, here } = addressed(req);
    return answered(async () => ({ site, operation: await here.client.operations.cancel(id) }));
  });

  app.get('/api/operations', async (req): Promise<OperationHistory> => {
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    for (const f of ['status', 'type'] as const) if (q[f] !== undefined && q[f] !== '' && !WORD.test(q[f])) throw new HttpError(400, 'bad_request', `'${f}': lower-case words joined by '_' (as the API names them)`);
    const limit = q.limit === undefined ? 25 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, 'bad_request', "'limit': a whole number from 1 to 100");
    const markers = decode(q.cursor);
    const pair = pairOf(ctx.sites, ctx.session(req));
    const pgId = q.pg ? await pgIdOf(q.pg, pair.flatMap((x) => (x.handle ? [x.handle] : []))) : undefined;
    const filters = { ...(q.status ? { status: q.status as Operation['status'] } : {}), ...(q.type ? { type: q.type } : {}), ...(pgId ? { pg_id: pgId } : {}) };

    const answers = await askEach(pair, async (h) => {
      const [page, pgs] = await Promise.all([
        h.client.operations.listPage({ ...filters, limit, sort: 'created_at:desc', ...(markers[h.name] ? { marker: markers[h.name] } : {}) }),
        h.client.protectionGroups.list().catch(() => [] as ProtectionGroup[]),
      ]);
      const names = new Map(pgs.map((p) => [p.id, p.name]));
      const rows = page.items.map((o): OperationRow => ({ ...o, site: h.name, protection_group_name: o.protection_group_id ? (names.get(o.protection_group_id) ?? null) : null }));
      return { name: h.name, rows, more: page.next !== undefined };
    });
    const reasons: Record<string, string> = {};
    for (const a of answers) {
      // A filter the site refuses is the user's to fix, not a site down.
      if (!a.ok && isProtectorApiError(a.error) && a.error.status === 400) throw new HttpError(400, 'bad_request', `${a.name}: ${a.error.message}`);
      if (!a.ok) reasons[a.name] = whyNot(a)!;
    }
    const pages = answers.map((a) => (a.ok ? a.value : null));
    const merged = pages
      .flatMap((p) => p?.rows ?? [])
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id))
      .slice(0, limit);
    const next: Record<string, string> = { ...markers };
    let more = false;
    for (const p of pages) {
      if (!p) continue;
      const shown = merged.filter((r) => r.site === p.name);
      if (shown.length) next[p.name] = shown.at(-1)!.id;
      more ||= p.more || shown.length < p.rows.length;
    }
    return { operations: merged, next: more ? encode(next) : null, unreachable: Object.keys(reasons), reasons };
  });
}

/** A PG filter by id or name: the id is the same on both sites; a name is looked up where it answers. */
async function pgIdOf(ref: string, sites: SiteHandle[]): Promise<string> {
  if (UUID.test(ref)) return ref;
  for (const h of sites) {
    const found = await findPg(h, ref).then(
      (p) => p.id,
      () => null,
    );
    if (found) return found;
  }
  throw new HttpError(404, 'not_found', `'pg': no protection group '${ref}' on ${sites.map((h) => h.name).join(' or ') || 'a logged-in site'}`);
}
