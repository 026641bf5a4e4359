import { stringify as toYaml } from 'yaml';

/**
 * The one formatter for every CLI output, as the OpenStack client (cliff) prints it: a list is
 * columns and rows, a single object is fields and values; `-f table|json|yaml|value|csv` picks
 * the form and `-c COLUMN` (repeatable) the columns, so scripts written for `openstack` work.
 */
export const FORMATS = ['table', 'json', 'yaml', 'value', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export type Cell = string | number | boolean | null | undefined | readonly unknown[] | Record<string, unknown>;

export interface ListData {
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
}

/** One object: field names with their values, shown as a two-column Field | Value table. */
export type ShowData = ReadonlyArray<readonly [string, Cell]>;

export interface FormatOptions {
  format: Format;
  /** Only these columns (fields), in this order; an unknown one is an error naming the choices. */
  columns?: readonly string[];
  /** Table width limit; wider cells wrap (default: no limit, as when not a terminal). */
  maxWidth?: number;
}

export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** How a cell reads in table, value and csv output: nested data as compact JSON, like cliff. */
function text(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number' || typeof c === 'boolean') return String(c);
  if (Array.isArray(c) && c.every((x) => typeof x === 'string')) return c.join('\n');
  return JSON.stringify(c);
}

/** json and yaml keep values typed (numbers, booleans, nested objects). */
const plain = (c: Cell): unknown => (c === undefined ? null : c);

function pick(columns: readonly string[], wanted: readonly string[] | undefined): number[] {
  if (!wanted || wanted.length === 0) return columns.map((_, i) => i);
  return wanted.map((w) => {
    const i = columns.indexOf(w);
    if (i < 0) throw new OutputError(`-c ${w}: no such column; choose from ${columns.map((c) => `'${c}'`).join(', ')}`);
    return i;
  });
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cellLines = (s: string) => s.split('\n');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.max(...cellLines(r[i] ?? '').map((l) => l.length)))));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[]) => {
    const split = cells.map(cellLines);
    const height = Math.max(...split.map((l) => l.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) out.push(`| ${split.map((l, i) => (l[k] ?? '').padEnd(widths[i]!)).join(' | ')} |`);
    return out.join('\n');
  };
  return [rule, line(header), rule, ...rows.map(line), rule].join('\n');
}

const csvField = (c: Cell): string => (typeof c === 'number' ? String(c) : `"${text(c).replace(/"/g, '""')}"`);

/** A list (`… list` commands). */
export function formatList(data: ListData, opts: FormatOptions): string {
  const idx = pick(data.columns, opts.columns);
  const cols = idx.map((i) => data.columns[i]!);
  const rows = data.rows.map((r) => idx.map((i) => r[i]));
  switch (opts.format) {
    case 'table':
      return rows.length === 0 ? '' : table(cols, rows.map((r) => r.map(text)));
    case 'json':
      return JSON.stringify(rows.map((r) => Object.fromEntries(cols.map((c, i) => [c, plain(r[i])]))), null, 2);
    case 'yaml':
      return rows.length === 0 ? '[]' : toYaml(rows.map((r) => Object.fromEntries(cols.map((c, i) => [c, plain(r[i])])))).trimEnd();
    case 'value':
      return rows.map((r) => r.map(text).join(' ')).join('\n');
    case 'csv':
      return [cols.map((c) => `"${c}"`).join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n');
  }
}

/** One object (`… show`, `… create`). */
export function formatShow(data: ShowData, opts: FormatOptions): string {
  const names = data.map(([k]) => k);
  const idx = pick(names, opts.columns);
  const fields = idx.map((i) => data[i]!);
  switch (opts.format) {
    case 'table':
      return table(['Field', 'Value'], fields.map(([k, v]) => [k, text(v)]));
    case 'json':
      return JSON.stringify(Object.fromEntries(fields.map(([k, v]) => [k, plain(v)])), null, 2);
    case 'yaml':
      return toYaml(Object.fromEntries(fields.map(([k, v]) => [k, plain(v)]))).trimEnd();
    case 'value':
      return fields.map(([, v]) => text(v)).join('\n');
    case 'csv':
      return [fields.map(([k]) => `"${k}"`).join(','), fields.map(([, v]) => csvField(v)).join(',')].join('\n');
  }
}

export function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) throw new OutputError(`-f ${value}: invalid choice; choose from ${FORMATS.join(', ')}`);
  return value as Format;
}
