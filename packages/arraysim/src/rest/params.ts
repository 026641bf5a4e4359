import { badRequest } from './errors.js';

/**
 * The one query-parameter validator every route uses. FlashArray rejects parameters an endpoint
 * does not define, and lists arrive comma-separated (`names=a,b`), as pypureclient sends them.
 */
export type ParamKind = 'list' | 'string' | 'bool' | 'int';
export type ParamSpec = Record<string, ParamKind>;

type Value<K extends ParamKind> = K extends 'list' ? string[] : K extends 'string' ? string : K extends 'bool' ? boolean : number;
export type Params<S extends ParamSpec> = { [P in keyof S]?: Value<S[P]> };

/** Longest accepted value of one parameter; FlashArray names are at most 63 characters. */
const MAX_VALUE = 8192;

/** The query parameters of every collection GET. */
export const LIST_PARAMS = {
  filter: 'string',
  sort: 'list',
  limit: 'int',
  offset: 'int',
  continuation_token: 'string',
  total_item_count: 'bool',
} as const satisfies ParamSpec;

export function parseParams<S extends ParamSpec>(raw: unknown, spec: S): Params<S> {
  const out: Record<string, string[] | string | boolean | number> = {};
  const query = (raw ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(query)) {
    const kind = spec[key];
    if (kind === undefined) throw badRequest(key, `Unsupported query parameter '${key}'.`);
    if (typeof value !== 'string') throw badRequest(key, `Query parameter '${key}' may be given once.`);
    if (value.length > MAX_VALUE) throw badRequest(key, `Query parameter '${key}' is too long.`);
    out[key] = convert(key, kind, value);
  }
  return out as Params<S>;
}

function convert(key: string, kind: ParamKind, value: string): string[] | string | boolean | number {
  switch (kind) {
    case 'list': {
      const items = value.split(',').map((v) => v.trim());
      if (items.some((v) => v === '')) throw badRequest(key, `Query parameter '${key}' has an empty item.`);
      return items;
    }
    case 'string':
      return value;
    case 'bool':
      if (value === 'true') return true;
      if (value === 'false') return false;
      throw badRequest(key, `Query parameter '${key}' must be true or false.`);
    case 'int':
      if (!/^\d{1,15}$/.test(value)) throw badRequest(key, `Query parameter '${key}' must be a non-negative integer.`);
      return Number(value);
  }
}

/** Mutating calls act on named objects; FlashArray requires the names (or ids) parameter. */
export function required<T>(key: string, value: T | undefined): T {
  if (value === undefined) throw badRequest(key, `Missing required query parameter '${key}'.`);
  return value;
}
