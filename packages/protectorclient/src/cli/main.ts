import { Command, CommanderError, Option } from 'commander';
import { isProtectorApiError, isProtectorUnreachable } from '../api/index.js';
import { CloudConfigError } from '../config/index.js';
import { DivergedError, PeerRequiredError, PeerUnreachableError } from '../coordinator/index.js';
import { OutputError } from '../output/format.js';
import { registerAdmin } from './commands/admin.js';
import { registerDr } from './commands/dr.js';
import { registerOperations } from './commands/operation.js';
import { registerPlans } from './commands/plan.js';
import { registerProtectionGroups } from './commands/protection-group.js';
import { registerRuns } from './commands/run.js';
import { CliContext, type GlobalOptions } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { wholeNumber } from './parse.js';

/** The `protector` command tree (DESIGN §9). */
export function buildProgram(env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('protector')
    .description('Protector: disaster recovery for OpenStack, coordinating both sites of a pair')
    .addOption(new Option('--os-cloud <name>', 'cloud (site) from clouds.yaml').env('OS_CLOUD'))
    .addOption(new Option('--secondary-cloud <name>', 'the peer site: every change is stored on both').env('OS_SECONDARY_CLOUD'))
    .option('--os-endpoint <url>', "Protector's URL on the --os-cloud site instead of the catalog's")
    .option('--secondary-endpoint <url>', "Protector's URL on the peer site instead of the catalog's")
    .option('--timeout <seconds>', 'per-request timeout', wholeNumber('--timeout', 1), 60)
    .option('--wait-timeout <seconds>', 'how long --wait follows an operation before it gives up (exit 6)', wholeNumber('--wait-timeout', 1), 3600)
    .option('--wait-unreachable <seconds>', 'how long --wait keeps polling a site that stopped answering (refused, reset, 502, 503, 504: a protector-api restarting), backing off up to 10 s between tries, before it gives up (exit 6)', wholeNumber('--wait-unreachable', 1), 300)
    .option('--debug', 'show the details of errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  let ctx: CliContext | undefined;
  const context = () => (ctx ??= new CliContext(program.opts<GlobalOptions>(), env));
  registerAdmin(program, context);
  registerProtectionGroups(program, context);
  registerDr(program, context);
  registerPlans(program, context);
  registerOperations(program, context);
  registerRuns(program, context);
  program
    .command('completion')
    .description('print a bash completion script: source <(protector completion)')
    .action(() => {
      process.stdout.write(completionScript(program));
    });
  for (const c of allCommands(program)) c.exitOverride();
  return program;
}

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((x) => [x, ...allCommands(x)]);
}

/** Words for bash completion: the command tree and each command's options. */
function completionScript(program: Command): string {
  const top = program.commands.map((c) => c.name()).join(' ');
  const cases = program.commands
    .map((c) => `    ${c.name()}) words="${[...c.commands.map((s) => s.name()), ...c.options.map((o) => o.long ?? '')].join(' ')} --help";;`)
    .join('\n');
  return `# protector bash completion
_protector() {
  local cur words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "\${COMP_CWORD}" -eq 1 ]; then words="${top} --os-cloud --secondary-cloud --debug --help"; else
  case "\${COMP_WORDS[1]}" in
${cases}
    *) words="--help";;
  esac; fi
  COMPREPLY=( $(compgen -W "\${words}" -- "\${cur}") )
}
complete -F _protector protector
`;
}

/** One line for people, the exit code for scripts; the whole error with --debug. */
export function explain(err: unknown, debug: boolean): { message: string; code: number } {
  if (err instanceof CommanderError) return { message: '', code: err.exitCode === 0 ? EXIT.ok : EXIT.usage };
  if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? err.message}\n`);
  if (err instanceof PeerUnreachableError) return { message: err.message, code: EXIT.peerUnreachable };
  if (err instanceof PeerRequiredError) return { message: err.message, code: EXIT.usage };
  if (err instanceof CliError) return { message: err.message, code: err.exitCode };
  if (err instanceof OutputError || err instanceof CloudConfigError) return { message: err.message, code: EXIT.usage };
  if (err instanceof DivergedError) return { message: err.message, code: EXIT.error };
  if (isProtectorApiError(err)) return { message: `${err.site ? `${err.site}: ` : ''}${err.message} (HTTP ${err.status}${err.requestId ? `, request ${err.requestId}` : ''})`, code: EXIT.error };
  if (isProtectorUnreachable(err)) return { message: err.message, code: EXIT.error };
  return { message: err instanceof Error ? err.message : String(err), code: EXIT.error };
}

export async function main(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(env);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    const { message, code } = explain(err, program.opts<GlobalOptions>().debug === true);
    if (message) process.stderr.write(`protector: ${message}\n`);
    return code;
  }
}
