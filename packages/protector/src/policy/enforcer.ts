/**
 * The policy enforcer: defaults in code, overrides from `[oslo_policy] policy_file`, reloaded
 * when the file changes. Framework-independent; the API layer calls `enforce()` per request.
 */
import { readFileSync, statSync } from 'node:fs';
import { printRule, type Rule } from './ast.js';
import { evaluate, type Credentials, type Target } from './checks.js';
import { DEFAULT_POLICIES, type PolicyDefault, type PolicyOperation } from './defaults.js';
import { PolicyConfigError, PolicyNotAuthorized, PolicyNotRegistered, type PolicyIssue } from './errors.js';
import { parsePolicyDocument } from './policy-file.js';
import { compilePolicy } from './rules.js';

export interface EnforcerOptions {
  /** Registered defaults; Protector's by default. */
  readonly defaults?: readonly PolicyDefault[];
  /** policy.yaml (or .json). A file that does not exist means "no overrides", as in oslo.policy. */
  readonly policyFile?: string;
  /**
   * Rule used for actions that have no rule at all (oslo's `policy_default_rule`). When it is not
   * defined either, such actions are denied.
   */
  readonly defaultRule?: string;
  /** Called when a changed policy file is invalid; the previous rules stay in force. */
  readonly onReloadError?: (error: Error) => void;
}

/** One row of `protector-manage policy list`. */
export interface EffectiveRule {
  readonly name: string;
  /** The rule in force, printed canonically. */
  readonly rule: string;
  readonly default?: string;
  readonly overridden: boolean;
  readonly registered: boolean;
  readonly description: string;
  readonly operations: readonly PolicyOperation[];
}

interface LoadedPolicy {
  readonly rules: ReadonlyMap<string, Rule>;
  readonly overrides: ReadonlyMap<string, string>;
  readonly warnings: readonly PolicyIssue[];
}

const NO_FILE = 'absent';

/** Decisions remembered per caller; past this a caller's are dropped and taken anew. */
export const DECISIONS_PER_CALLER = 256;

/** An action and target as one key; lengths make it unambiguous whatever the values hold. */
function decisionKey(action: string, target: Target): string {
  let key = `${action.length}:${action}`;
  for (const k in target) {
    const v = target[k];
    const s = String(v);
    key += `|${k.length}:${k}${typeof v}${s.length}:${s}`;
  }
  return key;
}

export class Enforcer {
  readonly policyFile: string | undefined;
  private readonly defaults: ReadonlyMap<string, PolicyDefault>;
  private readonly defaultRule: string;
  private readonly onReloadError: ((error: Error) => void) | undefined;
  private loaded: LoadedPolicy;
  private fileVersion: string | undefined;
  /** Decisions per caller (authorizeCaller), for the rules loaded now: replaced when they change. */
  private decisions = new WeakMap<object, Map<string, boolean>>();
  /** Why the policy file's latest version was rejected; undefined once a version loads. */
  lastReloadError: Error | undefined;

  /** Throws PolicyConfigError when the defaults or the policy file are invalid. */
  constructor(options: EnforcerOptions = {}) {
    const defaults = options.defaults ?? DEFAULT_POLICIES;
    this.defaults = new Map(defaults.map((d) => [d.name, d]));
    this.policyFile = options.policyFile;
    this.defaultRule = options.defaultRule ?? 'default';
    this.onReloadError = options.onReloadError;
    this.fileVersion = this.currentFileVersion();
    this.loaded = this.load(this.fileVersion);
  }

  /** Throws PolicyNotAuthorized, naming the action, unless the caller may perform it. */
  enforce(action: string, target: Target, creds: Credentials): void {
    if (!this.check(action, target, creds)) throw new PolicyNotAuthorized(action);
  }

  /** Like enforce(), but refuses actions without a registered default, to catch typos in code. */
  authorize(action: string, target: Target, creds: Credentials): void {
    if (!this.defaults.has(action)) throw new PolicyNotRegistered(action);
    this.enforce(action, target, creds);
  }

  /**
   * authorize() for a caller whose credentials stay the same while `caller` lives (a validated
   * token's context, reused from the token cache): the decision for an action and target is
   * taken once per caller and rules in force, then looked up. A request checks its route's rule
   * before the body is read and again in the handler, and a token's requests repeat the same few
   * checks, so evaluating the rule each time was most of the cost of enforcing it. The policy
   * file is still looked at on every call; a changed file drops every remembered decision.
   */
  authorizeCaller(caller: object, action: string, target: Target, creds: () => Credentials): void {
    if (!this.defaults.has(action)) throw new PolicyNotRegistered(action);
    this.reloadIfChanged();
    let known = this.decisions.get(caller);
    if (!known) {
      known = new Map();
      this.decisions.set(caller, known);
    }
    const key = decisionKey(action, target);
    let allowed = known.get(key);
    if (allowed === undefined) {
      allowed = this.decide(action, target, creds());
      if (known.size >= DECISIONS_PER_CALLER) known.clear();
      known.set(key, allowed);
    }
    if (!allowed) throw new PolicyNotAuthorized(action);
  }

  /** Whether the caller may perform the action; never throws for a refusal. */
  check(action: string, target: Target, creds: Credentials): boolean {
    this.reloadIfChanged();
    return this.decide(action, target, creds);
  }

  private decide(action: string, target: Target, creds: Credentials): boolean {
    const { rules } = this.loaded;
    const rule = rules.get(action) ?? rules.get(this.defaultRule);
    return rule !== undefined && evaluate(rule, target, creds, (name) => rules.get(name));
  }

  /** Re-reads the policy file if its modification time or size changed since the last read. */
  reloadIfChanged(): void {
    const version = this.currentFileVersion();
    if (version === this.fileVersion) return;
    this.fileVersion = version;
    try {
      this.loaded = this.load(version);
      this.decisions = new WeakMap();
    } catch (e) {
      // Keep enforcing the last good policy: a typo must not take the API down or open it up.
      const error = e instanceof Error ? e : new Error(String(e));
      this.lastReloadError = error;
      this.onReloadError?.(error);
      return;
    }
    this.lastReloadError = undefined;
  }

  isRegistered(action: string): boolean {
    return this.defaults.has(action);
  }

  /** Non-fatal findings about the loaded policy file (unregistered names, redundant overrides). */
  get warnings(): readonly PolicyIssue[] {
    return this.loaded.warnings;
  }

  /** Registered rules in registration order, then rules only the policy file defines. */
  listRules(): EffectiveRule[] {
    this.reloadIfChanged();
    const { rules, overrides } = this.loaded;
    const rows: EffectiveRule[] = [];
    for (const d of this.defaults.values()) {
      const rule = rules.get(d.name);
      rows.push({
        name: d.name,
        rule: rule === undefined ? d.check_str : printRule(rule),
        default: d.check_str,
        overridden: overrides.has(d.name),
        registered: true,
        description: d.description,
        operations: d.operations,
      });
    }
    for (const [name, text] of overrides) {
      if (this.defaults.has(name)) continue;
      const rule = rules.get(name);
      rows.push({ name, rule: rule === undefined ? text : printRule(rule), overridden: true, registered: false, description: '', operations: [] });
    }
    return rows;
  }

  private load(version: string | undefined): LoadedPolicy {
    const file = this.policyFile;
    const doc =
      file === undefined || version === NO_FILE ? { overrides: new Map<string, string>(), issues: [] } : parsePolicyDocument(readFileSync(file, 'utf8'), file);
    const compiled = compilePolicy([...this.defaults.values()], doc.overrides);
    const issues = [...doc.issues, ...compiled.issues];
    const errors = issues.filter((i) => i.severity === 'error');
    if (errors.length > 0) throw new PolicyConfigError(file ?? 'the policy defaults', errors);
    return { rules: compiled.rules, overrides: doc.overrides, warnings: issues };
  }

  /** oslo.policy reloads on mtime; size is added to catch two writes within one mtime tick. */
  private currentFileVersion(): string | undefined {
    if (this.policyFile === undefined) return undefined;
    const st = statSync(this.policyFile, { throwIfNoEntry: false });
    return st === undefined ? NO_FILE : `${st.mtimeMs}:${st.size}`;
  }
}
