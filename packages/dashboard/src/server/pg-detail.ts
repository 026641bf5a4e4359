import { catchUp, describeStored, pendingMetadata, type Coordinator, type PendingMetadata, type SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance } from 'fastify';
import type { SyncWord } from '../shared/api.js';
import type { MetadataState, PgDetailView, PgMetadataView, PgOperationRow, PgSiteCopy, RecoveryPointRow } from '../shared/pg-detail.js';
import type { ActionContext } from './actions.js';
import { mappingRow, registerPgChanges } from './pg-changes.js';
import { registerEligibleServers } from './pg-eligible.js';
import { noneIfNotFound, why } from './site-errors.js';
import { locate, pgParam, route, siteNamer, type Copy, type Located } from './pg-locate.js';
import { MappingChecks } from './pg-mapping-check.js';
import { pairSync } from './pg-read.js';

/** How many operations of the PG each site is asked for. */
const OPERATIONS_PER_SITE = 25;

/**
 * The protection group detail page's API: one document with everything the page shows, read
 * from both sites at once so one site down still answers with the other's copy, and the changes
 * to one PG's contents (pg-changes.ts, pg-eligible.ts), made through the Coordinator as the CLI
 * makes them.
 */
export function registerPgDetail(app: FastifyInstance, ctx: ActionContext, now: () => number = Date.now): void {
  const checks = new MappingChecks(now);

  app.get(
    '/api/protection-groups/:pg',
    route(async (req): Promise<PgDetailView> => {
      const s = ctx.session(req);
      const c = ctx.coordinator(s);
      const ref = pgParam(req);
      let l = await locate(c, ref);
      const { pending, stored } = await settled(c, l);
      if (stored) l = await locate(c, l.pgId);
      const src = l.newest;
      const site = src.site;
      const id = l.pgId;
      const [policy, members, mappings, doc, points, operations] = await Promise.all([
        site.client.policy.get(id).catch(noneIfNotFound),
        site.client.members.list(id),
        site.client.resourceMappings.get(id),
        site.client.metadata.get(id),
        recoveryPoints(l, id),
        operationsOf(l, id),
      ]);
      const name = siteNamer(src, c.both(), doc.document.sites);
      const check = await checks.check(s.id, src, c.both(), members.length);
      const p = src.pg;
      const t = now();
      const rows: RecoveryPointRow[] = points.items.map((r) => ({ ...r, age_seconds: Math.max(0, Math.round((t - Date.parse(r.created_at)) / 1000)) })).sort((x, y) => x.age_seconds - y.age_seconds);
      const last = rows[0] ?? null;
      const lag = p.replication_type === 'sync' && last?.kind === 'now' ? 0 : (last?.age_seconds ?? null);
      const rpo = policy?.rpo_minutes ?? null;
      return {
        protection_group: {
          id: p.id,
          name: p.name,
          description: p.description,
          replication_type: p.replication_type,
          status: p.status,
          active_site: l.runningName ?? name(p.current_primary_site_id),
          primary_site: name(p.primary_site_id),
          secondary_site: name(p.secondary_site_id),
          active_operation_id: p.active_operation_id,
          metadata_version: p.metadata_version,
          created_at: p.created_at,
          updated_at: p.updated_at,
        },
        read_from: site.name,
        policy,
        members,
        recovery_points: rows,
        recovery_points_error: points.error,
        rpo: { rpo_minutes: rpo, last_recovery_point_at: last?.created_at ?? null, lag_seconds: lag, within_rpo: lag === null || rpo === null ? null : lag <= rpo * 60 },
        resource_mappings: mappings.map((m) => mappingRow(m, name)),
        missing_mappings: check.missing,
        mapping_check: { site: check.site, error: check.error },
        operations,
        metadata: metadataView(l, s.logins.size, doc.document.sites, pending, stored),
      };
    }),
  );

  registerEligibleServers(app, ctx);
  registerPgChanges(app, ctx);
}

/**
 * Copies an earlier operation left apart are brought together first, as every CLI read of a PG
 * does (Coordinator.settle): an operation's document is stored on the other site once nothing
 * runs on either. Only when both sites answered; what could not be done is said, not thrown.
 */
async function settled(c: Coordinator, l: Located): Promise<{ pending: PendingMetadata | { error: string } | null; stored: string | null }> {
  const [a, b] = c.both();
  if (!a || !b || !l.copies.every((x) => x.pg)) return { pending: null, stored: null };
  try {
    const r = await catchUp(l.pgId, a, b);
    if (!r.stored) return { pending: r.pending, stored: null };
    return { pending: await pendingMetadata(l.pgId, a, b), stored: describeStored(r.stored) };
  } catch (err) {
    return { pending: { error: why(err) }, stored: null };
  }
}

/** The recovery points from the shown copy's site, else from the other (both ask the same arrays). */
async function recoveryPoints(l: Located, id: string): Promise<{ items: Awaited<ReturnType<SiteHandle['client']['recoveryPoints']['list']>>; error: string | null }> {
  const order = [l.newest, ...l.copies.filter((x) => x !== l.newest && x.pg)];
  let error: string | null = null;
  for (const copy of order) {
    try {
      return { items: await copy.site.client.recoveryPoints.list(id), error: null };
    } catch (err) {
      error ??= `${copy.site.name}: ${why(err)}`;
    }
  }
  return { items: [], error };
}

/** Both sites' operations on the PG, merged newest first, each with its site (ids are per site). */
async function operationsOf(l: Located, id: string): Promise<PgOperationRow[]> {
  const lists = await Promise.all(
    l.copies
      .filter((x) => x.pg)
      .map(async (x) => {
        const page = await x.site.client.operations.listPage({ pg_id: id, limit: OPERATIONS_PER_SITE }).catch(() => ({ items: [] }));
        return page.items.map((o): PgOperationRow => ({ ...o, site: x.site.name }));
      }),
  );
  return lists.flat().sort((x, y) => Date.parse(y.created_at) - Date.parse(x.created_at));
}

const syncWord = (x: Copy): SyncWord => (x.status ? (x.status.sync_state === 'in_sync' ? 'IN SYNC' : 'OUT OF SYNC') : 'UNREACHABLE');

/** Each site's version and sync state, and where the two copies stand, in the Coordinator's terms. */
function metadataView(l: Located, loggedIn: number, registered: { id: string; name: string }[], pending: PendingMetadata | { error: string } | null, stored: string | null): PgMetadataView {
  const sites: PgSiteCopy[] = l.copies.map((x) => ({
    site: x.site.name,
    logged_in: true,
    reachable: x.error === null,
    error: x.error ?? (x.pg ? null : `${x.site.name} does not know this protection group`),
    known: x.pg !== null,
    metadata_version: x.status?.metadata_version ?? null,
    sync: syncWord(x),
    status: x.status?.status ?? null,
    active_operation_id: x.status?.active_operation_id ?? null,
    changes_allowed: x.status?.changes_allowed ?? null,
    updated_at: x.status?.updated_at ?? null,
  }));
  // A site not logged in is still one of the pair: named as the document registers it.
  if (loggedIn < 2) {
    const own = l.newest.status.site_id;
    const peer = registered.find((r) => r.id !== own);
    sites.push({ site: peer?.name ?? 'the other site', logged_in: false, reachable: false, error: 'not logged in', known: false, metadata_version: null, sync: 'UNREACHABLE', status: null, active_operation_id: null, changes_allowed: null, updated_at: null });
  }
  const unread = sites.find((x) => !x.known);
  const sync = pairSync([...l.copies.map((x) => x.status ?? ('unread' as const)), ...(loggedIn < 2 ? ['unread' as const] : [])]);
  const { state, summary } = describe(pending, sites, unread);
  return { sites, sync, state, summary, stored };
}

function describe(pending: PendingMetadata | { error: string } | null, sites: PgSiteCopy[], unread: PgSiteCopy | undefined): { state: MetadataState; summary: string } {
  const v = (name: string) => sites.find((x) => x.site === name)?.metadata_version;
  if (unread) return { state: 'unknown', summary: `${unread.site} cannot be compared: ${unread.error}` };
  if (!pending) return { state: 'unknown', summary: 'the copies could not be compared' };
  if ('error' in pending) return { state: 'unknown', summary: `the copies could not be brought together: ${pending.error}` };
  switch (pending.state) {
    case 'in_sync':
      return { state: 'in_sync', summary: `both sites hold version ${pending.version}` };
    case 'push':
      return { state: 'push', summary: `${pending.newer.site.name} holds version ${pending.newer.version}, ${pending.older.site.name} ${pending.older.version}: Sync stores the newer copy on ${pending.older.site.name}` };
    case 'wait':
      return {
        state: 'wait',
        summary: `${pending.newer.site.name} holds version ${pending.newer.version}, ${pending.older.site.name} ${pending.older.version}: operation ${pending.operation.id} (${pending.operation.type}) is running on ${pending.busy.site.name}; the copies are brought together once it has finished`,
      };
    case 'diverged':
      return {
        state: 'diverged',
        summary: `both sites changed it since they last agreed: ${pending.copies.map((x) => `${x.site.name} holds version ${v(x.site.name) ?? x.version} (${x.syncState})`).join(', ')}; choose the copy that wins`,
      };
    case 'unknown':
      return { state: 'unknown', summary: `${pending.site.name} cannot be compared: ${pending.reason}` };
  }
}
