import type { FastifyRequest } from 'fastify';
import { badRequest, forbidden, notFound } from '../http/errors.js';

/** Who is asking, as Neutron's policy checks see it. */
export interface Caller {
  projectId: string;
  isAdmin: boolean;
}

export function callerOf(request: FastifyRequest): Caller {
  const auth = request.auth;
  return { projectId: auth?.projectId ?? '', isAdmin: auth?.isAdmin ?? false };
}

/** Neutron's policy refusal: (rule:create_network:shared) is disallowed by policy. */
export const disallowed = (rule: string) => forbidden(`(rule:${rule}) is disallowed by policy`, 'PolicyNotAuthorized');

/**
 * The project a new resource belongs to: the caller's, or for admins the one named by
 * project_id/tenant_id in the body. Non-admins naming another project are refused, as in Neutron.
 */
export function ownerFor(caller: Caller, body: { project_id?: string; tenant_id?: string }): string {
  const named = body.project_id ?? body.tenant_id;
  if (body.project_id !== undefined && body.tenant_id !== undefined && body.project_id !== body.tenant_id) {
    throw badRequest('Invalid input for operation: tenant_id and project_id must be the same.', 'InvalidInput');
  }
  if (named !== undefined && named !== caller.projectId && !caller.isAdmin) {
    throw forbidden("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges", 'HTTPBadRequest');
  }
  const owner = named ?? caller.projectId;
  if (!owner) throw badRequest('Running without keystone AuthN requires that tenant_id is specified', 'HTTPBadRequest');
  return owner;
}

/** Copies of `body` without the owner fields ownerFor already used. */
export function withoutOwner<T extends { project_id?: string; tenant_id?: string }>(body: T): Omit<T, 'project_id' | 'tenant_id'> {
  const { project_id: _p, tenant_id: _t, ...rest } = body;
  return rest;
}

type Query = Record<string, string | string[] | undefined>;
type Doc = Record<string, unknown>;

const CONTROL = new Set(['fields', 'limit', 'marker', 'sort_key', 'sort_dir', 'page_reverse', 'fields[]']);

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Does one stored value match one query value the way Neutron's DB filters compare them? */
function matches(value: unknown, wanted: string): boolean {
  if (Array.isArray(value)) return value.some((v) => matches(v, wanted));
  if (typeof value === 'boolean') return ['true', '1', 'yes'].includes(wanted.toLowerCase()) === value;
  if (value === null || value === undefined) return wanted === '' || wanted.toLowerCase() === 'none';
  return String(value) === wanted;
}

/** fixed_ips=ip_address=10.0.0.5 or fixed_ips=subnet_id=… (and ip_address_substr=…). */
function matchesFixedIp(value: unknown, wanted: string): boolean {
  const [key, ...rest] = wanted.split('=');
  const want = rest.join('=');
  if (!Array.isArray(value)) return false;
  return value.some((f: unknown) => {
    if (typeof f !== 'object' || f === null) return false;
    const ip = f as Record<string, unknown>;
    if (key === 'ip_address_substr') return String(ip.ip_address).includes(want);
    return key !== undefined && String(ip[key]) === want;
  });
}

/** Keeps only the requested fields (?fields=a&fields=b), as Neutron does for list and show. */
export function pickFields(doc: Doc, query: Query): Doc {
  const fields = [...asList(query.fields), ...asList(query['fields[]'])].flatMap((f) => f.split(','));
  if (fields.length === 0) return doc;
  return Object.fromEntries(fields.filter((f) => f in doc).map((f) => [f, doc[f]]));
}

/**
 * Neutron's list behaviour over views of one resource: attribute filters (repeatable, any of
 * the values), sort_key/sort_dir, limit/marker pagination with `<key>_links`, ?fields=.
 */
export function listResponse(request: FastifyRequest, key: string, docs: Doc[], baseUrl: string): Doc {
  const query = (request.query ?? {}) as Query;
  let items = docs.filter((d) =>
    Object.entries(query).every(([name, raw]) => {
      // Unknown attributes are ignored, as Neutron does without strict filter validation.
      if (CONTROL.has(name) || !(name in d)) return true;
      const wanted = asList(raw);
      return wanted.some((w) => (name === 'fixed_ips' ? matchesFixedIp(d[name], w) : matches(d[name], w)));
    }),
  );
  const sortKeys = asList(query.sort_key);
  const sortDirs = asList(query.sort_dir);
  if (sortKeys.length > 0) {
    if (sortDirs.length > 0 && sortDirs.length !== sortKeys.length) throw badRequest('The number of sort_keys and sort_dirs must be same', 'HTTPBadRequest');
    for (const dir of sortDirs) if (dir !== 'asc' && dir !== 'desc') throw badRequest(`${dir} is invalid value for sort_dir, valid value is 'asc' and 'desc'`, 'HTTPBadRequest');
    const known = docs[0];
    for (const k of sortKeys) if (known && !(k in known)) throw badRequest(`${k} is invalid attribute for sort_key`, 'HTTPBadRequest');
    items = [...items].sort((a, b) => {
      for (const [i, k] of sortKeys.entries()) {
        const av = String(a[k] ?? '');
        const bv = String(b[k] ?? '');
        const c = av < bv ? -1 : av > bv ? 1 : 0;
        if (c !== 0) return sortDirs[i] === 'desc' ? -c : c;
      }
      return 0;
    });
  }
  const limitText = asList(query.limit)[0];
  const marker = asList(query.marker)[0];
  const out: Doc = {};
  let start = 0;
  if (marker !== undefined) {
    const at = items.findIndex((d) => d.id === marker);
    if (at < 0 && !docs.some((d) => d.id === marker)) throw notFound(`Marker ${marker} could not be found.`, 'HTTPNotFound');
    start = at + 1;
  }
  let page = items.slice(start);
  const links: { rel: string; href: string }[] = [];
  if (limitText !== undefined) {
    if (!/^\d+$/.test(limitText)) throw badRequest(`Limit must be an integer 0 or greater and not '${limitText}'`, 'HTTPBadRequest');
    const limit = Number(limitText);
    if (limit > 0 && page.length > limit) {
      page = page.slice(0, limit);
      links.push({ rel: 'next', href: linkTo(baseUrl, key, query, String(page[page.length - 1]?.id)) });
    }
    if (marker !== undefined && page[0]) links.push({ rel: 'previous', href: linkTo(baseUrl, key, query, String(page[0].id), true) });
  }
  out[key] = page.map((d) => pickFields(d, query));
  if (links.length > 0) out[`${key}_links`] = links;
  return out;
}

function linkTo(baseUrl: string, key: string, query: Query, marker: string, reverse = false): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'marker' || k === 'page_reverse') continue;
    for (const one of asList(v)) params.append(k, one);
  }
  params.append('marker', marker);
  if (reverse) params.append('page_reverse', 'True');
  return `${baseUrl}/v2.0/${key.replace(/_/g, '-')}?${params.toString()}`;
}
