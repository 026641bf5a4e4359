/**
 * What `protector-manage config sample` and `protector-manage config check FILE...` do; the
 * command wiring lives with the protector-manage binary. Each returns the text to print on
 * standard output and the process exit code.
 */
import type { CommandResult } from '../manage/result.js';
import { checkConfig } from './check.js';
import { formatProblem, hasErrors } from './problems.js';
import { sampleConfig } from './sample.js';
import type { ConfigSources } from './sources.js';

export type { CommandResult };

export function configSample(): CommandResult {
  return { output: sampleConfig(), exitCode: 0 };
}

/**
 * One line per problem (`FILE:LINE [section] key: severity: message`); exit 1 if any is an
 * error, else 0 and a final "OK" line (with the warning count when there are warnings).
 * Files are read in the order given, later ones overriding earlier ones, as the services read them.
 */
export function configCheck(files: readonly string[], dirs: readonly string[] = []): CommandResult {
  if (files.length === 0 && dirs.length === 0) return { output: 'config check: no configuration file given\n', exitCode: 2 };
  const sources: ConfigSources = { files, dirs };
  const problems = checkConfig(sources);
  const lines = problems.map(formatProblem);
  if (hasErrors(problems)) return { output: `${lines.join('\n')}\n`, exitCode: 1 };
  const warnings = problems.length;
  lines.push(warnings ? `OK (${warnings} warning${warnings === 1 ? '' : 's'})` : 'OK');
  return { output: `${lines.join('\n')}\n`, exitCode: 0 };
}
