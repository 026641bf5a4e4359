import type { Command } from 'commander';
import type { OperationDetail } from '../../api/index.js';
import { addressLines } from '../addresses.js';
import { follow } from '../coordinate.js';
import type { CliContext } from '../context.js';
import { fieldsOf, printList, printShow, withOutput, type OutputOptions } from '../render.js';

/** operation list|show|cleanup|resume|commit|rollback|cancel and health show, on the --os-cloud site. */
export function registerOperations(program: Command, ctx: () => CliContext): void {
  const op = program.command('operation').description('what the engines did and do, step by step');
  withOutput(
    op
      .command('list')
      .description('list operations, newest first')
      .option('--pg <id>', 'of this protection group')
      .option('--parent <id>', "a bulk action's child operations")
      .option('--status <status>', 'in this state')
      .option('--type <type>', 'of this type'),
    true,
  ).action(async (o: OutputOptions & { pg?: string; parent?: string; status?: string; type?: string }) => {
    const list = await ctx().primary().client.operations.list({ pg_id: o.pg, parent_id: o.parent, status: o.status as never, type: o.type });
    printList(o, [['ID', (x) => x.id], ['Type', (x) => x.type], ['Status', (x) => x.status], ['Progress', (x) => x.progress], ['Protection group', (x) => x.protection_group_id], ['Parent', (x) => x.parent_id], ['Created', (x) => x.created_at], ['Error', (x) => x.error]], list);
  });
  withOutput(op.command('show <operation>').description('show an operation with its steps and RTO').option('--steps', 'list the steps instead of the operation'), false).action(async (id: string, o: OutputOptions & { steps?: boolean }) => {
    const d: OperationDetail = await ctx().primary().client.operations.get(id);
    if (o.steps) {
      printList(o, [['#', (s) => s.seq + 1], ['Step', (s) => s.name], ['Status', (s) => s.status], ['Started', (s) => s.started_at], ['Duration (s)', (s) => (s.duration_ms === null ? null : s.duration_ms / 1000)], ['Error', (s) => s.error]], d.steps);
      return;
    }
    printShow(o, [
      ...fieldsOf(d, ['steps', 'children']),
      ['steps', d.steps.map((s) => `${s.name} ${s.status}${s.duration_ms === null ? '' : ` ${(s.duration_ms / 1000).toFixed(1)} s`}`)],
      // A DR run's recreated ports: every address per server, old -> new and why (re-IP rules).
      ...(addressLines(d.result).length > 0 ? [['addresses', addressLines(d.result)] as const] : []),
      // A bulk action's parent: a line per child (its PG, operation, state).
      ...(d.children.length > 0 ? [['children', d.children.map((c) => `${c.protection_group_id ?? ''} ${c.id} ${c.type} ${c.status}${c.error ? `: ${c.error}` : ''}`)] as const] : []),
    ]);
  });
  op.command('cleanup <operation>')
    .description("remove the old primary's leftovers of a failover (its cleanup step again)")
    .option('--wait', 'follow the cleanup to its end')
    .action(async (id: string, o: { wait?: boolean }) => {
      const c = ctx();
      const site = c.primary();
      const r = await site.client.operations.cleanup(id);
      if (o.wait) await follow(c, site, r);
      process.stdout.write(`cleanup operation ${r.id}\n`);
    });
  op.command('resume <operation>')
    .description('resume a failed operation from the step where it stopped (an interrupted rollback goes on rolling back)')
    .option('--wait', 'follow the operation to its end')
    .action(async (id: string, o: { wait?: boolean }) => {
      const c = ctx();
      const site = c.primary();
      const r = await site.client.operations.resume(id);
      process.stdout.write(`resumed operation ${r.id} (${r.type}, ${r.status})\n`);
      if (o.wait) await follow(c, site, r);
    });
  for (const [decision, description] of [
    ['commit', 'keep a failover awaiting commit: replication is reversed and the failover finishes'],
    ['rollback', 'undo a failover awaiting commit: what came up goes, the source runs again as before'],
  ] as const) {
    op.command(`${decision} <operation>`)
      .description(description)
      .option('--wait', 'follow the operation to its end')
      .action(async (id: string, o: { wait?: boolean }) => {
        const c = ctx();
        const site = c.primary();
        const r = await site.client.operations[decision](id);
        process.stdout.write(`${decision === 'commit' ? 'committed' : 'rolling back'} operation ${r.id} (${r.type})\n`);
        if (!o.wait) return;
        const done = await follow(c, site, r);
        // Rolled back is what a rollback asked for: success, not the failure follow() reports it as.
        if (decision === 'rollback' && done.status === 'rolled_back') process.exitCode = 0;
      });
  }
  withOutput(op.command('cancel <operation>').description('cancel an operation no engine has started'), false).action(async (id: string, o: OutputOptions) => {
    printShow(o, fieldsOf(await ctx().primary().client.operations.cancel(id), ['steps']));
  });

  withOutput(program.command('health').description('replication health').command('show').description('per protection group: link, lag, RPO compliance, failover readiness, as of when the engine last read the arrays'), true).action(async (o: OutputOptions) => {
    const h = await ctx().primary().client.health.get();
    printList(o, [['Protection group', (x) => x.name], ['Status', (x) => x.status], ['Link', (x) => x.link], ['Lag (s)', (x) => x.lag_seconds], ['RPO (min)', (x) => x.rpo_minutes], ['RPO met', (x) => x.rpo_compliant], ['Failover ready', (x) => x.failover_ready], ['Reasons', (x) => x.reasons], ['Checked at', (x) => x.checked_at], ['Stale', (x) => x.stale]], h);
  });
}
