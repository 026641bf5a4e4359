import { stringify as toYaml } from 'yaml';

/** The output formats of protector-manage lists, as OpenStack's cliff-based commands take them (`-f`). */
export const LIST_FORMATS = ['table', 'json', 'yaml', 'value', 'csv'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export type Cell = string | number | null;

/** A list: its column headings, and the rows in the same order. */
export interface Listing {
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
}

const text = (c: Cell): string => (c === null ? '' : String(c));
const objects = (l: Listing) => l.rows.map((r) => Object.fromEntries(l.columns.map((c, i) => [c, r[i] ?? null])));

/** The boxed table `openstack … list` prints. */
function table(l: Listing): string {
  const widths = l.columns.map((c, i) => Math.max(c.length, ...l.rows.map((r) => text(r[i] ?? null).length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [rule, line(l.columns), rule, ...l.rows.map((r) => line(r.map(text))), rule].join('\n') + '\n';
}

/** RFC 4180: every text field quoted, quotes doubled; numbers bare and nulls empty, as cliff writes them. */
function csv(l: Listing): string {
  const field = (c: Cell) => (c === null ? '' : typeof c === 'number' ? String(c) : `"${c.replace(/"/g, '""')}"`);
  return [l.columns.map(field), ...l.rows.map((r) => r.map(field))].map((r) => r.join(',')).join('\n') + '\n';
}

/** A list in one of LIST_FORMATS. */
export function formatList(l: Listing, format: ListFormat): string {
  switch (format) {
    case 'table':
      return table(l);
    case 'json':
      return `${JSON.stringify(objects(l), null, 2)}\n`;
    case 'yaml':
      return l.rows.length ? toYaml(objects(l)) : '[]\n';
    case 'value':
      return l.rows.map((r) => r.map(text).join(' ')).join('\n') + (l.rows.length ? '\n' : '');
    case 'csv':
      return csv(l);
  }
}
