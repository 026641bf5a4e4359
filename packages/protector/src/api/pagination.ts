import type { Link, ListQuery } from '@protector/contract';
import type { PageRequest, PageRows } from '../db/keyset.js';
import { badRequest } from './errors.js';

export interface Page<T> {
  items: T[];
  /** The `next` link's query, when there may be more. */
  next?: string;
}

/** A list's sort keys, the sort it uses when none is asked, and `[api] default_limit` / `max_limit`. */
export interface ListOptions<K extends string> {
  sortKeys: readonly K[];
  defaultSort: K | `${K}:${'asc' | 'desc'}`;
  defaultLimit: number;
  maxLimit: number;
}

/**
 * What page a list query asks for. Sorting is by one key with the id as tie-breaker, and the
 * marker is the last id of the previous page, so pages stay stable while rows are added. A sort
 * key that is not the list's is a 400.
 */
export function pageRequest<K extends string>(q: ListQuery, opts: ListOptions<K>): PageRequest<K> {
  const [key, dir = 'asc'] = (q.sort ?? opts.defaultSort).split(':') as [string, string?];
  if (!opts.sortKeys.includes(key as K)) throw badRequest('sort', `Sort key '${key}' is not one of ${opts.sortKeys.join(', ')}.`);
  const limit = Math.min(q.limit ?? opts.defaultLimit, opts.maxLimit);
  return { key: key as K, desc: dir === 'desc', limit, ...(q.marker !== undefined ? { marker: q.marker } : {}) };
}

/** A list's query: the paging fields and the list's own filters. */
export type ListRequest = ListQuery & Readonly<Record<string, unknown>>;

const PAGING = new Set(['limit', 'sort', 'marker']);

/**
 * The page with its `next` query when more rows follow: the limit, the sort asked, the list's
 * filters (a client following the link gets the next page of the same list) and the last id.
 */
function withNext<T extends { id: string }>(items: T[], more: boolean, q: ListRequest, limit: number): Page<T> {
  const last = items.at(-1);
  if (!more || !last) return { items };
  const next = new URLSearchParams({ limit: String(limit), ...(q.sort ? { sort: q.sort } : {}) });
  for (const [k, v] of Object.entries(q)) if (!PAGING.has(k) && v !== undefined) next.set(k, String(v));
  next.set('marker', last.id);
  return { items, next: next.toString() };
}

const markerNotFound = (marker: string) => badRequest('marker', `Marker '${marker}' could not be found.`);

/**
 * A page read by the database (`read` runs db/keyset.ts's keysetPage on the list's scoped and
 * filtered query; `q` is the whole list query, filters included, for the next link). A marker
 * that is not in the list, another project's included, is a 400, as Nova answers.
 */
export async function fetchPage<K extends string, T extends { id: string }>(q: ListRequest, opts: ListOptions<K>, read: (p: PageRequest<K>) => Promise<PageRows<T> | undefined>): Promise<Page<T>> {
  const p = pageRequest(q, opts);
  const found = await read(p);
  if (!found) throw markerNotFound(p.marker ?? '');
  return withNext(found.rows, found.more, q, p.limit);
}

/**
 * Pages an in-memory list already scoped to what the caller may see (lists too short to need the
 * database's paging), in the order fetchPage's lists have.
 */
export function paginate<T extends { id: string }>(rows: T[], q: ListRequest, opts: ListOptions<keyof T & string>): Page<T> {
  const p = pageRequest(q, opts);
  const k = p.key as keyof T;
  const sign = p.desc ? -1 : 1;
  const sorted = [...rows].sort((a, b) => sign * compare(a[k], b[k]) || compare(a.id, b.id));
  let start = 0;
  if (p.marker !== undefined) {
    const i = sorted.findIndex((r) => r.id === p.marker);
    if (i < 0) throw markerNotFound(p.marker);
    start = i + 1;
  }
  return withNext(sorted.slice(start, start + p.limit), start + p.limit < sorted.length, q, p.limit);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** The page's items through `view`, its next link kept. */
export const mapPage = <T, U>(page: Page<T>, view: (t: T) => U): Page<U> => ({ ...page, items: page.items.map((t) => view(t)) });

/** `{ <name>: [...], <name>_links: [{ rel: 'next', href }] }`, the OpenStack list shape. */
export function listBody<N extends string, T>(name: N, page: Page<T>, baseUrl: string): { [K in N]: T[] } & { [K in `${N}_links`]?: Link[] } {
  const body: Record<string, unknown> = { [name]: page.items };
  if (page.next) body[`${name}_links`] = [{ rel: 'next', href: `${baseUrl}?${page.next}` }];
  return body as { [K in N]: T[] } & { [K in `${N}_links`]?: Link[] };
}
