/**
 * Reading policy.yaml: a mapping of rule name to rule string. JSON is accepted too, as by
 * oslo.policy (a `.json` file is parsed as JSON; anything else as YAML, which reads JSON as well).
 */
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyFileError, type PolicyIssue } from './errors.js';

export interface PolicyDocument {
  readonly overrides: ReadonlyMap<string, string>;
  /** Entries whose value is not a rule string; they are left out of `overrides`. */
  readonly issues: readonly PolicyIssue[];
}

/** Parses the text of a policy file; `file` names it in errors and picks JSON or YAML. */
export function parsePolicyDocument(text: string, file: string): PolicyDocument {
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new PolicyFileError(file, e instanceof Error ? e.message : String(e));
  }
  // An empty file (or one holding only comments, like the generated sample) overrides nothing.
  if (data === null || data === undefined) return { overrides: new Map(), issues: [] };
  if (typeof data !== 'object' || Array.isArray(data)) throw new PolicyFileError(file, 'expected a mapping of rule names to rule strings');

  const overrides = new Map<string, string>();
  const issues: PolicyIssue[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (typeof value === 'string') {
      overrides.set(name, value);
    } else {
      // Refused rather than guessed: an empty value is easily meant as "deny", but "" allows all.
      const what = value === null ? 'empty' : Array.isArray(value) ? 'a list (the old list syntax is not supported)' : `a ${typeof value}`;
      issues.push({ rule: name, kind: 'invalid_value', severity: 'error', message: `value is ${what}; write the rule as a quoted string, e.g. "role:admin"` });
    }
  }
  return { overrides, issues };
}
