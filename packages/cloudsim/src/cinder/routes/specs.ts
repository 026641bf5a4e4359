import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../http/errors.js';
import { schemas } from './common.js';

interface SpecOwner {
  id: string;
}

/** What the shared spec routes need to know about one kind of type. */
export interface SpecRoutesOptions<T extends SpecOwner> {
  /** e.g. `${P}/types/:id/extra_specs`. */
  path: string;
  /** extra_specs or group_specs: the body key and the record field. */
  key: 'extra_specs' | 'group_specs';
  find: (req: FastifyRequest, id: string) => T;
  specs: (t: T) => Record<string, string>;
  save: (t: T, specs: Record<string, string>) => void;
  /** Throws unless the caller may change specs. */
  authorizeWrite: (req: FastifyRequest) => void;
  /** Microversion the API needs (group specs: 3.11). */
  before?: (req: FastifyRequest) => void;
}

type SpecParams = { project_id: string; id: string; key: string };

/** /types/{id}/extra_specs and /group_types/{id}/group_specs share one shape: list, set, show, update, delete a key. */
export function registerSpecRoutes<T extends SpecOwner>(app: FastifyInstance, o: SpecRoutesOptions<T>): void {
  const keyParams = { params: { type: 'object', properties: { key: { type: 'string', minLength: 1, maxLength: 255 } } } } as const;
  const load = (req: FastifyRequest<{ Params: { id: string } }>) => {
    o.before?.(req);
    return o.find(req, req.params.id);
  };

  app.get<{ Params: SpecParams }>(o.path, async (req) => ({ [o.key]: o.specs(load(req)) }));

  app.post<{ Params: SpecParams; Body: Record<string, Record<string, string>> }>(
    o.path,
    { schema: { body: { type: 'object', required: [o.key], additionalProperties: false, properties: { [o.key]: schemas.specs } } } },
    async (req) => {
      const t = load(req);
      o.authorizeWrite(req);
      const given = req.body[o.key]!;
      o.save(t, { ...o.specs(t), ...given });
      return { [o.key]: given };
    },
  );

  app.get<{ Params: SpecParams }>(`${o.path}/:key`, { schema: keyParams }, async (req) => {
    const specs = o.specs(load(req));
    const v = specs[req.params.key];
    if (v === undefined) throw notFound(`${o.key === 'extra_specs' ? 'Volume Type' : 'Group Type'} ${req.params.id} has no extra specs with key ${req.params.key}.`);
    return { [req.params.key]: v };
  });

  app.put<{ Params: SpecParams; Body: Record<string, string> }>(
    `${o.path}/:key`,
    { schema: { ...keyParams, body: { ...schemas.specs, minProperties: 1, maxProperties: 1 } } },
    async (req) => {
      const t = load(req);
      o.authorizeWrite(req);
      if (!(req.params.key in req.body)) throw badRequest('Request body and URI mismatch');
      o.save(t, { ...o.specs(t), [req.params.key]: req.body[req.params.key]! });
      return { [req.params.key]: req.body[req.params.key] };
    },
  );

  app.delete<{ Params: SpecParams }>(`${o.path}/:key`, { schema: keyParams }, async (req, reply) => {
    const t = load(req);
    o.authorizeWrite(req);
    const specs = { ...o.specs(t) };
    if (!(req.params.key in specs)) throw notFound(`${o.key === 'extra_specs' ? 'Volume Type' : 'Group Type'} ${req.params.id} has no extra specs with key ${req.params.key}.`);
    delete specs[req.params.key];
    o.save(t, specs);
    return reply.code(202).send();
  });
}
