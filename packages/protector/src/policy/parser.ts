/**
 * Parser for the oslo.policy rule language (the string form; the old list-of-lists form is not
 * supported). Grammar, loosest first:
 *
 *   or_expr  := and_expr ("or" and_expr)*
 *   and_expr := not_expr ("and" not_expr)*
 *   not_expr := "not" not_expr | "(" or_expr ")" | check
 *   check    := "@" | "!" | KIND ":" MATCH
 *
 * Keywords are case-insensitive, as in oslo.policy. Unlike oslo.policy, which turns a rule it
 * cannot understand into "never" and logs, every mistake here is an error with its position, so
 * a typo in policy.yaml is caught by `protector-manage policy check` instead of silently denying.
 */
import type { CheckKey, Rule, Template, TemplatePart } from './ast.js';
import { PolicySyntaxError } from './errors.js';

type Token =
  | { readonly type: '(' | ')'; readonly pos: number }
  | { readonly type: 'and' | 'or' | 'not'; readonly pos: number }
  | { readonly type: 'check'; readonly text: string; readonly pos: number };

const KEYWORDS = new Set(['and', 'or', 'not']);
const QUOTES = new Set([`'`, `"`]);

/** Parses one rule string. The empty (or blank) rule always passes, as in oslo.policy. */
export function parseRule(text: string): Rule {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'always' };
  const p = new Parser(tokens, text.length);
  const rule = p.orExpr();
  p.expectEnd();
  return rule;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c, pos: i++ });
    } else {
      const start = i;
      while (i < text.length && !/[\s()]/.test(text[i] as string)) {
        const ch = text[i] as string;
        if (QUOTES.has(ch)) {
          // Quoted literals may hold spaces and parentheses.
          const end = text.indexOf(ch, i + 1);
          if (end < 0) throw new PolicySyntaxError(`unterminated quote ${ch}`, i);
          i = end + 1;
        } else if (ch === '%' && text[i + 1] === '(') {
          // `%(key)s` holds parentheses that are not grouping.
          const end = text.indexOf(')', i + 2);
          if (end < 0) throw new PolicySyntaxError('unterminated %( substitution', i);
          i = end + 1;
        } else {
          i++;
        }
      }
      const word = text.slice(start, i);
      const lower = word.toLowerCase();
      tokens.push(KEYWORDS.has(lower) ? { type: lower as 'and' | 'or' | 'not', pos: start } : { type: 'check', text: word, pos: start });
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly length: number,
  ) {}

  orExpr(): Rule {
    const rules = [this.andExpr()];
    while (this.peek()?.type === 'or') {
      this.i++;
      rules.push(this.andExpr());
    }
    return combine('or', rules);
  }

  private andExpr(): Rule {
    const rules = [this.notExpr()];
    while (this.peek()?.type === 'and') {
      this.i++;
      rules.push(this.notExpr());
    }
    return combine('and', rules);
  }

  private notExpr(): Rule {
    const t = this.peek();
    if (t === undefined) throw new PolicySyntaxError('expected a check, "not" or "(" but the rule ended', this.length);
    this.i++;
    switch (t.type) {
      case 'not':
        return { kind: 'not', rule: this.notExpr() };
      case '(': {
        const inner = this.orExpr();
        const close = this.peek();
        if (close?.type !== ')') throw new PolicySyntaxError('missing ")" for "("', close?.pos ?? this.length);
        this.i++;
        return inner;
      }
      case 'check':
        return parseCheck(t.text, t.pos);
      default:
        throw new PolicySyntaxError(`unexpected "${t.type}"`, t.pos);
    }
  }

  expectEnd(): void {
    const t = this.peek();
    if (t !== undefined) throw new PolicySyntaxError(t.type === 'check' ? `expected "and" or "or" before "${t.text}"` : `unexpected "${t.type}"`, t.pos);
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
}

/** Flattens nested groups of the same operator: `(a and b) and c` is `a and b and c`. */
function combine(kind: 'and' | 'or', rules: Rule[]): Rule {
  if (rules.length === 1) return rules[0] as Rule;
  return { kind, rules: rules.flatMap((r) => (r.kind === kind ? r.rules : [r])) };
}

function parseCheck(text: string, pos: number): Rule {
  if (text === '@') return { kind: 'always' };
  if (text === '!') return { kind: 'never' };
  const colon = colonOutsideQuotes(text);
  if (colon < 0) throw new PolicySyntaxError(`"${text}" is not a check (expected KIND:MATCH, "@" or "!")`, pos);
  const kind = text.slice(0, colon);
  const match = text.slice(colon + 1);
  if (kind === '') throw new PolicySyntaxError(`"${text}" has nothing before ":"`, pos);
  if (kind === 'rule') {
    if (match === '') throw new PolicySyntaxError('"rule:" needs a rule name', pos);
    return { kind: 'rule', name: match };
  }
  if (kind === 'http' || kind === 'https') throw new PolicySyntaxError(`${kind} checks are not supported`, pos);
  const template = parseTemplate(match, pos + colon + 1);
  if (kind === 'role') return { kind: 'role', match: template };
  return { kind: 'generic', key: parseKey(kind, pos), match: template };
}

function colonOutsideQuotes(text: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (QUOTES.has(c)) {
      quote = c;
    } else if (c === ':') {
      return i;
    }
  }
  return -1;
}

/** The right-hand side: a quoted literal, or text with Python `%(key)s` substitutions. */
function parseTemplate(raw: string, pos: number): Template {
  const quoted = unquote(raw);
  // A quoted match is taken literally (an extension: oslo.policy would compare the quotes too).
  if (quoted !== undefined) return { raw, parts: [{ text: quoted }] };
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c !== '%') {
      text += c;
    } else if (raw[i + 1] === '%') {
      text += '%';
      i++;
    } else {
      const m = /^%\(([^)]*)\)s/.exec(raw.slice(i));
      if (m === null) throw new PolicySyntaxError(`"%" must start %(key)s or be doubled as %%`, pos + i);
      if (text !== '') parts.push({ text });
      text = '';
      parts.push({ key: m[1] as string });
      i += m[0].length - 1;
    }
  }
  if (text !== '' || parts.length === 0) parts.push({ text });
  return { raw, parts };
}

/** The left-hand side: Python literals are compared as values, anything else names a credential. */
function parseKey(raw: string, pos: number): CheckKey {
  const quoted = unquote(raw);
  if (quoted !== undefined) return { raw, literal: quoted };
  if (raw === 'True' || raw === 'False' || raw === 'None') return { raw, literal: raw };
  if (/^-?\d+$/.test(raw)) return { raw, literal: BigInt(raw).toString() };
  if (/^-?\d+\.\d+$/.test(raw)) {
    const n = Number(raw);
    return { raw, literal: Number.isInteger(n) ? n.toFixed(1) : String(n) };
  }
  if (/['"]/.test(raw)) throw new PolicySyntaxError(`stray quote in "${raw}"`, pos);
  return { raw };
}

function unquote(raw: string): string | undefined {
  const q = raw[0];
  if (raw.length >= 2 && q !== undefined && QUOTES.has(q) && raw.endsWith(q) && !raw.slice(1, -1).includes(q)) return raw.slice(1, -1);
  return undefined;
}
