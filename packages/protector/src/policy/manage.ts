/**
 * `protector-manage policy …` subcommands as plain functions returning the text to print and the
 * exit status; the bin wires them to the command line.
 */
import { readFileSync } from 'node:fs';
import type { CommandResult } from '../manage/result.js';
import { DEFAULT_POLICIES, type PolicyDefault } from './defaults.js';
import { Enforcer } from './enforcer.js';
import { formatIssue, PolicyConfigError, PolicyFileError, type PolicyIssue } from './errors.js';
import { parsePolicyDocument } from './policy-file.js';
import { compilePolicy } from './rules.js';
import { policyList, policySample } from './sample.js';

/** What the command prints on standard output, and its exit status (0 success; 1 the policy is invalid). */
export type ManageResult = CommandResult;

export interface PolicyCommandOptions {
  readonly policyFile?: string;
  readonly defaults?: readonly PolicyDefault[];
}

/** `policy list`: every rule in force, with the overrides from the policy file applied. */
export function policyListCommand(options: PolicyCommandOptions = {}): ManageResult {
  try {
    const enforcer = new Enforcer({ policyFile: options.policyFile, defaults: options.defaults });
    return { output: policyList(enforcer.listRules()), exitCode: 0 };
  } catch (e) {
    if (e instanceof PolicyConfigError || e instanceof PolicyFileError) return { output: `${e.message}\n`, exitCode: 1 };
    throw e;
  }
}

/** `policy sample`: the defaults as a commented-out policy.yaml. */
export function policySampleCommand(options: PolicyCommandOptions = {}): ManageResult {
  return { output: policySample(options.defaults ?? DEFAULT_POLICIES), exitCode: 0 };
}

/**
 * `policy check FILE`: syntax errors, references to undefined rules and cycles are errors (exit
 * 1); names that are not registered policies and overrides equal to the default are warnings.
 */
export function policyCheckCommand(file: string, options: PolicyCommandOptions = {}): ManageResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { output: `ERROR: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`, exitCode: 1 };
  }
  let issues: PolicyIssue[];
  let count: number;
  try {
    const doc = parsePolicyDocument(text, file);
    count = doc.overrides.size + doc.issues.length;
    issues = [...doc.issues, ...compilePolicy(options.defaults ?? DEFAULT_POLICIES, doc.overrides).issues];
  } catch (e) {
    if (e instanceof PolicyFileError) return { output: `ERROR: ${e.message}\n`, exitCode: 1 };
    throw e;
  }
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const lines = issues.map(formatIssue);
  lines.push(`${file}: ${count} rule${count === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return { output: lines.join('\n') + '\n', exitCode: errors > 0 ? 1 : 0 };
}
