/**
 * The parsed form of an oslo.policy rule string, and its canonical printed form.
 *
 * Checks keep the text they were written with (`raw`) so that printing a parsed rule gives back
 * what the operator wrote, modulo whitespace and redundant parentheses.
 */

/** One piece of a `%(key)s` template: literal text, or a target key to substitute. */
export type TemplatePart = { readonly text: string } | { readonly key: string };

/** The right-hand side of a check: `admin`, `%(project_id)s`, or a quoted literal. */
export interface Template {
  readonly raw: string;
  readonly parts: readonly TemplatePart[];
}

/** The left-hand side of a generic check: a credential path, or a Python-style literal. */
export interface CheckKey {
  readonly raw: string;
  /** Set when the key is a literal (`'Member'`, `True`, `42`): its Python `str()` value. */
  readonly literal?: string;
}

export type Rule =
  /** `@` or the empty rule. */
  | { readonly kind: 'always' }
  /** `!`. */
  | { readonly kind: 'never' }
  /** `role:NAME`: the caller holds the role (case-insensitive). */
  | { readonly kind: 'role'; readonly match: Template }
  /** `rule:NAME`: another rule of the same policy. */
  | { readonly kind: 'rule'; readonly name: string }
  /** `key:value`: a credential (or literal) equals the value after substitution. */
  | { readonly kind: 'generic'; readonly key: CheckKey; readonly match: Template }
  | { readonly kind: 'not'; readonly rule: Rule }
  | { readonly kind: 'and'; readonly rules: readonly Rule[] }
  | { readonly kind: 'or'; readonly rules: readonly Rule[] };

/**
 * Prints a rule in oslo.policy syntax with the fewest parentheses that keep its meaning
 * (`not` binds tighter than `and`, which binds tighter than `or`).
 */
export function printRule(rule: Rule): string {
  switch (rule.kind) {
    case 'always':
      return '@';
    case 'never':
      return '!';
    case 'role':
      return `role:${rule.match.raw}`;
    case 'rule':
      return `rule:${rule.name}`;
    case 'generic':
      return `${rule.key.raw}:${rule.match.raw}`;
    case 'not': {
      const inner = printRule(rule.rule);
      return rule.rule.kind === 'and' || rule.rule.kind === 'or' ? `not (${inner})` : `not ${inner}`;
    }
    case 'and':
      return rule.rules.map((r) => (r.kind === 'or' ? `(${printRule(r)})` : printRule(r))).join(' and ');
    case 'or':
      return rule.rules.map(printRule).join(' or ');
  }
}

/** Names of the rules a rule refers to with `rule:NAME`, in order of appearance. */
export function referencedRules(rule: Rule): string[] {
  switch (rule.kind) {
    case 'rule':
      return [rule.name];
    case 'not':
      return referencedRules(rule.rule);
    case 'and':
    case 'or':
      return rule.rules.flatMap(referencedRules);
    default:
      return [];
  }
}
