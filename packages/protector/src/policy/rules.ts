/**
 * Builds the effective rule set from the defaults in code and the operator's overrides, and
 * reports what is wrong with it rule by rule: syntax errors, `rule:` references to rules that do
 * not exist, and reference cycles (which would otherwise recurse forever at enforcement time).
 */
import { printRule, referencedRules, type Rule } from './ast.js';
import type { PolicyDefault } from './defaults.js';
import { PolicySyntaxError, type PolicyIssue } from './errors.js';
import { parseRule } from './parser.js';

export interface CompiledPolicy {
  /** Every rule that parsed, by name: defaults overlaid with overrides. */
  readonly rules: ReadonlyMap<string, Rule>;
  readonly issues: readonly PolicyIssue[];
}

/**
 * Compiles defaults plus overrides. Overrides for names without a default are kept (they may be
 * helper rules that others refer to) but reported as warnings, as they are often typos.
 */
export function compilePolicy(defaults: readonly PolicyDefault[], overrides: ReadonlyMap<string, string>): CompiledPolicy {
  const issues: PolicyIssue[] = [];
  const registered = new Map(defaults.map((d) => [d.name, d]));
  const sources = new Map<string, string>(defaults.map((d) => [d.name, d.check_str]));
  for (const [name, text] of overrides) {
    sources.set(name, text);
    const def = registered.get(name);
    if (def === undefined) {
      issues.push({ rule: name, kind: 'unregistered', severity: 'warning', message: 'is not a registered policy (a typo, or a helper rule?)' });
    } else if (sameRule(def.check_str, text)) {
      issues.push({ rule: name, kind: 'redundant', severity: 'warning', message: 'is the same as the default and can be removed' });
    }
  }

  const rules = new Map<string, Rule>();
  for (const [name, text] of sources) {
    try {
      rules.set(name, parseRule(text));
    } catch (e) {
      if (!(e instanceof PolicySyntaxError)) throw e;
      issues.push({ rule: name, kind: 'syntax', severity: 'error', message: `${e.message} in "${text}"` });
    }
  }
  for (const [name, rule] of rules) {
    for (const ref of new Set(referencedRules(rule))) {
      if (!sources.has(ref)) issues.push({ rule: name, kind: 'unknown_rule', severity: 'error', message: `refers to rule:${ref}, which is not defined` });
    }
  }
  issues.push(...findCycles(rules));
  return { rules, issues };
}

function sameRule(a: string, b: string): boolean {
  try {
    return printRule(parseRule(a)) === printRule(parseRule(b));
  } catch {
    return false;
  }
}

/** One issue per cycle, on the first rule of the cycle reached, naming the whole loop. */
function findCycles(rules: ReadonlyMap<string, Rule>): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (name: string): void => {
    const at = onPath.indexOf(name);
    if (at >= 0) {
      const loop = [...onPath.slice(at), name];
      issues.push({ rule: name, kind: 'cycle', severity: 'error', message: `rules refer to each other in a cycle: ${loop.join(' -> ')}` });
      return;
    }
    const rule = rules.get(name);
    if (done.has(name) || rule === undefined) return;
    onPath.push(name);
    for (const ref of new Set(referencedRules(rule))) visit(ref);
    onPath.pop();
    done.add(name);
  };
  for (const name of rules.keys()) visit(name);
  return issues;
}
