import type { Command } from 'commander';
import { EXIT } from './exit-codes.js';

const EXIT_TEXT: Record<keyof typeof EXIT, string> = {
  ok: 'success',
  error: 'an error: the API refused the request, a resource was not found, a site could not be asked, pre-checks found blockers (`--dry-run`)',
  usage: 'bad usage: unknown command or option, a malformed argument or format, a clouds.yaml problem, a change without `--secondary-cloud`',
  operationFailed: 'an operation followed with `--wait` ended failed, rolled_back or cancelled',
  operationPartial: 'an operation followed with `--wait` ended partial (some servers did not come up)',
  peerUnreachable: 'a change was refused because the peer site does not answer; nothing changed on either site',
  waitAbandoned:
    "`--wait` stopped following an operation that had not finished: the site running it did not answer for `--wait-unreachable` seconds, or `--wait-timeout` ran out. The operation may go on there; the message names it, the command to follow it (`protector operation show ID`) and the one to store its result on both sites once it has finished (`protector protection-group sync PG`)",
};

function usage(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x; x = x.parent) names.unshift(x.name());
  return `${names.join(' ')} ${c.usage()}`.trim();
}

function section(c: Command, depth: number): string[] {
  const out: string[] = [];
  if (depth > 0) {
    out.push(`${'#'.repeat(Math.min(depth + 2, 4))} \`${usage(c).replace(/ \[options\]$/, '')}\``, '', c.description(), '');
    const opts = c.options.filter((o) => o.long !== '--help');
    const args = c.registeredArguments;
    if (c.commands.length === 0) {
      out.push('```', usage(c), '```', '');
      if (args.length || opts.length) {
        out.push('| argument / option | meaning |', '|---|---|');
        for (const a of args) out.push(`| \`${a.name()}\` | ${a.description || (a.required ? 'required' : 'optional')} |`);
        for (const o of opts) out.push(`| \`${o.flags}\` | ${o.description}${o.defaultValue !== undefined ? ` (default: ${String(o.defaultValue)})` : ''} |`);
        out.push('');
      }
    }
  }
  for (const sub of c.commands) out.push(...section(sub, depth + 1));
  return out;
}

/** docs/cli.md: the command reference, generated from the command definitions (a test keeps it current). */
export function cliReference(program: Command): string {
  const globals = program.options.filter((o) => o.long !== '--help' && o.long !== '--version');
  return [
    '# The `protector` command',
    '',
    '<!-- Generated from packages/protectorclient/src/cli (regenerate: UPDATE_DOCS=1 node --import tsx --test packages/protectorclient/test/unit/cli-reference.test.ts) -->',
    '',
    program.description(),
    '',
    'Clouds come from `clouds.yaml` and `secure.yaml` (`./`, `~/.config/openstack/`, `/etc/openstack/`, or `OS_CLIENT_CONFIG_FILE`) or the `OS_*` variables, as for the `openstack` client. `--os-cloud` names the site a command talks to; `--secondary-cloud` its peer: every change is applied on the first, then its metadata is stored on the peer and acknowledged (DESIGN §5), and a change is refused when the peer does not answer, except `failover --unplanned`: protection groups and the admin changes alike (`site create|delete`, `tenant-mapping create|delete`). Recovery plans are kept alike on both sites the same way (`plan create|update|delete` are refused when the peer does not answer); `plan run` goes to the one site every protection group of the plan runs on. Names are accepted wherever ids are (`site show|delete|validate|list-volume-types`, `--remote-site`, a protection group, a recovery plan, the server of `member add`, looked up in the project on the current primary). DR actions are sent to the site that brings the workload up, whichever of the two you name first. Lists print with `-f table|json|yaml|value|csv` and `-c COLUMN` (machine formats end with a newline; notes go to stderr).',
    '',
    'Every command below is also `openstack dr …` (and `openstack protector …`) with the OpenStack client plugin, which runs this command for each: see [osc-plugin.md](osc-plugin.md).',
    '',
    '`--wait` follows an operation with its steps live on stderr (a task tree in a terminal; otherwise one line per step change, and a "still running" line every 15 s without news). When the site running it stops answering (refused or reset connections, 502, 503, 504: a protector-api restarting) it says so once, keeps polling with back-off (up to 10 s apart) for `--wait-unreachable` seconds and says when the site answers again; giving up, or `--wait-timeout` running out, exits 6 naming the operation, `protector operation show ID` to follow it and `protector protection-group sync PG` to store its result on both sites. Whatever the operation ended as (completed, failed, partial, rolled_back, cancelled), its document is then stored on the peer, or the command to run once the peer answers is named.',
    '',
    'An action started without `--wait` changes its site\'s copy of the protection group after the command has ended. The next command touching the PG with both sites named (`protection-group show|list|delete`, `member`, `policy`, `mapping`, `recovery-point`, the DR actions) stores that copy on the other site first, once no operation runs on either, and says so on stderr (`stored the document of operation ID (TYPE, STATUS), version N, from SITE on SITE`); `protection-group sync-status` only says what is pending.',
    '',
    '## Global options',
    '',
    '| option | meaning |',
    '|---|---|',
    ...globals.map((o) => `| \`${o.flags}\` | ${o.description}${o.envVar ? ` (env \`${o.envVar}\`)` : ''}${o.defaultValue !== undefined ? ` (default: ${String(o.defaultValue)})` : ''} |`),
    '',
    '## Exit codes',
    '',
    '| code | meaning |',
    '|---|---|',
    ...(Object.keys(EXIT) as (keyof typeof EXIT)[]).map((k) => `| ${EXIT[k]} | ${EXIT_TEXT[k]} |`),
    '',
    '## Commands',
    '',
    ...section(program, 0),
  ].join('\n');
}
