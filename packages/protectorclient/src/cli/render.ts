import type { Command } from 'commander';
import { formatList, formatShow, parseFormat, type Cell, type Format, type ShowData } from '../output/format.js';

export interface OutputOptions {
  format: Format;
  column?: string[];
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `-f FORMAT` and `-c COLUMN` on a command that prints a list or an object, as the OpenStack client has them. */
export function withOutput(cmd: Command, list: boolean): Command {
  return cmd
    .option('-f, --format <format>', `output format: table, json, yaml, value${list ? ', csv' : ''}`, parseFormat, 'table' as Format)
    .option('-c, --column <column>', 'show only this column (repeat for several)', collect);
}

const write = (text: string): void => {
  if (text) process.stdout.write(`${text}\n`);
};

export function printList<T>(o: OutputOptions, columns: readonly (readonly [string, (x: T) => Cell])[], items: readonly T[]): void {
  write(formatList({ columns: columns.map(([c]) => c), rows: items.map((x) => columns.map(([, f]) => f(x))) }, { format: o.format, columns: o.column }));
}

export function printShow(o: OutputOptions, data: ShowData): void {
  write(formatShow(data, { format: o.format, columns: o.column }));
}

/** An object's own fields, in order, for `show` (nested values print as JSON). */
export function fieldsOf(x: object, omit: readonly string[] = []): ShowData {
  return Object.entries(x).filter(([k]) => !omit.includes(k)).map(([k, v]) => [k, v as Cell] as const);
}
