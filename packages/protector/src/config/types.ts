/**
 * Option types, named and behaving like oslo.config's (StrOpt, IntOpt, FloatOpt, BoolOpt, ListOpt,
 * MultiStrOpt, choices, PortOpt, URIOpt). A type turns one raw INI value into a typed item and
 * knows how the sample file and the docs describe it.
 */

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

export interface OptionType<T> {
  /** As oslo-config-generator says it: "string value", "integer value", ... */
  readonly label: string;
  /** Multi-valued: every occurrence in every file adds a value (MultiStrOpt). */
  readonly multi: boolean;
  /** An empty value means "not set" (use the default) rather than an empty item. */
  readonly emptyIsUnset: boolean;
  /** Parses one occurrence. Method syntax keeps OptionType<'a'> assignable to OptionType<unknown>. */
  parseOne(raw: string): Parsed<unknown>;
  /** Folds the parsed occurrences (oldest first) into the option's value. */
  combine(items: readonly unknown[]): T;
  /** The value as it is written in a file, one entry per line (several only for multi). */
  format(value: T): string[];
  /** Extra lines for the sample and docs: ranges, choices. */
  notes(): string[];
}

function single<T>(label: string, parse: (raw: string) => Parsed<T>, extra: Partial<Pick<OptionType<T>, 'format' | 'notes' | 'emptyIsUnset'>> = {}): OptionType<T> {
  return {
    label,
    multi: false,
    emptyIsUnset: extra.emptyIsUnset ?? true,
    parseOne: parse,
    // Single-valued options: the last occurrence wins, as in oslo.config.
    combine: (items) => items[items.length - 1] as T,
    format: extra.format ?? ((v: T) => [String(v)]),
    notes: extra.notes ?? (() => []),
  };
}

export interface StringOptions {
  /** A regular expression the whole value must match (empty values are always accepted). */
  readonly pattern?: RegExp;
  readonly patternHelp?: string;
}

export function stringType(o: StringOptions = {}): OptionType<string> {
  return single(
    'string value',
    (raw) => (raw === '' || !o.pattern || o.pattern.test(raw) ? ok(raw) : fail(`invalid value ${JSON.stringify(raw)}: ${o.patternHelp ?? `must match ${o.pattern.source}`}`)),
    { emptyIsUnset: false },
  );
}

export interface RangeOptions {
  readonly min?: number;
  readonly max?: number;
}

function rangeNotes(o: RangeOptions): string[] {
  const out: string[] = [];
  if (o.min !== undefined) out.push(`Minimum value: ${o.min}`);
  if (o.max !== undefined) out.push(`Maximum value: ${o.max}`);
  return out;
}

function inRange(n: number, o: RangeOptions): string | undefined {
  if (o.min !== undefined && n < o.min) return `${n} is less than the minimum ${o.min}`;
  if (o.max !== undefined && n > o.max) return `${n} is greater than the maximum ${o.max}`;
  return undefined;
}

export function integerType(o: RangeOptions = {}, label = 'integer value'): OptionType<number> {
  return single(
    label,
    (raw) => {
      if (!/^[+-]?\d+$/.test(raw)) return fail(`invalid integer ${JSON.stringify(raw)}`);
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) return fail(`integer ${raw} is out of range`);
      const bad = inRange(n, o);
      return bad ? fail(bad) : ok(n);
    },
    { notes: () => rangeNotes(o) },
  );
}

/** PortOpt: an integer from 0 to 65535. */
export function portType(): OptionType<number> {
  return integerType({ min: 0, max: 65535 }, 'port value');
}

export function floatType(o: RangeOptions = {}): OptionType<number> {
  return single(
    'floating point value',
    (raw) => {
      // Number('') and Number('0x10') are numbers; an INI float must look like one.
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return fail(`invalid floating point value ${JSON.stringify(raw)}`);
      const n = Number(raw);
      const bad = inRange(n, o);
      return bad ? fail(bad) : ok(n);
    },
    // Whole numbers are written 1.0, as Python prints floats.
    { notes: () => rangeNotes(o), format: (v) => [Number.isInteger(v) ? v.toFixed(1) : String(v)] },
  );
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function booleanType(): OptionType<boolean> {
  return single('boolean value', (raw) => {
    const s = raw.toLowerCase();
    if (TRUE.has(s)) return ok(true);
    if (FALSE.has(s)) return ok(false);
    return fail(`invalid boolean ${JSON.stringify(raw)} (use true/false, yes/no, on/off or 1/0)`);
  });
}

/** ListOpt: comma-separated, items stripped; an empty value is the empty list. */
export function listType(): OptionType<readonly string[]> {
  return single(
    'list value',
    (raw) => ok(raw.trim() === '' ? [] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '')),
    { emptyIsUnset: false, format: (v) => [v.join(',')] },
  );
}

/** MultiStrOpt: each occurrence of the key adds one value, across every file read. */
export function multiStringType(): OptionType<readonly string[]> {
  return {
    label: 'multi valued',
    multi: true,
    emptyIsUnset: false,
    parseOne: (raw) => ok(raw),
    combine: (items) => items.map(String),
    format: (v) => (v.length === 0 ? [''] : [...v]),
    notes: () => [],
  };
}

/** StrOpt with choices. Matching is case-sensitive, like oslo.config's default. */
export function enumType<const C extends readonly string[]>(choices: C): OptionType<C[number]> {
  return single<C[number]>(
    'string value',
    (raw) => ((choices as readonly string[]).includes(raw) ? ok(raw as C[number]) : fail(`invalid choice ${JSON.stringify(raw)}; valid choices are ${choices.join(', ')}`)),
    { notes: () => ['Possible values:', ...choices.map((c) => `  ${c}`)] },
  );
}

/**
 * URIOpt: scheme://rest with the scheme in `schemes`. Checked by shape rather than with
 * WHATWG URL, because an oslo.messaging transport_url may list several hosts separated by commas.
 * An empty value means the default, so a sample file's `#connection =` (secrets are never shown)
 * can be uncommented harmlessly.
 */
export function uriType(schemes: readonly string[]): OptionType<string> {
  return single(
    'URI value',
    (raw) => {
      if (raw === '') return ok(raw);
      const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(raw);
      if (!m) return fail(`invalid URI: expected ${schemes.map((s) => `${s}://`).join(' or ')}...`);
      const scheme = (m[1] ?? '').toLowerCase();
      if (!schemes.includes(scheme)) return fail(`unsupported URI scheme "${scheme}"; supported: ${schemes.join(', ')}`);
      return ok(raw);
    },
    { notes: () => [`Supported schemes: ${schemes.join(', ')}`] },
  );
}
