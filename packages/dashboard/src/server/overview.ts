import type { Operation, OperationDetail, SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance } from 'fastify';
import type { OverviewView, ReadinessRow, RpoRow, RunningOperation } from '../shared/overview.js';
import { HttpError } from './errors.js';
import { lagSeries } from './lag-series.js';
import { pairOf, why, type PairContext, type PairSite } from './pair.js';
import { mapLimit, PER_SITE_CONCURRENCY } from './parallel.js';
import { earlyHealth, healthOf, mergeCopies, reachOf, readLists, type SiteRead } from './pg-read.js';

/** Operation states that are not finished (the engine still owns them). */
const UNFINISHED = ['pending', 'running', 'rolling_back'] as const;

// Worst first: a PG in error, then one a failover left half done, then not ready, then ready.
const rank = (r: ReadinessRow): number => (r.status === 'error' ? 0 : r.status === 'failed_over_partial' ? 1 : r.failover_ready ? 3 : 2);
const worstFirst = (a: ReadinessRow, b: ReadinessRow): number => rank(a) - rank(b) || b.reasons.length - a.reasons.length || a.name.localeCompare(b.name);

/** The window of the RPO series, in hours (?hours=, 6 by default). */
function windowHours(q: unknown): number {
  const raw = (q as { hours?: string } | undefined)?.hours;
  if (raw === undefined) return 6;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 168) throw new HttpError(400, 'bad_request', "'hours': must be a whole number of hours from 1 to 168");
  return n;
}

/** Each site's unfinished operations with their steps (done / total), newest first. */
async function runningOperations(reads: SiteRead[], names: Map<string, string>, problems: string[]): Promise<RunningOperation[]> {
  const perSite = await Promise.all(
    reads.map(async (r): Promise<RunningOperation[]> => {
      const site = r.handle;
      if (!site || r.pgs === null) return [];
      try {
        const ops: Operation[] = (await Promise.all(UNFINISHED.map((status) => site.client.operations.list({ status })))).flat();
        const details = await mapLimit(ops, PER_SITE_CONCURRENCY, (op) => site.client.operations.get(op.id).catch((): OperationDetail | null => null));
        return ops.map((op, i) => describe(site, op, details[i] ?? null, names));
      } catch (err) {
        problems.push(`operations on ${r.name}: ${why(err)}`);
        return [];
      }
    }),
  );
  return perSite.flat().sort((a, b) => (b.started_at ?? '').localeCompare(a.started_at ?? ''));
}

function describe(site: SiteHandle, op: Operation, d: OperationDetail | null, names: Map<string, string>): RunningOperation {
  const steps = d?.steps ?? [];
  return {
    site: site.name,
    id: op.id,
    type: op.type,
    status: d?.status ?? op.status,
    protection_group_id: op.protection_group_id,
    protection_group: op.protection_group_id ? (names.get(op.protection_group_id) ?? null) : null,
    steps_done: steps.filter((s) => s.status === 'completed' || s.status === 'skipped').length,
    steps_total: steps.length,
    current_step: steps.find((s) => s.status === 'running')?.name ?? null,
    started_at: op.started_at ?? op.created_at,
  };
}

/**
 * The overview: each site's reachability, readiness worst first and RPO compliance from the
 * protector API's health, each PG's lag over the window derived from its recovery points, and
 * the operations running on both sites.
 */
export async function overview(pair: PairSite[], hours: number, now: number): Promise<OverviewView> {
  const started = earlyHealth(pair);
  const reads = await readLists(pair);
  const copies = mergeCopies(reads);
  const problems: string[] = [];
  const from = now - hours * 3_600_000;
  const names = new Map(copies.map((c) => [c.shown.id, c.shown.name]));
  const [health, series, operations] = await Promise.all([
    healthOf(reads, started),
    // Only PGs with an array construct have recovery points.
    mapLimit(copies, PER_SITE_CONCURRENCY, async (c) => {
      if (!c.shown.resources.array) return { points: [], error: null };
      try {
        return { points: lagSeries(await c.at.handle.client.recoveryPoints.list(c.shown.id), from, now), error: null };
      } catch (err) {
        return { points: [], error: `recovery points on ${c.at.name}: ${why(err)}` };
      }
    }),
    runningOperations(reads, names, problems),
  ]);
  if (health.error && copies.length > 0) problems.push(`readiness and RPO unknown: ${health.error}`);

  const readiness = copies
    .map((c): ReadinessRow => {
      const h = health.health.get(c.shown.id);
      return { id: c.shown.id, name: c.shown.name, status: h?.status ?? c.shown.status, failover_ready: h?.failover_ready ?? false, reasons: h ? h.reasons : [`its health could not be read (${health.error})`] };
    })
    .sort(worstFirst);
  const rpo = copies.flatMap((c, i): RpoRow[] => {
    const h = health.health.get(c.shown.id);
    if (!h) return [];
    return [{ id: c.shown.id, name: c.shown.name, rpo_minutes: h.rpo_minutes, lag_seconds: h.lag_seconds, compliant: h.rpo_compliant, series: series[i]!.points, series_error: series[i]!.error }];
  });
  const byStatus: Record<string, number> = {};
  for (const c of copies) byStatus[c.shown.status] = (byStatus[c.shown.status] ?? 0) + 1;
  return {
    sites: reachOf(reads),
    protection_groups: { total: copies.length, by_status: byStatus, out_of_sync: copies.filter((c) => c.sync !== 'IN SYNC').length },
    readiness: { ready: readiness.filter((r) => r.failover_ready).length, not_ready: readiness.filter((r) => !r.failover_ready).length, rows: readiness },
    rpo: { window_hours: hours, from: new Date(from).toISOString(), to: new Date(now).toISOString(), rows: rpo },
    operations,
    problems,
  };
}

export function registerOverview(app: FastifyInstance, ctx: PairContext & { now: () => number }): void {
  app.get('/api/overview', async (req): Promise<OverviewView> => {
    const hours = windowHours(req.query);
    return overview(pairOf(ctx.sites, ctx.session(req)), hours, ctx.now());
  });
}
