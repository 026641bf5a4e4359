import type { FastifyInstance } from 'fastify';
import type { PgListView, PgRow } from '../shared/pg-list.js';
import { HttpError } from './errors.js';
import { pairOf, why, type PairContext, type PairSite } from './pair.js';
import { mapLimit, PER_SITE_CONCURRENCY } from './parallel.js';
import { activeSite, earlyHealth, healthOf, mergeCopies, reachOf, readLists } from './pg-read.js';

/**
 * The PG table from whichever logged-in site answers (the other marked UNREACHABLE): one list per
 * site and the first answering site's health asked together, then each PG's members and the
 * sites' own ids in parallel (bounded per site), never one PG after another.
 */
export async function pgList(pair: PairSite[]): Promise<PgListView> {
  const started = earlyHealth(pair);
  const reads = await readLists(pair);
  if (reads.every((r) => r.pgs === null)) throw new HttpError(502, 'site_unreachable', `no site answers: ${reads.map((r) => `${r.name}: ${r.error}`).join('; ')}`);
  const copies = mergeCopies(reads);
  const problems: string[] = [];
  const [health, members, active] = await Promise.all([
    healthOf(reads, started),
    mapLimit(copies, PER_SITE_CONCURRENCY, (c) =>
      c.at.handle.client.members.list(c.shown.id).then(
        (m) => m.length,
        (err: unknown) => {
          problems.push(`members of ${c.shown.name} on ${c.at.name}: ${why(err)}`);
          return null;
        },
      ),
    ),
    Promise.all(copies.map((c) => activeSite(c))),
  ]);
  if (health.error && copies.length > 0) problems.push(`recovery points and lag unknown: ${health.error}`);
  const rows = copies.map((c, i): PgRow => {
    const p = c.shown;
    const h = health.health.get(p.id);
    const op = p.active_operation_id ? { site: c.at.name, id: p.active_operation_id } : c.otherCopy?.active_operation_id && c.other ? { site: c.other.name, id: c.otherCopy.active_operation_id } : null;
    return {
      id: p.id,
      name: p.name,
      status: p.status,
      replication_type: p.replication_type,
      active_site: active[i] ?? null,
      metadata_version: p.metadata_version,
      sync: c.sync,
      read_from: c.at.name,
      members: members[i] ?? null,
      recovery_point: h ? { newest: h.newest_recovery_point, transferred_at: h.last_transfer_at, lag_seconds: h.lag_seconds, rpo_minutes: h.rpo_minutes, rpo_compliant: h.rpo_compliant } : null,
      has_array: p.resources.array !== undefined,
      active_operation: op,
      drill_up: p.status === 'test_failed_over',
    };
  });
  return { protection_groups: rows, sites: reachOf(reads), problems };
}

export function registerPgList(app: FastifyInstance, ctx: PairContext): void {
  app.get('/api/protection-groups', async (req): Promise<PgListView> => pgList(pairOf(ctx.sites, ctx.session(req))));
}
