import { badRequest } from './errors.js';
import type { Json, JsonObject } from './json.js';

/**
 * FlashArray's `filter` query syntax, as pypureclient's Filter writes it: comparisons
 * `name='vol*'` (`*` is a wildcard), `=`, `!=`, `<`, `<=`, `>`, `>=`, `name=('a','b')` for "in",
 * `contains(name,'x')`, a bare field for "exists", `not(...)`, `and`, `or` and parentheses.
 * Fields are dotted paths into the item (`source.name`); a list field matches if any element does.
 */
export type Predicate = (item: JsonObject) => boolean;

type Token = { t: 'punct'; v: '(' | ')' | ',' } | { t: 'op'; v: string } | { t: 'str'; v: string } | { t: 'word'; v: string };

const fail = (why: string): never => {
  throw badRequest('filter', `Invalid filter: ${why}.`);
};

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punct', v: c });
      i++;
    } else if (c === "'" || c === '"') {
      let v = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        v += src[i];
        i++;
      }
      if (i >= src.length) fail('unterminated string');
      out.push({ t: 'str', v });
      i++;
    } else if (/[=!<>]/.test(c)) {
      const two = src.slice(i, i + 2);
      const op = ['!=', '<=', '>='].includes(two) ? two : c;
      if (op === '!') fail("'!' must be followed by '='");
      out.push({ t: 'op', v: op });
      i += op.length;
    } else {
      const m = /^[A-Za-z0-9_.*\-[\]:]+/.exec(src.slice(i));
      if (!m) return fail(`unexpected character '${c}'`);
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

type Literal = string | number | boolean;

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): Predicate {
    const p = this.or();
    if (this.i < this.toks.length) fail('unexpected text after the end');
    return p;
  }

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private next(): Token {
    const t = this.toks[this.i++];
    return t ?? fail('unexpected end');
  }

  private expect(v: '(' | ')' | ','): void {
    const t = this.next();
    if (t.t !== 'punct' || t.v !== v) fail(`expected '${v}'`);
  }

  private isWord(v: string): boolean {
    const t = this.peek();
    return t?.t === 'word' && t.v.toLowerCase() === v;
  }

  private or(): Predicate {
    const parts = [this.and()];
    while (this.isWord('or')) {
      this.i++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : (item) => parts.some((p) => p(item));
  }

  private and(): Predicate {
    const parts = [this.unary()];
    while (this.isWord('and')) {
      this.i++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0]! : (item) => parts.every((p) => p(item));
  }

  private unary(): Predicate {
    const t = this.next();
    if (t.t === 'punct' && t.v === '(') {
      const p = this.or();
      this.expect(')');
      return p;
    }
    if (t.t !== 'word') return fail('expected a field name');
    const word = t.v.toLowerCase();
    const call = this.peek()?.t === 'punct' && this.peek()?.v === '(';
    if (word === 'not' && call) {
      this.expect('(');
      const p = this.or();
      this.expect(')');
      return (item) => !p(item);
    }
    if (word === 'contains' && call) {
      this.expect('(');
      const field = this.field();
      this.expect(',');
      const needle = String(this.literal());
      this.expect(')');
      return (item) => values(item, field).some((v) => typeof v === 'string' && v.includes(needle));
    }
    const field = fieldPath(t.v);
    const op = this.peek();
    if (op?.t !== 'op') return (item) => values(item, field).some((v) => v !== null);
    this.i++;
    if (this.peek()?.t === 'punct' && this.peek()?.v === '(') {
      if (op.v !== '=' && op.v !== '!=') fail(`'${op.v}' cannot take a list`);
      const list = this.list();
      const any: Predicate = (item) => list.some((lit) => values(item, field).some((v) => compare(v, '=', lit)));
      return op.v === '=' ? any : (item) => !any(item);
    }
    const lit = this.literal();
    if (op.v === '!=') return (item) => !values(item, field).some((v) => compare(v, '=', lit));
    return (item) => values(item, field).some((v) => compare(v, op.v, lit));
  }

  private field(): string[] {
    const t = this.next();
    return t.t === 'word' ? fieldPath(t.v) : fail('expected a field name');
  }

  private list(): Literal[] {
    this.expect('(');
    const out = [this.literal()];
    while (this.peek()?.t === 'punct' && this.peek()?.v === ',') {
      this.i++;
      out.push(this.literal());
    }
    this.expect(')');
    return out;
  }

  private literal(): Literal {
    const t = this.next();
    if (t.t === 'str') return t.v;
    if (t.t !== 'word') return fail('expected a value');
    if (t.v === 'true') return true;
    if (t.v === 'false') return false;
    if (/^-?\d+(\.\d+)?$/.test(t.v)) return Number(t.v);
    return t.v;
  }
}

/** `source.name`, and pypureclient's `field[any]` / `field[all]` list markers (both read as "any"). */
function fieldPath(word: string): string[] {
  const path = word.replace(/\[(any|all)\]/g, '').split('.');
  if (path.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) fail(`'${word}' is not a field name`);
  return path;
}

/** The value(s) at a path; lists fan out so that a comparison holds if any element satisfies it. */
function values(item: Json, path: string[]): Json[] {
  let cur: Json[] = [item];
  for (const key of path) {
    const nextLevel: Json[] = [];
    for (const v of cur) {
      for (const x of Array.isArray(v) ? v : [v]) {
        if (x !== null && typeof x === 'object' && !Array.isArray(x)) nextLevel.push(x[key] ?? null);
      }
    }
    cur = nextLevel;
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

const wildcard = (pattern: string): RegExp =>
  new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

function compare(v: Json, op: string, lit: Literal): boolean {
  if (v === null || typeof v === 'object') return false;
  if (op === '=') {
    if (typeof lit === 'string' && typeof v === 'string') return lit.includes('*') ? wildcard(lit).test(v) : v === lit;
    // Numbers compare as numbers even when quoted: Cinder asks for progress="1.0".
    if (typeof v === 'number' && typeof lit === 'string' && lit.trim() !== '' && !Number.isNaN(Number(lit))) return v === Number(lit);
    return String(v) === String(lit);
  }
  const a = typeof v === 'number' ? v : String(v);
  const b = typeof v === 'number' ? Number(lit) : String(lit);
  if (typeof a === 'number' && Number.isNaN(b)) return false;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return fail(`unknown operator '${op}'`);
  }
}

export function parseFilter(src: string): Predicate {
  return new Parser(tokenize(src)).parse();
}

export { values as fieldValues };
