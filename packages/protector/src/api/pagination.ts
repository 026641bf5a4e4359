import type { Link, ListQuery } from '@protector/contract';
import { badRequest } from './errors.js';

export interface Page<T> {
  items: T[];
  /** The `next` link's query, when there may be more. */
  next?: string;
}

/**
 * Pages an in-memory list already scoped to what the caller may see. Sorting is by one key with
 * the id as tie-breaker, and the marker is the last id of the previous page, so pages stay stable
 * while rows are added. A marker that is not in the list is a 400, as Nova answers.
 */
export function paginate<T extends { id: string }>(
  rows: T[],
  q: ListQuery,
  opts: { sortKeys: readonly (keyof T & string)[]; defaultSort: (keyof T & string) | `${keyof T & string}:${'asc' | 'desc'}`; defaultLimit: number; maxLimit: number },
): Page<T> {
  const [key, dir = 'asc'] = (q.sort ?? opts.defaultSort).split(':') as [string, string?];
  if (!opts.sortKeys.includes(key as keyof T & string)) throw badRequest('sort', `Sort key '${key}' is not one of ${opts.sortKeys.join(', ')}.`);
  const k = key as keyof T;
  const sign = dir === 'desc' ? -1 : 1;
  const sorted = [...rows].sort((a, b) => sign * compare(a[k], b[k]) || compare(a.id, b.id));
  let start = 0;
  if (q.marker !== undefined) {
    const i = sorted.findIndex((r) => r.id === q.marker);
    if (i < 0) throw badRequest('marker', `Marker '${q.marker}' could not be found.`);
    start = i + 1;
  }
  const limit = Math.min(q.limit ?? opts.defaultLimit, opts.maxLimit);
  const items = sorted.slice(start, start + limit);
  const more = start + limit < sorted.length;
  const last = items.at(-1);
  const params = new URLSearchParams({ limit: String(limit), ...(q.sort ? { sort: q.sort } : {}), ...(last ? { marker: last.id } : {}) });
  return more && last ? { items, next: params.toString() } : { items };
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** `{ <name>: [...], <name>_links: [{ rel: 'next', href }] }`, the OpenStack list shape. */
export function listBody<N extends string, T>(name: N, page: Page<T>, baseUrl: string): { [K in N]: T[] } & { [K in `${N}_links`]?: Link[] } {
  const body: Record<string, unknown> = { [name]: page.items };
  if (page.next) body[`${name}_links`] = [{ rel: 'next', href: `${baseUrl}?${page.next}` }];
  return body as { [K in N]: T[] } & { [K in `${N}_links`]?: Link[] };
}
