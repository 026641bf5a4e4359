import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ReportUser, RunReport } from '../../api/index.js';
import type { Cell } from '../../output/format.js';
import type { CliContext } from '../context.js';
import { fieldsOf, printList, printShow, withOutput, type OutputOptions } from '../render.js';

const who = (u: ReportUser): string => (u.user_name ? `${u.user_name} (${u.user_id})` : u.user_id);

/** The report's summary, one field a line: who, when, the plan, RTO and RPO, the tiers, waits and errors. */
function summary(r: RunReport): [string, Cell][] {
  const pgName = (id: string | null) => (id === null ? null : (r.protection_groups.find((p) => p.protection_group_id === id)?.name ?? id));
  return [
    ['operation', r.operation_id],
    ['type', r.type],
    ['mode', r.mode],
    ['status', r.status],
    ['plan', r.plan && `${r.plan.name} (version ${r.plan.version})`],
    ['started_by', who(r.started_by)],
    ['request_id', r.request_id],
    ['requested_at', r.requested_at],
    ['started_at', r.started_at],
    ['finished_at', r.finished_at],
    ['rto_seconds', r.rto_seconds],
    ['rpo_seconds', r.rpo_seconds],
    ...(r.tiers.length > 0 ? [['tiers', r.tiers.map((t) => `${t.number} ${t.name}: ${t.status}${t.released_at ? `, released ${t.released_at}` : ''}${t.finished_at ? `, ended ${t.finished_at}` : ''}`)] as [string, Cell]] : []),
    ...(r.waits.length > 0
      ? [
          [
            'waits',
            r.waits.map((w) => `${w.kind} after ${w.after_tier}: ${w.status}${w.kind === 'delay' && w.seconds !== null ? `, ${w.seconds} s` : ''}${w.approval ? `, approved by ${who(w.approval.by)} at ${w.approval.at}${w.approval.comment ? ` (${w.approval.comment})` : ''}` : ''}`),
          ] as [string, Cell],
        ]
      : []),
    ['errors', r.errors.map((e) => `${[pgName(e.protection_group_id), e.step, e.server].filter(Boolean).join(' / ') || 'run'}: ${e.message}`)],
  ];
}

const COLUMNS = ['Tier', 'Protection group', 'Operation', 'Status', 'RPO (s)', 'RTO (s)', 'Server', 'Source server', 'Target server', 'Requested', 'Active', 'Addresses', 'Error'] as const;

/** A row per server of each protection group (one for a group without servers); the group's own fields on its first row. */
function rows(r: RunReport): Cell[][] {
  return r.protection_groups.flatMap((p) => {
    const name = `${p.name ?? p.protection_group_id}${p.revert_of ? ' (moved back)' : ''}`;
    const head: Cell[] = [p.tier, name, `${p.operation_id} (${p.type})`, p.status, p.rpo_seconds, p.rto_seconds];
    const blank: Cell[] = [p.tier, name, null, null, null, null];
    if (p.servers.length === 0) return [[...head, null, null, null, null, null, null, p.error]];
    return p.servers.map((s, i) => [
      ...(i === 0 ? head : blank),
      s.name,
      s.source_server_id,
      s.target_server_id,
      s.requested_at,
      s.active_at,
      s.addresses.map((a) => a.ips.join(', ') + (a.same_ip ? '' : ` (was ${a.requested_ips.join(', ')})`)),
      s.error ?? (i === 0 && !p.servers.some((x) => x.error) ? p.error : null),
    ]);
  });
}

/** `run report`: what a recovery plan run, a bulk action or a single action achieved. */
export function registerRuns(program: Command, ctx: () => CliContext): void {
  const run = program.command('run').description('recovery plan runs and actions, after the fact: their reports');
  withOutput(
    run
      .command('report <run>')
      .description(
        'the run report of an operation (a plan run, a bulk action or a single action): who started it and when, per protection group and server the times, addresses and errors, the achieved RTO (request to the last server ACTIVE) and RPO (recovery point age at the start); table: a summary, then a row per protection group and server; json/yaml: the whole report',
      )
      .option('--html <file>', 'write the printable HTML page of the report to FILE instead (- for standard output)'),
    false,
  ).action(async (id: string, o: OutputOptions & { html?: string }) => {
    const client = ctx().primary().client;
    if (o.html !== undefined) {
      const page = await client.operations.reportHtml(id);
      if (o.html === '-') process.stdout.write(page);
      else {
        writeFileSync(o.html, page);
        process.stdout.write(`report of operation ${id} written to ${o.html}\n`);
      }
      return;
    }
    const r = await client.operations.report(id);
    if (o.format === 'json' || o.format === 'yaml') return printShow(o, fieldsOf(r));
    printShow({ format: o.format }, summary(r));
    if (o.format !== 'value') process.stdout.write('\n');
    printList(o, COLUMNS.map((c, i) => [c, (x: Cell[]) => x[i]] as const), rows(r));
  });
}
