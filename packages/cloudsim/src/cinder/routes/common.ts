import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../auth.js';
import { badRequest, notFound, policyForbidden } from '../../http/errors.js';
import { atLeast } from '../../http/microversion.js';

/** Path prefix of every project-scoped route. */
export const P = '/v3/:project_id';
export type ProjectParams = { project_id: string };
export type IdParams = ProjectParams & { id: string };

/** The caller; the service app has validated the token before any Cinder route runs. */
export function caller(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new Error('cinder route reached without auth');
  return req.auth;
}

/** The caller's project; Cinder APIs need a project-scoped token. */
export function callerProject(req: FastifyRequest): string {
  const auth = caller(req);
  if (!auth.projectId) throw policyForbidden('volume:get_all');
  return auth.projectId;
}

export function requireAdmin(req: FastifyRequest, rule: string): AuthContext {
  const auth = caller(req);
  if (!auth.isAdmin) throw policyForbidden(rule);
  return auth;
}

/** APIs added in a microversion do not exist below it: Cinder answers 404. */
export function requireVersion(req: FastifyRequest, version: string): void {
  if (!atLeast(req.microversion, version)) throw notFound('The resource could not be found.');
}

/** Query parameters every listing accepts. */
export interface ListQuery {
  limit?: number;
  marker?: string;
  offset?: number;
  sort?: string;
  sort_key?: string;
  sort_dir?: string;
  with_count?: string;
  all_tenants?: string;
  [filter: string]: unknown;
}

export const listQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 0 },
    marker: { type: 'string', maxLength: 255 },
    offset: { type: 'integer', minimum: 0 },
    sort: { type: 'string', maxLength: 255 },
    sort_key: { type: 'string', maxLength: 255 },
    sort_dir: { type: 'string', enum: ['asc', 'desc'] },
    with_count: { type: 'string', maxLength: 10 },
    all_tenants: { type: 'string', maxLength: 10 },
  },
} as const;

/** all_tenants as Cinder reads it: any true-ish value, and only admins may use it. */
export function allTenants(req: FastifyRequest<{ Querystring: ListQuery }>): boolean {
  const v = req.query.all_tenants;
  if (v === undefined || !/^(1|true|t|yes|y|on|)$/i.test(v)) return false;
  return caller(req).isAdmin;
}

/** A filter query parameter: its value (parsed once per request) gives the predicate. */
type Filter<T> = (value: string) => (item: T) => boolean;

export interface ListOptions<T extends { id: string }> {
  /** Collection URL without query, for the next link. */
  base: string;
  /** Response key, e.g. volumes; links go under `<key>_links`. */
  key: string;
  render: (item: T) => unknown;
  /** Query parameters that filter, and how. */
  filters?: Record<string, Filter<T>>;
  sortKeys: readonly string[];
}

/** One page of a listing: its items, the next link when the page is full, the count when asked for. */
export interface ListPage<T> {
  page: T[];
  links?: { href: string; rel: string }[];
  count?: number;
}

/**
 * Filters, sorts (sort=k1:dir,k2 or sort_key/sort_dir; default created_at desc like Cinder) and
 * pages (limit/marker/offset) one listing, and renders it with a next link when the page is full.
 */
export function listBody<T extends { id: string }>(req: FastifyRequest<{ Querystring: ListQuery }>, items: T[], o: ListOptions<T>): Record<string, unknown> {
  const { page, links, count } = listPage(req, items, o);
  const body: Record<string, unknown> = { [o.key]: page.map(o.render) };
  if (links) body[`${o.key}_links`] = links;
  if (count !== undefined) body.count = count;
  return body;
}

/** listBody's page, for a route that renders it itself (in that order: items, `<key>_links`, count). */
export function listPage<T extends { id: string }>(req: FastifyRequest<{ Querystring: ListQuery }>, items: T[], o: Omit<ListOptions<T>, 'render'>): ListPage<T> {
  const q = req.query;
  let out = items;
  for (const [name, match] of Object.entries(o.filters ?? {})) {
    const value = q[name];
    if (value !== undefined) out = out.filter(match(String(value)));
  }
  const order = sortOrder(q, o.sortKeys);
  out = [...out].sort((a, b) => {
    for (const [k, dir] of order) {
      const c = compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  });
  const count = out.length;
  let start = q.offset ?? 0;
  if (q.marker !== undefined) {
    const i = out.findIndex((x) => x.id === q.marker);
    if (i < 0) throw badRequest(`Invalid input received: marker [${q.marker}] not found`);
    start = i + 1;
  }
  const page = q.limit === undefined ? out.slice(start) : out.slice(start, start + q.limit);
  const result: ListPage<T> = { page };
  const last = page[page.length - 1];
  if (q.limit !== undefined && last && page.length === q.limit && start + page.length < out.length) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (k !== 'marker' && v !== undefined) params.set(k, String(v));
    params.set('marker', last.id);
    result.links = [{ href: `${o.base}?${params.toString()}`, rel: 'next' }];
  }
  if (truthy(q.with_count) && atLeast(req.microversion, '3.45')) result.count = count;
  return result;
}

function sortOrder(q: ListQuery, allowed: readonly string[]): [string, 'asc' | 'desc'][] {
  const parts: [string, 'asc' | 'desc'][] = [];
  if (q.sort) {
    for (const item of q.sort.split(',')) {
      const [k = '', d = 'desc'] = item.trim().split(':');
      if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid input received: Unknown sort direction, must be 'desc' or 'asc'`);
      parts.push([k, d]);
    }
  } else if (q.sort_key) {
    parts.push([q.sort_key, q.sort_dir === 'asc' ? 'asc' : 'desc']);
  }
  for (const [k] of parts) if (!allowed.includes(k)) throw badRequest(`Invalid input received: Invalid sort key ${k}`);
  if (parts.length === 0) parts.push(['created_at', 'desc']);
  parts.push(['id', parts[0]![1]]);
  return parts;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** Cinder clients send metadata filters as a JSON or Python dict literal. */
export function parseDictFilter(value: string, field: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(value.replace(/'/g, '"'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest(`Invalid input received: Invalid filter value for ${field}: ${value}`);
}

/** JSON schema pieces shared by Cinder's routes. */
export const schemas = {
  name: { type: ['string', 'null'], maxLength: 255 },
  description: { type: ['string', 'null'], maxLength: 255 },
  uuid: { type: 'string', pattern: '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$' },
  optionalUuid: { type: ['string', 'null'], pattern: '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$' },
  metadata: {
    type: ['object', 'null'],
    propertyNames: { minLength: 1, maxLength: 255 },
    additionalProperties: { type: ['string', 'null'], maxLength: 255 },
  },
  specs: {
    type: 'object',
    propertyNames: { minLength: 1, maxLength: 255 },
    additionalProperties: { type: 'string', maxLength: 255 },
  },
  boolish: { type: ['boolean', 'string'], enum: [true, false, 'true', 'false', 'True', 'False', '1', '0', 't', 'f', 'yes', 'no'] },
} as const;

export const truthy = (v: unknown): boolean => v === true || (typeof v === 'string' && /^(true|t|1|yes|y|on)$/i.test(v));

/** Drops null values from a metadata dict (clients send {} or null for "none"). */
export function cleanMetadata(m: Record<string, string | null> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(m ?? {}).filter((e): e is [string, string] => e[1] !== null));
}
