import type { FastifyInstance } from 'fastify';
import { ArrayError } from '@protector/arraysim';
import { ApiError, badRequest, conflict, notFound } from '../http/errors.js';
import type { SiteHost } from '../host.js';

const NAME = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,62}$' } as const;

/** Array model errors as /sim answers them: the model's message, with its meaning as the status. */
function simError(err: unknown): never {
  if (err instanceof ArrayError) {
    if (err.code === 'not_found') throw notFound(err.message);
    if (err.code === 'conflict') throw conflict(err.message);
    if (err.code === 'invalid') throw badRequest(err.message);
    throw new ApiError(503, err.message);
  }
  throw err;
}

const guarded = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    simError(err);
  }
};

/**
 * Fault switches of the site's array, for tests and the lab: take the array off the network,
 * cut or slow its replication link to a peer, or make a named call fail N times. These act on
 * the array model, so they hold for every process that shares its file.
 */
export function registerArrayRoutes(app: FastifyInstance, site: SiteHost): void {
  const arrays = site.arrays;
  const name = site.arrayName;

  const view = () => ({
    name,
    url: site.url('array'),
    // The CA its HTTPS certificate is issued by (PEM), to verify the face with.
    ca: site.arrayCa,
    down: arrays.isArrayDown(name),
    // A down array answers nothing, its connections included.
    connections: arrays.isArrayDown(name) ? [] : arrays.listArrayConnections(name),
  });

  app.get('/sim/array', async () => view());

  app.put<{ Body: { down: boolean } }>(
    '/sim/array',
    { schema: { body: { type: 'object', required: ['down'], additionalProperties: false, properties: { down: { type: 'boolean' } } } } },
    async (req) => {
      guarded(() => arrays.setArrayDown(name, req.body.down));
      return view();
    },
  );

  app.put<{ Params: { remote: string }; Body: { up?: boolean; bandwidth?: number; latency_ms?: number } }>(
    '/sim/array/connections/:remote',
    {
      schema: {
        params: { type: 'object', properties: { remote: NAME } },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            up: { type: 'boolean' },
            bandwidth: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            latency_ms: { type: 'integer', minimum: 0, maximum: 600000 },
          },
        },
      },
    },
    async (req) => {
      guarded(() => arrays.setLink(name, req.params.remote, req.body));
      return view();
    },
  );

  app.put<{ Body: { call: string; times: number } }>(
    '/sim/array/fail-next',
    {
      schema: {
        body: {
          type: 'object',
          required: ['call', 'times'],
          additionalProperties: false,
          properties: { call: { type: 'string', pattern: '^[A-Za-z]{1,64}$' }, times: { type: 'integer', minimum: 0, maximum: 1000000 } },
        },
      },
    },
    async (req) => {
      guarded(() => arrays.failNext(name, req.body.call, req.body.times));
      return view();
    },
  );
}
