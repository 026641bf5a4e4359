#!/usr/bin/env node
import { configCheck, configSample, loadConfig, policyFilePath } from '../config/index.js';
import { Option } from 'commander';
import { dbSync, dbVersion } from '../manage/db.js';
import { LIST_FORMATS, type ListFormat } from '../manage/format.js';
import { serviceDelete, serviceList } from '../manage/services.js';
import type { CommandResult } from '../manage/result.js';
import { policyCheckCommand, policyListCommand, policySampleCommand } from '../policy/index.js';
import { serviceCommand, sourcesOf } from '../service/cli.js';

const program = serviceCommand('protector-manage', 'Administration of a Protector site: database, services, configuration, policy.');
const sources = () => sourcesOf(program);

/** Prints a command's output and ends the process with its status; errors become one line, no stack. */
async function run(fn: () => CommandResult | Promise<CommandResult>): Promise<void> {
  try {
    const r = await fn();
    process.stdout.write(r.output);
    process.exitCode = r.exitCode;
  } catch (err) {
    process.stderr.write(`protector-manage: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

const db = program.command('db').description('the database schema');
db.command('sync').description('apply pending migrations (safe to run again)').action(() => run(() => dbSync(loadConfig(sources()).database.connection)));
db.command('version').description('show the applied and the latest schema version').action(() => run(() => dbVersion(loadConfig(sources()).database.connection)));

const service = program.command('service').description('the protector-engine and protector-api processes and their heartbeats');
service
  .command('list')
  .description('every process that reported a heartbeat: up, or down once its heartbeat is older than [DEFAULT] service_down_time')
  .addOption(new Option('-f, --format <format>', 'output format').choices(LIST_FORMATS).default('table'))
  .action((o: { format: ListFormat }) => run(() => serviceList(loadConfig(sources()), o.format)));
service
  .command('delete <id>')
  .description('forget a process that is down for good (refused while it is up)')
  .action((id: string) => run(() => serviceDelete(loadConfig(sources()), id)));

const config = program.command('config').description('the configuration file');
config.command('sample').description('print a commented sample protector.conf').action(() => run(() => configSample()));
config
  .command('check [files...]')
  .description('report every problem in the given files (default: the --config-file/--config-dir set)')
  .action((files: string[]) => run(() => (files.length ? configCheck(files) : configCheck(sources().files ?? [], sources().dirs ?? []))));

const policy = program.command('policy').description('the API access policy');
policy.command('list').description('every rule in force, with overrides from the policy file').action(() => run(() => policyListCommand({ policyFile: policyFilePath(loadConfig(sources())) })));
policy.command('sample').description('print the defaults as a commented policy.yaml').action(() => run(() => policySampleCommand()));
policy
  .command('check [file]')
  .description('validate a policy override file (default: [oslo_policy] policy_file)')
  .action((file?: string) => run(() => policyCheckCommand(file ?? policyFilePath(loadConfig(sources())))));

await program.parseAsync();
