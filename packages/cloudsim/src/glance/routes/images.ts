import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, badRequest, forbidden } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { callerOf, checkPrivileged, ownImage, visibleImage, type Caller } from '../access.js';
import type { GlanceModel, ImageSpec } from '../model.js';
import { checkProperty, isCore } from '../properties.js';
import type { ImageRecord, ImageVisibility } from '../records.js';

type Query = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const SORT_KEYS = new Set(['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at', 'visibility', 'owner', 'min_disk', 'min_ram', 'virtual_size']);
const CONTROL = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'member_status', 'size_min', 'size_max', 'tag', 'visibility']);
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;
const paramsSchema = { type: 'object', properties: { id: { type: 'string', maxLength: 255 } }, required: ['id'] } as const;

/** The sort order a request asks for: `sort=k:dir,…` or sort_key/sort_dir; Glance's default is newest first. */
function sortOrder(query: Query): [string, 'asc' | 'desc'][] {
  const order: [string, 'asc' | 'desc'][] = [];
  const sort = first(query.sort);
  if (sort !== undefined) {
    if (query.sort_key !== undefined || query.sort_dir !== undefined) throw badRequest('The sort param can not be used with the sort_key or sort_dir params.');
    for (const part of sort.split(',')) {
      const [key = '', dir = 'asc'] = part.split(':');
      if (dir !== 'asc' && dir !== 'desc') throw badRequest(`Invalid sort direction: ${dir}`);
      order.push([key.trim(), dir]);
    }
  } else {
    const keys = all(query.sort_key);
    const dirs = all(query.sort_dir);
    for (const d of dirs) if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid sort direction: ${d}`);
    keys.forEach((k, i) => order.push([k, (dirs[i] ?? dirs[0] ?? 'desc') as 'asc' | 'desc']));
  }
  for (const [k] of order) if (!SORT_KEYS.has(k)) throw badRequest(`Invalid sort key: ${k}. It is not in the list of supported sort keys`);
  if (order.length === 0) order.push(['created_at', 'desc']);
  if (!order.some(([k]) => k === 'id')) order.push(['id', order[0]![1]]);
  return order;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** Does an image match one filter value? `in:a,b` lists alternatives, as Glance allows. */
function matches(value: unknown, wanted: string): boolean {
  const options = wanted.startsWith('in:') ? wanted.slice(3).split(',') : [wanted];
  if (typeof value === 'boolean') return options.some((o) => o.toLowerCase() === String(value));
  return options.some((o) => String(value) === o);
}

/**
 * Whether a listing shows an image: without a visibility filter Glance lists what the caller
 * owns, public images and shared ones it accepted (admins: everything); `member` is the
 * caller's membership status on the image, if any.
 */
function inScope(image: ImageRecord, caller: Caller, visibility: string | undefined, member: string | undefined, memberStatus: string): boolean {
  const memberOk = member !== undefined && (memberStatus === 'all' || member === memberStatus);
  if (visibility === undefined) {
    return caller.isAdmin || image.visibility === 'public' || image.owner === caller.projectId || (image.visibility === 'shared' && memberOk);
  }
  if (visibility !== 'all' && image.visibility !== visibility) return false;
  return caller.isAdmin || image.visibility === 'public' || image.visibility === 'community' || image.owner === caller.projectId || (image.visibility === 'shared' && memberOk);
}

function listImages(request: FastifyRequest, model: GlanceModel, caller: Caller) {
  const images = model.images.list();
  const query = (request.query ?? {}) as Query;
  const visibility = first(query.visibility);
  if (visibility !== undefined && !['public', 'private', 'shared', 'community', 'all'].includes(visibility)) {
    throw badRequest(`Invalid visibility value: ${visibility}`);
  }
  const num = (name: string): number | undefined => {
    const raw = first(query[name]);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw badRequest(`Invalid value for ${name}: '${raw}'; it must be a non-negative integer`);
    return Number(raw);
  };
  const memberStatus = first(query.member_status) ?? 'accepted';
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus)) throw badRequest(`Invalid status value: ${memberStatus}`);
  const memberOf = (i: ImageRecord) => (caller.projectId === undefined ? undefined : model.membership(i.id, caller.projectId)?.status);
  const sizeMin = num('size_min');
  const sizeMax = num('size_max');
  const limit = Math.min(num('limit') ?? DEFAULT_LIMIT, MAX_LIMIT);
  const tags = all(query.tag);
  // Hidden images only show up when asked for by os_hidden=true.
  const hidden = first(query.os_hidden)?.toLowerCase() ?? 'false';
  let items = images.filter(
    (i) =>
      inScope(i, caller, visibility, memberOf(i), memberStatus) &&
      String(i.os_hidden) === hidden &&
      tags.every((t) => i.tags.includes(t)) &&
      (sizeMin === undefined || (i.size ?? 0) >= sizeMin) &&
      (sizeMax === undefined || (i.size ?? 0) <= sizeMax) &&
      Object.entries(query).every(([k, v]) => CONTROL.has(k) || k === 'os_hidden' || all(v).every((w) => matches(i[k], w))),
  );
  const order = sortOrder(query);
  items = [...items].sort((a, b) => {
    for (const [k, dir] of order) {
      const c = compare(a[k], b[k]);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  });
  const marker = first(query.marker);
  if (marker !== undefined) {
    const at = items.findIndex((i) => i.id === marker);
    if (at < 0) throw badRequest(`Invalid marker. Image ${marker} could not be found.`);
    items = items.slice(at + 1);
  }
  const page = items.slice(0, limit);
  const body: Record<string, unknown> = { images: page, first: '/v2/images', schema: '/v2/schemas/images' };
  const last = page[page.length - 1];
  if (items.length > limit && last) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (k !== 'marker') for (const one of all(v)) params.append(k, one);
    params.set('marker', last.id);
    if (!params.has('limit')) params.set('limit', String(limit));
    body.next = `/v2/images?${params.toString()}`;
  }
  return body;
}

/** Splits a create body into the model's spec, checking each property as Glance's schema does. */
function specOf(body: Record<string, unknown>): { spec: ImageSpec; owner: unknown } {
  const spec: ImageSpec = {};
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    checkProperty(k, v);
    if (!isCore(k)) properties[k] = v as string;
  }
  Object.assign(spec, {
    id: body.id,
    name: body.name,
    visibility: body.visibility as ImageVisibility | undefined,
    protected: body.protected,
    os_hidden: body.os_hidden,
    min_disk: body.min_disk,
    min_ram: body.min_ram,
    disk_format: body.disk_format,
    container_format: body.container_format,
    tags: body.tags,
    properties,
  });
  return { spec, owner: body.owner };
}

interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

/** Applies a JSON-patch (openstack-images-v2.1) to a copy of an image; checks each change. */
function applyPatch(image: ImageRecord, ops: unknown, caller: Caller): ImageRecord {
  if (!Array.isArray(ops)) throw badRequest('Request body must be a JSON array of operation objects.');
  const next: ImageRecord = { ...image, tags: [...image.tags] };
  for (const raw of ops as unknown[]) {
    if (typeof raw !== 'object' || raw === null) throw badRequest('Operations must be JSON objects.');
    const op = raw as PatchOp;
    if (!['add', 'replace', 'remove'].includes(op.op)) throw badRequest(`Invalid operation: \`${String(op.op)}\`: Operation objects must contain exactly one member named "add", "remove", or "replace".`);
    if (typeof op.path !== 'string' || !/^\/[^/]+$/.test(op.path)) throw badRequest(`Invalid JSON pointer for this resource: '${String(op.path)}'`);
    const name = op.path.slice(1).replace(/~1/g, '/').replace(/~0/g, '~');
    if (op.op === 'remove') {
      if (isCore(name)) throw new ApiError(403, `Attribute '${name}' is read-only.`);
      if (!(name in next)) throw new ApiError(409, `Property ${name} does not exist.`);
      delete next[name];
      continue;
    }
    if (!('value' in op)) throw badRequest(`Operation "${op.op}" requires a member named "value".`);
    if (name === 'id') throw new ApiError(403, "Attribute 'id' is read-only.");
    checkProperty(name, op.value);
    if (op.op === 'replace' && !isCore(name) && !(name in next)) throw new ApiError(409, `Property ${name} does not exist.`);
    checkPrivileged({ [name]: op.value }, caller);
    next[name] = name === 'tags' ? [...new Set(op.value as string[])] : op.value;
  }
  return next;
}

/** /v2/images: create, list, show, update (JSON patch), delete. */
export function registerImageRoutes(app: FastifyInstance, site: SiteHost): void {
  const model = site.glance;

  app.get('/v2/images', async (request) => listImages(request, model, callerOf(request)));

  app.post<{ Body: Record<string, unknown> }>('/v2/images', { schema: { body: { type: 'object', maxProperties: 256 } } }, async (request, reply) => {
    const caller = callerOf(request);
    const { spec, owner } = specOf(request.body);
    checkPrivileged({ visibility: spec.visibility, owner }, caller);
    const project = typeof owner === 'string' ? owner : caller.projectId;
    if (!project) throw forbidden('Creating an image needs a project-scoped token.');
    const image = model.createImage(project, spec);
    return reply.code(201).header('Location', `${site.url('glance')}/v2/images/${image.id}`).send(image);
  });

  app.get<{ Params: { id: string } }>('/v2/images/:id', { schema: { params: paramsSchema } }, async (request) =>
    visibleImage(model, request.params.id, callerOf(request)),
  );

  app.patch<{ Params: { id: string } }>('/v2/images/:id', { schema: { params: paramsSchema } }, async (request) => {
    const type = String(request.headers['content-type'] ?? '');
    if (!/^application\/openstack-images-v2\.[01]-json-patch/.test(type)) {
      throw new ApiError(415, `Unsupported Content-Type: ${type}`, undefined, { 'Accept-Patch': 'application/openstack-images-v2.1-json-patch' });
    }
    const caller = callerOf(request);
    const image = ownImage(model, request.params.id, caller, 'modify');
    return model.save(applyPatch(image, request.body, caller));
  });

  app.delete<{ Params: { id: string } }>('/v2/images/:id', { schema: { params: paramsSchema } }, async (request, reply) => {
    const image = ownImage(model, request.params.id, callerOf(request), 'delete');
    if (image.protected) throw forbidden(`Image ${image.id} is protected and cannot be deleted.`);
    model.deleteImage(image.id);
    return reply.code(204).send();
  });

  const tagParams = { type: 'object', properties: { id: { type: 'string', maxLength: 255 }, tag: { type: 'string', minLength: 1, maxLength: 255 } }, required: ['id', 'tag'] } as const;
  app.put<{ Params: { id: string; tag: string } }>('/v2/images/:id/tags/:tag', { schema: { params: tagParams } }, async (request, reply) => {
    const image = ownImage(model, request.params.id, callerOf(request), 'modify');
    if (!image.tags.includes(request.params.tag)) {
      if (image.tags.length >= 128) throw new ApiError(413, 'Maximum tag count exceeded');
      model.save({ ...image, tags: [...image.tags, request.params.tag] });
    }
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string; tag: string } }>('/v2/images/:id/tags/:tag', { schema: { params: tagParams } }, async (request, reply) => {
    const image = ownImage(model, request.params.id, callerOf(request), 'modify');
    if (!image.tags.includes(request.params.tag)) throw new ApiError(404, `Tag ${request.params.tag} not found`);
    model.save({ ...image, tags: image.tags.filter((t) => t !== request.params.tag) });
    return reply.code(204).send();
  });
}
