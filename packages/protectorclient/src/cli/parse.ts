import { InvalidArgumentError, Option, type Command } from 'commander';
import { CliError, EXIT } from './exit-codes.js';

/** An option's whole-number value of at least `min`; the error names the option (exit 2). */
export const wholeNumber = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}`);
  return n;
};

/** `--commit-window` and `--on-deadline` as given. */
export interface CommitWindowOptions {
  commitWindow?: number | 'default';
  onDeadline?: 'commit' | 'rollback';
}

/**
 * Adds `--commit-window SECONDS` and `--on-deadline commit|rollback` (failover, plan create,
 * update and run); `orDefault` also takes `--commit-window default` (null: the plan's policy
 * removed, so each mode's default applies).
 */
export function commitWindowOptions(cmd: Command, help: string, orDefault = false): Command {
  const seconds = wholeNumber('--commit-window', 0);
  return cmd
    .option(`--commit-window <${orDefault ? 'seconds|default' : 'seconds'}>`, help, (v: string) => (orDefault && v === 'default' ? 'default' : seconds(v)))
    .addOption(new Option('--on-deadline <decision>', 'what the commit window does when it ends, with --commit-window: commit (default) or rollback').choices(['commit', 'rollback']));
}

/** The window the options ask for: undefined when not given, null for `default`. */
export function commitWindowFrom(o: CommitWindowOptions): { seconds: number; on_deadline?: 'commit' | 'rollback' } | null | undefined {
  if (o.commitWindow === undefined) {
    if (o.onDeadline) throw new CliError('--on-deadline needs --commit-window', EXIT.usage);
    return undefined;
  }
  if (o.commitWindow === 'default') return null;
  return { seconds: o.commitWindow, ...(o.onDeadline ? { on_deadline: o.onDeadline } : {}) };
}
