import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../auth.js';
import { badRequest, policyForbidden } from '../../http/errors.js';

/** The caller; the service app has validated the token before any Nova route runs. */
export function caller(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new Error('nova route reached without auth');
  return req.auth;
}

/** Admin-only APIs refuse others with oslo.policy's message for the rule. */
export function requireAdmin(req: FastifyRequest, rule: string): AuthContext {
  const auth = caller(req);
  if (!auth.isAdmin) throw policyForbidden(rule);
  return auth;
}

export interface PageQuery {
  limit?: number;
  marker?: string;
}

/**
 * limit/marker paging as Nova does it: the page after `marker` (400 if unknown), and a `next`
 * link only when the page is full.
 */
export function paginate<T>(
  items: T[],
  q: PageQuery,
  key: (item: T) => string,
  nextHref: (marker: string) => string,
): { page: T[]; links?: { rel: string; href: string }[] } {
  let start = 0;
  if (q.marker !== undefined) {
    const i = items.findIndex((x) => key(x) === q.marker);
    if (i < 0) throw badRequest(`marker [${q.marker}] not found`);
    start = i + 1;
  }
  const limit = q.limit ?? 1000;
  const page = items.slice(start, start + limit);
  const last = page[page.length - 1];
  if (q.limit === undefined || page.length < limit || last === undefined) return { page };
  return { page, links: [{ rel: 'next', href: nextHref(key(last)) }] };
}

/** Rebuilds a collection URL with the request's query plus a new marker. */
export function nextLink(base: string, query: Record<string, unknown>, marker: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'marker' || v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
  }
  params.set('marker', marker);
  return `${base}?${params.toString()}`;
}

/** JSON schema pieces shared by Nova's routes. */
export const schemas = {
  limit: { type: 'integer', minimum: 0 },
  marker: { type: 'string', maxLength: 255 },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  id: { type: 'string', minLength: 1, maxLength: 255 },
  metadata: {
    type: 'object',
    maxProperties: 128,
    propertyNames: { minLength: 1, maxLength: 255 },
    additionalProperties: { type: 'string', maxLength: 255 },
  },
} as const;
