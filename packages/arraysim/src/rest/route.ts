import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ArrayModel } from '../model/model.js';
import { badRequest, RestError, unauthorized } from './errors.js';
import { parseParams, type ParamSpec, type Params } from './params.js';
import type { Sessions } from './session.js';

/** What every resource module works with: the model, the one array it serves, its sessions. */
export interface RestContext {
  app: FastifyInstance;
  model: ArrayModel;
  array: string;
  sessions: Sessions;
  /** The versions this face advertises and serves. */
  versions: readonly string[];
}

export interface Call<S extends ParamSpec> {
  q: Params<S>;
  body: unknown;
  request: FastifyRequest;
  reply: FastifyReply;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Registers `/api/<version>/<path>`: checks the version, the session (unless `auth` is false)
 * and the query parameters, then answers 200 with what the handler returns (no body for
 * undefined, as the array answers a DELETE).
 */
export function route<S extends ParamSpec>(
  ctx: RestContext,
  method: Method,
  path: string,
  params: S,
  handler: (call: Call<S>) => unknown,
  opts: { auth?: boolean } = {},
): void {
  ctx.app.route({
    method,
    url: `/api/:version/${path}`,
    handler: async (request, reply) => {
      const { version } = request.params as { version: string };
      if (!ctx.versions.includes(version)) throw new RestError(404, request.url.split('?')[0] ?? '', `API version '${version}' is not supported.`);
      if (opts.auth !== false) authenticate(ctx, request);
      const q = parseParams(request.query, params);
      const out = handler({ q, body: request.body, request, reply });
      if (out === undefined) return reply.code(200).send();
      // Lists hand the next page's token in a header too, as the array does.
      const token = (out as { continuation_token?: unknown }).continuation_token;
      if (typeof token === 'string') reply.header('x-next-token', token);
      return reply.code(200).type('application/json').send(out);
    },
  });
}

function authenticate(ctx: RestContext, request: FastifyRequest): void {
  const token = request.headers['x-auth-token'];
  const where = request.url.split('?')[0] ?? '';
  if (typeof token !== 'string' || token === '') throw unauthorized(where, 'Missing x-auth-token header; log in with POST /api/2.x/login first.');
  if (ctx.sessions.touch(token) === null) throw unauthorized(where, 'Invalid or expired session; log in again.');
}

/** The names a mutating call acts on: `names` is required, one at most where the array allows only one. */
export function oneName(names: string[] | undefined, param = 'names'): string {
  if (!names) throw badRequest(param, `Missing required query parameter '${param}'.`);
  if (names.length !== 1) throw badRequest(param, `Exactly one name is allowed in '${param}' for this call.`);
  return names[0]!;
}

/**
 * The objects a mutating call acts on, from `names` or `ids` (exactly one of them, as the array
 * requires); ids are looked up in `list`, which is only called when ids are given.
 */
export function targetNames(q: { names?: string[]; ids?: string[] }, list: () => { name: string; id: string }[]): string[] {
  if (q.names && q.ids) throw badRequest('ids', "The 'ids' and 'names' parameters cannot be used together.");
  if (q.names) return q.names;
  if (!q.ids) throw badRequest('names', "Missing required query parameter 'names' (or 'ids').");
  const byId = new Map(list().map((o) => [o.id, o.name]));
  return q.ids.map((id) => {
    const name = byId.get(id);
    if (name === undefined) throw badRequest(id, `Object with ID '${id}' does not exist.`);
    return name;
  });
}
