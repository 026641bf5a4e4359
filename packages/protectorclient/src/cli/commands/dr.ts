import type { Command } from 'commander';
import type { BulkAction, PrecheckReport } from '../../api/index.js';
import { bulk } from '../bulk.js';
import { follow, operationSummary, storeAfterWait } from '../coordinate.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { commitWindowFrom, commitWindowOptions, type CommitWindowOptions } from '../parse.js';
import { fieldsOf, printList, printShow, withOutput, type OutputOptions } from '../render.js';

type Action = 'failover' | 'failback' | 'test-failover' | 'test-cleanup';

interface ActionOptions extends OutputOptions, CommitWindowOptions {
  wait?: boolean;
  dryRun?: boolean;
  unplanned?: boolean;
  recoveryPoint?: string;
  force?: boolean;
  network?: string;
  bootTimeout?: number;
}

export function printReport(o: OutputOptions, r: PrecheckReport): void {
  const rows = [...r.blockers, ...r.warnings];
  if (o.format === 'table' && rows.length === 0) process.stdout.write(`${r.action}: all ${r.checks.length} pre-checks passed\n`);
  else printList(o, [['Severity', (f) => f.severity], ['Check', (f) => f.check], ['Code', (f) => f.code], ['Message', (f) => f.message]], rows);
  if (!r.ok) process.exitCode = EXIT.error;
}

/** The action's body from the command's options (dry_run as asked). */
function actionBody(name: Action, o: ActionOptions): BulkAction {
  const boot = o.bootTimeout === undefined ? {} : { boot_timeout_seconds: o.bootTimeout };
  const dry = o.dryRun === true ? { dry_run: true } : {};
  switch (name) {
    case 'failover':
      return {
        failover: {
          type: o.unplanned === true ? 'unplanned' : 'planned',
          recovery_point_id: o.recoveryPoint,
          force: o.force,
          ...(o.commitWindow === undefined ? {} : { commit_window: commitWindowFrom(o) ?? undefined }),
          ...boot,
          ...dry,
        },
      };
    case 'failback':
      return { failback: { force: o.force, ...boot, ...dry } };
    case 'test-failover':
      return { test_failover: { recovery_point_id: o.recoveryPoint, network_id: o.network, ...boot, ...dry } };
    case 'test-cleanup':
      return { test_cleanup: { force: o.force, ...dry } };
  }
}

/** failover, failback, test-failover, test-cleanup: posted to the right site, followed with --wait, then pushed to the peer. */
export function registerDr(program: Command, ctx: () => CliContext): void {
  const action = (name: Action, description: string, boots = true) => {
    const cmd = withOutput(
      program
        .command(`${name} <pg...>`)
        .description(`${description}; several PGs make one bulk action per site (a parent operation with a child per PG)`)
        .option('--dry-run', 'run every pre-check and print the report; change nothing')
        .option('--wait', 'follow the operation to its end with live step progress'),
      true,
    );
    return boots ? cmd.option('--boot-timeout <seconds>', 'how long each server may take to become ACTIVE', Number) : cmd;
  };

  const one = async (c: CliContext, name: Action, ref: string, o: ActionOptions) => {
    const { target, other, pgId } = await c.coordinator().runningSite(ref, name === 'failover' && o.unplanned === true);
    const r = await target.client.actions.run(pgId, actionBody(name, o));
    if ('precheck' in r) return printReport(o, r.precheck);
    if (!o.wait) return printShow(o, fieldsOf(r.operation, ['params', 'result']));
    const done = await follow(c, target, r.operation, { pgRef: ref });
    printShow(o, operationSummary(target, done));
    // The operation changed the PG's document on the target, whatever its end: the peer gets it now, or at the next sync.
    await storeAfterWait(c, done, pgId, ref, target, other);
  };

  const run = (name: Action) => async (refs: string[], o: ActionOptions) => {
    const c = ctx();
    if (refs.length === 1) return one(c, name, refs[0] as string, o);
    await bulk(c, refs, actionBody(name, o), o);
  };

  commitWindowOptions(
    action('failover', 'bring the protection group up on the other site (planned: both sites, no data loss; --unplanned: the surviving site alone)')
      .option('--unplanned', 'the current primary is lost: run on the surviving site only, from the newest recovery point')
      .option('--recovery-point <id>', 'point-in-time: this recovery point instead of the newest')
      .option('--force', 'go on when a recovery point lacks a volume (that volume is not brought up)'),
    "planned: once the workload is up, wait this long for 'operation commit' or 'operation rollback' (0: none; default 3600 with --recovery-point, else none)",
  ).action(run('failover'));
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
