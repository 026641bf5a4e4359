import type { Command } from 'commander';
import type { Operation, PrecheckReport, SyncStatus } from '../../api/index.js';
import { PeerUnreachableError, requireReachable, type SiteHandle } from '../../coordinator/index.js';
import { follow, operationSummary, settle, storeAfterWait } from '../coordinate.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { findPg } from '../find.js';
import { fieldsOf, printList, printShow, withOutput, type OutputOptions } from '../render.js';

type Action = 'failover' | 'failback' | 'test-failover' | 'test-cleanup';

interface ActionOptions extends OutputOptions {
  wait?: boolean;
  dryRun?: boolean;
  unplanned?: boolean;
  recoveryPoint?: string;
  force?: boolean;
  network?: string;
  bootTimeout?: number;
}

/**
 * The site an action runs on: the one whose own copy says it is not the current primary (it
 * brings the workload up; DESIGN §5, docs/dr-workflows.md). Asked of both sites; an unplanned
 * failover is the one action that goes ahead with only that site answering.
 */
async function runningSite(sites: SiteHandle[], pgRef: string, unplanned: boolean): Promise<{ target: SiteHandle; other: SiteHandle | null; pgId: string; status: SyncStatus }> {
  const seen: { site: SiteHandle; st?: SyncStatus; error?: string }[] = [];
  let pgId = await firstFound(sites, pgRef);
  // What an earlier action left on one site is stored on the other first: the copies then agree
  // on which site runs this (DESIGN §5). Both changed: refused, except the unplanned failover.
  if (pgId && sites.length === 2) await settle(pgId, pgRef, sites[0]!, sites[1]!, !unplanned);
  for (const site of sites) {
    try {
      pgId ??= (await findPg(site, pgRef)).id;
      seen.push({ site, st: await site.client.metadata.syncStatus(pgId) });
    } catch (err) {
      seen.push({ site, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const target = seen.find((s) => s.st && s.st.site_id !== s.st.current_primary_site_id);
  if (!target?.st || !pgId) {
    // The site that would run it does not answer: refused, as every change without its peer.
    const down = seen.find((s) => s.error);
    if (down && seen.some((s) => s.st)) throw new PeerUnreachableError(down.site.name, down.error ?? 'no answer');
    const why = seen.map((s) => `${s.site.name}: ${s.error ?? `it runs the workload (${s.st?.status})`}`).join('; ');
    throw new CliError(`no site can run this for protection group ${pgRef}: ${why}`);
  }
  const other = seen.find((s) => s !== target) ?? null;
  if (!unplanned) {
    if (!other) throw new CliError('this action needs both sites: name the peer with --secondary-cloud or OS_SECONDARY_CLOUD');
    await requireReachable(other.site);
  }
  return { target: target.site, other: other?.error ? null : (other?.site ?? null), pgId, status: target.st };
}

/** The PG's id from the first site that knows it (null: none answers or knows it; said below). */
async function firstFound(sites: SiteHandle[], pgRef: string): Promise<string | undefined> {
  for (const site of sites) {
    const id = await findPg(site, pgRef).then((p) => p.id, () => undefined);
    if (id) return id;
  }
  return undefined;
}

function printReport(o: OutputOptions, r: PrecheckReport): void {
  const rows = [...r.blockers, ...r.warnings];
  if (o.format === 'table' && rows.length === 0) process.stdout.write(`${r.action}: all ${r.checks.length} pre-checks passed\n`);
  else printList(o, [['Severity', (f) => f.severity], ['Check', (f) => f.check], ['Code', (f) => f.code], ['Message', (f) => f.message]], rows);
  if (!r.ok) process.exitCode = EXIT.error;
}

/** failover, failback, test-failover, test-cleanup: posted to the right site, followed with --wait, then pushed to the peer. */
export function registerDr(program: Command, ctx: () => CliContext): void {
  const action = (name: Action, description: string, boots = true) => {
    const cmd = withOutput(program.command(`${name} <pg>`).description(description).option('--dry-run', 'run every pre-check and print the report; change nothing').option('--wait', 'follow the operation to its end with live step progress'), true);
    return boots ? cmd.option('--boot-timeout <seconds>', 'how long each server may take to become ACTIVE', Number) : cmd;
  };

  const run = (name: Action) => async (ref: string, o: ActionOptions) => {
    const c = ctx();
    const unplanned = name === 'failover' && o.unplanned === true;
    const { target, other, pgId } = await runningSite(c.both(), ref, unplanned);
    const a = target.client.actions;
    const boot = o.bootTimeout === undefined ? {} : { boot_timeout_seconds: o.bootTimeout };
    const dry = o.dryRun === true;
    let r: Operation | PrecheckReport;
    switch (name) {
      case 'failover': {
        const p = { type: unplanned ? ('unplanned' as const) : ('planned' as const), recovery_point_id: o.recoveryPoint, force: o.force, ...boot };
        r = dry ? await a.failover(pgId, { ...p, dry_run: true }) : await a.failover(pgId, p);
        break;
      }
      case 'failback':
        r = dry ? await a.failback(pgId, { force: o.force, ...boot, dry_run: true }) : await a.failback(pgId, { force: o.force, ...boot });
        break;
      case 'test-failover': {
        const p = { recovery_point_id: o.recoveryPoint, network_id: o.network, ...boot };
        r = dry ? await a.testFailover(pgId, { ...p, dry_run: true }) : await a.testFailover(pgId, p);
        break;
      }
      case 'test-cleanup':
        r = dry ? await a.testCleanup(pgId, { force: o.force, dry_run: true }) : await a.testCleanup(pgId, { force: o.force });
        break;
    }
    if ('report' in r) return printReport(o, r);
    if (!o.wait) return printShow(o, fieldsOf(r, ['params', 'result']));
    const done = await follow(c, target, r, { pgRef: ref });
    printShow(o, operationSummary(target, done));
    // The operation changed the PG's document on the target, whatever its end: the peer gets it now, or at the next sync.
    await storeAfterWait(done, pgId, ref, target, other);
  };

  action('failover', 'bring the protection group up on the other site (planned: both sites, no data loss; --unplanned: the surviving site alone)')
    .option('--unplanned', 'the current primary is lost: run on the surviving site only, from the newest recovery point')
    .option('--recovery-point <id>', 'point-in-time: this recovery point instead of the newest')
    .option('--force', 'go on when a recovery point lacks a volume (that volume is not brought up)')
    .action(run('failover'));
  action('failback', 'back to the original site: resynchronise, then a planned failover back')
    .option('--force', 'see failover --force')
    .action(run('failback'));
  action('test-failover', 'a DR drill on the secondary from a recovery point; production keeps running')
    .option('--recovery-point <id>', 'drill from this recovery point instead of the newest')
    .option('--network <id>', 'a test network on the secondary (default: an isolated one is created)')
    .action(run('test-failover'));
  action('test-cleanup', 'remove exactly what the drill created', false)
    .option('--force', 'forget what cannot be removed (it is listed)')
    .action(run('test-cleanup'));
}
