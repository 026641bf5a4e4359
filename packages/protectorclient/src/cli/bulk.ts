import type { BulkAction, BulkOperationAnswer, BulkPrecheckReport, Operation, OperationDetail } from '../api/index.js';
import type { SiteBatch, SiteHandle } from '../coordinator/index.js';
import { follow, storeAfterWait } from './coordinate.js';
import type { CliContext } from './context.js';
import { EXIT } from './exit-codes.js';
import { printList, type OutputOptions } from './render.js';

export interface BulkOptions extends OutputOptions {
  wait?: boolean;
}

const actionName = (body: BulkAction): string => Object.keys(body)[0] as string;
const dryRun = (body: BulkAction): boolean => (Object.values(body)[0] as { dry_run?: boolean }).dry_run === true;

/** How many child operations' details are read at once after a wait. */
const DETAILS_AT_ONCE = 10;

/**
 * A DR action on several PGs: each PG's running site found by the SDK's rules
 * (Coordinator.runningSites; any PG that cannot be run refuses them all before anything is
 * posted), then one bulk action per site, each all or nothing there. --dry-run prints every PG's
 * findings; --wait follows each parent operation (its children's progress live), stores each
 * PG's document on the peer and prints a row per PG with its queue time and RTO.
 */
export async function bulk(c: CliContext, refs: readonly string[], body: BulkAction, o: BulkOptions): Promise<void> {
  const unplanned = 'failover' in body && body.failover.type === 'unplanned';
  const batches = await c.coordinator().runningSites(refs, unplanned);
  const posted: { batch: SiteBatch; answer: BulkOperationAnswer }[] = [];
  const reports: { batch: SiteBatch; report: BulkPrecheckReport }[] = [];
  for (const batch of batches) {
    let r: Awaited<ReturnType<typeof batch.target.client.actions.bulk>>;
    try {
      r = await batch.target.client.actions.bulk(
        batch.pgs.map((p) => p.id),
        body,
      );
    } catch (err) {
      // A site's bulk action is all or nothing there; what another site already took goes on.
      if (posted.length > 0) process.stderr.write(`protector: ${posted.map((p) => `operation ${p.answer.operation.id} on ${p.batch.target.name}`).join(', ')} already started for the other protection groups\n`);
      throw err;
    }
    if ('precheck' in r) reports.push({ batch, report: r.precheck });
    else posted.push({ batch, answer: r });
  }
  if (dryRun(body)) return printReports(o, actionName(body), reports.map((r) => ({ site: r.batch.target.name, report: r.report })));

  const refOf = new Map(batches.flatMap((b) => b.pgs.map((p) => [p.id, p.ref] as const)));
  const pgRef = (op: Operation): string => refOf.get(op.protection_group_id ?? '') ?? op.protection_group_id ?? '';
  if (!o.wait) {
    const rows = posted.flatMap(({ batch, answer }) => answer.children.map((child) => ({ child, site: batch.target.name, parent: answer.operation.id })));
    return printList(o, [['Protection group', (x) => pgRef(x.child)], ['Operation', (x) => x.child.id], ['Type', (x) => x.child.type], ['Status', (x) => x.child.status], ['Site', (x) => x.site], ['Parent', (x) => x.parent]], rows);
  }

  const rows: { detail: OperationDetail; site: string; parent: string }[] = [];
  const unstored: unknown[] = [];
  // One parent after the other: they run at once on their sites; only the watching is in turn.
  for (const { batch, answer } of posted) {
    const done = await follow(c, batch.target, answer.operation, { names: refOf });
    for (const child of done.children) {
      // Each child changed its PG's document on this site, whatever its end: the peer gets it now, or at the next sync.
      await storeAfterWait(c, child, child.protection_group_id ?? '', pgRef(child), batch.target, batch.other).catch((err: unknown) => unstored.push(err));
    }
    rows.push(...(await childDetails(batch.target, done.children)).map((detail) => ({ detail, site: batch.target.name, parent: done.id })));
  }
  printList(
    o,
    [
      ['Protection group', (x) => pgRef(x.detail)],
      ['Operation', (x) => x.detail.id],
      ['Status', (x) => x.detail.status],
      ['Site', (x) => x.site],
      ['Queued (s)', (x) => x.detail.queued_seconds],
      ['RTO (s)', (x) => x.detail.rto_seconds],
      ['Error', (x) => x.detail.error],
    ],
    rows,
  );
  for (const err of unstored.slice(1)) process.stderr.write(`protector: ${err instanceof Error ? err.message : String(err)}\n`);
  if (unstored.length > 0) throw unstored[0];
}

/** Each child's detail (its queue time and RTO), read a few at a time, in the children's order. */
export async function childDetails(site: SiteHandle, children: readonly Operation[]): Promise<OperationDetail[]> {
  const out: OperationDetail[] = [];
  for (let i = 0; i < children.length; i += DETAILS_AT_ONCE) out.push(...(await Promise.all(children.slice(i, i + DETAILS_AT_ONCE).map((child) => site.client.operations.get(child.id)))));
  return out;
}

/** Every PG's pre-check findings, a row each, with the site that would run it; exit 1 when any has blockers. */
export function printReports(o: OutputOptions, action: string, reports: readonly { site: string; report: BulkPrecheckReport }[]): void {
  const groups = reports.flatMap(({ site, report }) => report.protection_groups.map((pg) => ({ pg, site })));
  const rows = groups.flatMap(({ pg, site }) => [...pg.blockers, ...pg.warnings].map((f) => ({ f, pg: pg.name, site })));
  if (o.format === 'table' && rows.length === 0) process.stdout.write(`${action}: all pre-checks passed for ${groups.length} protection groups\n`);
  else printList(o, [['Protection group', (x) => x.pg], ['Site', (x) => x.site], ['Severity', (x) => x.f.severity], ['Check', (x) => x.f.check], ['Code', (x) => x.f.code], ['Message', (x) => x.f.message]], rows);
  if (reports.some((r) => !r.report.ok)) process.exitCode = EXIT.error;
}
