import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../auth.js';
import { ApiError, conflict, forbidden, notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';

/** Query strings as Fastify hands them over: repeated keys become arrays. */
export type Query = Record<string, string | string[] | undefined>;

export interface IdParams {
  id: string;
}

/** Keystone's `links.self` for one resource (path below /v3). */
export const selfLinks = (site: SiteHost, path: string) => ({ self: `${site.authUrl}${path}` });

/** A collection body as Keystone pages it: everything on one page, so previous/next are null. */
export function listBody<T>(site: SiteHost, key: string, path: string, items: T[]): Record<string, unknown> {
  return { [key]: items, links: { self: `${site.authUrl}${path}`, previous: null, next: null } };
}

/** Keystone's query_filter_is_true: present and not "0"/"false" means true. */
export function truthy(value: string | string[] | undefined): boolean {
  const v = Array.isArray(value) ? value[value.length - 1] : value;
  return v !== undefined && !['0', 'false'].includes(v.toLowerCase());
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Keeps the documents matching every filter present in the query; each filter names a query
 * key and how to read it from a document. Boolean fields compare with Keystone's truthiness.
 */
export function applyFilters<T>(docs: T[], query: Query, filters: Record<string, (doc: T) => unknown>): T[] {
  return docs.filter((doc) =>
    Object.entries(filters).every(([key, get]) => {
      const wanted = first(query[key]);
      if (wanted === undefined) return true;
      const actual = get(doc);
      if (typeof actual === 'boolean') return actual === truthy(wanted);
      return String(actual ?? '') === wanted;
    }),
  );
}

/**
 * Keystone's default policy: the admin role passes every rule; anyone else passes only where
 * `allowed` says so (their own user, project, credentials...). Returns the caller.
 */
export function enforce(req: FastifyRequest, rule: string, allowed = false): AuthContext {
  const auth = req.auth!;
  if (!auth.isAdmin && !allowed) throw policyDenied(rule);
  return auth;
}

/** Keystone's 403 for a policy rule that did not pass. */
export const policyDenied = (rule: string): ApiError => forbidden(`You are not authorized to perform the requested action: ${rule}.`);

export const missing = (kind: string, id: string): ApiError => notFound(`Could not find ${kind}: ${id}.`);

export const duplicate = (kind: string, detail: string): ApiError =>
  conflict(`Conflict occurred attempting to store ${kind} - Duplicate entry found with ${detail}.`);

/** Keystone's ValidationError wording for rules a JSON schema cannot express. */
export const invalid = (message: string): ApiError => new ApiError(400, `Invalid input: ${message}`);

/** Takes a found document or throws Keystone's 404 for it. */
export function must<T>(doc: T | undefined, kind: string, id: string): T {
  if (doc === undefined) throw missing(kind, id);
  return doc;
}

/** Body schema for Keystone's `{"<key>": {...}}` envelope. Keystone accepts unknown attributes on most resources. */
export function envelope(key: string, properties: Record<string, unknown>, opts: { required?: string[]; additional?: boolean; minProperties?: number } = {}) {
  return {
    type: 'object',
    required: [key],
    properties: {
      [key]: {
        type: 'object',
        properties,
        required: opts.required ?? [],
        additionalProperties: opts.additional ?? true,
        ...(opts.minProperties !== undefined ? { minProperties: opts.minProperties } : {}),
      },
    },
  } as const;
}

/** Common property schemas, with Keystone's column limits. */
export const t = {
  id: { type: 'string', minLength: 1, maxLength: 64 },
  optId: { type: ['string', 'null'], maxLength: 64 },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  shortName: { type: 'string', minLength: 1, maxLength: 64 },
  description: { type: ['string', 'null'], maxLength: 65535 },
  enabled: { type: 'boolean' },
  tags: { type: 'array', maxItems: 80, items: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^,/]*$' } },
  options: { type: 'object' },
  password: { type: ['string', 'null'], maxLength: 4096 },
  timestamp: { type: ['string', 'null'], maxLength: 64 },
} as const;

/** Parses an ISO 8601 expiry; null/undefined means never. */
export function parseExpiry(value: string | null | undefined, field: string): number | null {
  if (value === undefined || value === null) return null;
  // Keystone accepts naive timestamps as UTC.
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw invalid(`${field} '${value}' is not an ISO 8601 timestamp`);
  return ms;
}
