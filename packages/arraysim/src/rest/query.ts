import { createHash } from 'node:crypto';
import { badRequest, RestError } from './errors.js';
import { fieldValues, parseFilter } from './filter.js';
import type { Json, JsonObject } from './json.js';
import type { LIST_PARAMS, Params } from './params.js';

export type ListQuery = Params<typeof LIST_PARAMS>;

/** FlashArray's list envelope (every *GetResponse model). */
export interface ListEnvelope {
  continuation_token: string | null;
  more_items_remaining: boolean;
  total_item_count: number | null;
  items: JsonObject[];
}

/** Largest page served, as the array caps `limit`. */
const MAX_PAGE = 1000;

/**
 * The one list helper: filter, sort, offset or continuation token, limit, and the envelope.
 * `total_item_count` is null unless asked for, as on the array. The token is opaque to clients
 * but carries the offset and a digest of the filter and sort, so it cannot be replayed against a
 * different query.
 */
export function listResponse(all: JsonObject[], q: ListQuery): ListEnvelope {
  if (q.offset !== undefined && q.continuation_token !== undefined) {
    throw badRequest('continuation_token', 'continuation_token and offset cannot be used together.');
  }
  let items = q.filter === undefined ? all : all.filter(parseFilter(q.filter));
  if (q.sort) items = sortItems(items, q.sort);
  const digest = querydigest(q);
  const start = q.continuation_token !== undefined ? readToken(q.continuation_token, digest) : (q.offset ?? 0);
  const size = Math.min(q.limit ?? MAX_PAGE, MAX_PAGE);
  const page = items.slice(start, start + size);
  const end = start + page.length;
  const more = end < items.length;
  return {
    // limit=0 asks only for the count; there is nothing to continue from.
    continuation_token: more && size > 0 ? makeToken(end, digest) : null,
    more_items_remaining: more,
    total_item_count: q.total_item_count || q.limit === 0 ? items.length : null,
    items: page,
  };
}

/** A single-page envelope for create and update answers. */
export const itemsResponse = (items: JsonObject[]): { items: JsonObject[] } => ({ items });

function sortItems(items: JsonObject[], keys: string[]): JsonObject[] {
  const order = keys.map((k) => {
    const desc = k.endsWith('-');
    const path = (desc ? k.slice(0, -1) : k).split('.');
    if (path.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) throw badRequest('sort', `Cannot sort on '${k}'.`);
    if (items.length > 0 && !items.some((it) => hasField(it, path))) throw badRequest('sort', `Cannot sort on '${k}'.`);
    return { path, sign: desc ? -1 : 1 };
  });
  return [...items].sort((a, b) => {
    for (const { path, sign } of order) {
      const c = cmp(fieldValues(a, path)[0] ?? null, fieldValues(b, path)[0] ?? null);
      if (c !== 0) return c * sign;
    }
    return 0;
  });
}

/** Whether the item's shape has the field at all (its value may be null). */
function hasField(item: Json, path: string[]): boolean {
  let cur: Json = item;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(key in cur)) return false;
    cur = cur[key] ?? null;
  }
  return true;
}

/** Nulls sort last; numbers numerically; everything else as text. */
function cmp(a: Json, b: Json): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'object' ? JSON.stringify(a) : String(a);
  const y = typeof b === 'object' ? JSON.stringify(b) : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const querydigest = (q: ListQuery): string =>
  createHash('sha256').update(JSON.stringify([q.filter ?? null, q.sort ?? null])).digest('base64url').slice(0, 12);

const makeToken = (offset: number, digest: string): string => Buffer.from(JSON.stringify({ o: offset, d: digest })).toString('base64url');

function readToken(raw: string, digest: string): number {
  // pypureclient sends the token back wrapped in single quotes.
  const token = raw.replace(/^'(.*)'$/, '$1');
  const bad = (): RestError => badRequest('continuation_token', 'Invalid continuation_token.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const { o, d } = (parsed ?? {}) as { o?: unknown; d?: unknown };
  if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || d !== digest) throw bad();
  return o;
}

/**
 * Narrows a list to the objects named by `names` (or `ids`), in the order asked; like the array,
 * naming one that does not exist is an error rather than an empty answer.
 */
export function selectNamed(items: JsonObject[], key: 'name' | 'id', wanted: string[] | undefined, param: string): JsonObject[] {
  if (!wanted) return items;
  return wanted.flatMap((w) => {
    const hits = items.filter((it) => it[key] === w);
    if (hits.length === 0) throw badRequest(w, `${param === 'ids' ? 'Object with ID' : 'Object'} '${w}' does not exist.`);
    return hits;
  });
}
