import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../http/errors.js';
import { atLeast } from '../../http/microversion.js';
import type { SiteHost } from '../../host.js';
import { requireState } from '../lifecycle.js';
import type { ServerRecord } from '../records.js';
import { caller, schemas } from './common.js';

/** Nova's instance.MAX_TAG_COUNT. */
export const MAX_TAGS = 50;
/** Nova's parameter_types.tag. */
export const tagSchema = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[^,/]*$' } as const;

type Params = { Params: { id: string; tag?: string } };
const params = { params: { type: 'object', properties: { id: schemas.id, tag: { type: 'string' } } } } as const;
const replaceBody = {
  type: 'object',
  required: ['tags'],
  additionalProperties: false,
  properties: { tags: { type: 'array', items: tagSchema, maxItems: MAX_TAGS } },
} as const;

/** Why a tag in a URL is not one, in jsonschema's words as Nova quotes them. */
function tagProblem(tag: string): string | undefined {
  if (tag.length < 1) return `'${tag}' is too short`;
  if (tag.length > 60) return `'${tag}' is too long`;
  if (/[,/]/.test(tag)) return `'${tag}' does not match '^[^,/]*$'`;
  return undefined;
}

/** /servers/{id}/tags (2.26): list, replace and clear a server's tags, and check, add or remove one. */
export function registerServerTagRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  const base = '/v2.1/servers/:id/tags';
  /** The server, after the microversion check: below 2.26 these routes do not exist. */
  const server = (req: FastifyRequest<Params>): ServerRecord => {
    if (!atLeast(req.microversion, '2.26')) throw notFound('The resource could not be found.');
    const auth = caller(req);
    return nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
  };
  /** Tags change on servers in these states only (Nova: active, paused, suspended, stopped). */
  const changeable = (req: FastifyRequest<Params>, action: string): ServerRecord => {
    const s = server(req);
    requireState(s, action, ['active', 'stopped'], false);
    return s;
  };
  // Tags are their own table in Nova: changing them leaves the server's updated_at alone.
  const store = (s: ServerRecord, tags: string[]) => nova.servers.put({ ...s, tags });

  app.get<Params>(base, { schema: params }, async (req) => ({ tags: server(req).tags }));

  app.put<Params & { Body: { tags: string[] } }>(base, { schema: { ...params, body: replaceBody } }, async (req) => {
    const s = changeable(req, 'update tags');
    return { tags: store(s, [...new Set(req.body.tags)]).tags };
  });

  app.delete<Params>(base, { schema: params }, async (req, reply) => {
    store(changeable(req, 'delete tags'), []);
    return reply.code(204).send();
  });

  app.get<Params>(`${base}/:tag`, { schema: params }, async (req, reply) => {
    const s = server(req);
    const tag = req.params.tag!;
    if (!s.tags.includes(tag)) throw notFound(`Server ${s.id} has no tag '${tag}'`);
    return reply.code(204).send();
  });

  app.put<Params>(`${base}/:tag`, { schema: params }, async (req, reply) => {
    const s = changeable(req, 'update tag');
    const tag = req.params.tag!;
    // Nova's schema for this body is null: the tag is in the URL.
    if (req.body !== undefined && req.body !== null) throw badRequest(`Invalid input for field/attribute body. Value: ${JSON.stringify(req.body)}. ${JSON.stringify(req.body)} is not of type 'null'`);
    const problem = tagProblem(tag);
    if (problem) throw badRequest(`Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: ${problem}`);
    if (s.tags.length >= MAX_TAGS) throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
    if (s.tags.includes(tag)) return reply.code(204).send();
    store(s, [...s.tags, tag]);
    return reply.code(201).header('Location', `${site.url('nova')}/v2.1/servers/${s.id}/tags/${encodeURIComponent(tag)}`).send();
  });

  app.delete<Params>(`${base}/:tag`, { schema: params }, async (req, reply) => {
    const s = changeable(req, 'delete tag');
    const tag = req.params.tag!;
    if (!s.tags.includes(tag)) throw notFound(`Instance ${s.id} has no tag '${tag}'`);
    store(s, s.tags.filter((t) => t !== tag));
    return reply.code(204).send();
  });
}
