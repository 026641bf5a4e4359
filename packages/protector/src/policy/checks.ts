/**
 * Evaluation of parsed rules against a caller's credentials and the target of the request, with
 * oslo.policy's semantics: values are compared as Python `str()` would print them, a target key
 * missing from a `%(key)s` substitution or a credential missing from a generic check fails the
 * check, and a list-valued credential matches when any element does.
 */
import type { Rule, Template } from './ast.js';

/** What the API layer knows about the caller, from the validated Keystone token. */
export interface Credentials {
  readonly user_id: string;
  readonly project_id: string;
  readonly domain_id?: string;
  /** Effective role names, implied roles included (Keystone puts `reader` in a member's token). */
  readonly roles: readonly string[];
  readonly is_admin?: boolean;
  readonly system_scope?: string;
}

export type TargetValue = string | number | boolean | null | undefined;

/** The object acted on, flattened: `{ project_id }`, or `{ 'target.site.id': … }`. */
export type Target = Readonly<Record<string, TargetValue>>;

/** Looks up `rule:NAME` references; undefined for a rule that does not exist. */
export type RuleResolver = (name: string) => Rule | undefined;

export function evaluate(rule: Rule, target: Target, creds: Credentials, resolve: RuleResolver): boolean {
  switch (rule.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'not':
      return !evaluate(rule.rule, target, creds, resolve);
    case 'and':
      return rule.rules.every((r) => evaluate(r, target, creds, resolve));
    case 'or':
      return rule.rules.some((r) => evaluate(r, target, creds, resolve));
    case 'rule': {
      const referenced = resolve(rule.name);
      return referenced !== undefined && evaluate(referenced, target, creds, resolve);
    }
    case 'role': {
      const wanted = substitute(rule.match, target)?.toLowerCase();
      return wanted !== undefined && creds.roles.some((r) => r.toLowerCase() === wanted);
    }
    case 'generic': {
      const wanted = substitute(rule.match, target);
      if (wanted === undefined) return false;
      if (rule.key.literal !== undefined) return rule.key.literal === wanted;
      return credentialMatches(creds, rule.key.raw.split('.'), wanted);
    }
  }
}

/** Fills `%(key)s` from the target; undefined when a key is missing. */
export function substitute(template: Template, target: Target): string | undefined {
  let out = '';
  for (const part of template.parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const value = Object.hasOwn(target, part.key) ? target[part.key] : undefined;
    if (value === undefined) return undefined;
    out += pyStr(value);
  }
  return out;
}

function credentialMatches(value: unknown, path: readonly string[], wanted: string): boolean {
  if (Array.isArray(value)) return value.some((v: unknown) => credentialMatches(v, path, wanted));
  const [head, ...rest] = path;
  if (head === undefined) return isScalar(value) && pyStr(value) === wanted;
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, head)) return false;
  const next: unknown = (value as Record<string, unknown>)[head];
  return next !== undefined && credentialMatches(next, rest, wanted);
}

const isScalar = (v: unknown): v is string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Python's `str()` of a JSON-ish scalar, which is what oslo.policy compares. */
export function pyStr(value: string | number | boolean | null): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}
