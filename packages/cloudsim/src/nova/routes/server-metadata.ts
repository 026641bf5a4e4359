import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, forbidden, notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { requireState } from '../lifecycle.js';
import type { ServerRecord } from '../records.js';
import { caller, schemas } from './common.js';

type Params = { Params: { id: string; key?: string } };
const params = { params: { type: 'object', properties: { id: schemas.id, key: { type: 'string', minLength: 1, maxLength: 255 } } } } as const;
const metadataBody = { type: 'object', required: ['metadata'], additionalProperties: false, properties: { metadata: schemas.metadata } } as const;
const metaBody = {
  type: 'object',
  required: ['meta'],
  additionalProperties: false,
  properties: { meta: { ...schemas.metadata, minProperties: 1, maxProperties: 1 } },
} as const;

/** /servers/{id}/metadata: replace (PUT), merge (POST), and per-key show, set and delete. */
export function registerServerMetadataRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  const base = '/v2.1/servers/:id/metadata';
  const server = (req: FastifyRequest<Params>): ServerRecord => {
    const auth = caller(req);
    return nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
  };
  const store = (s: ServerRecord, metadata: Record<string, string>) => {
    requireState(s, 'update metadata', ['active', 'stopped', 'building', 'error'], false);
    if (Object.keys(metadata).length > (nova.quotaLimits(s.project_id).metadata_items ?? 128)) {
      throw forbidden('Quota exceeded for metadata_items: the number of metadata items exceeds the limit');
    }
    s.metadata = metadata;
    s.updated_ms = nova.now();
    nova.servers.put(s);
    return { metadata };
  };

  app.get<Params>(base, { schema: params }, async (req) => ({ metadata: server(req).metadata }));
  app.put<Params & { Body: { metadata: Record<string, string> } }>(base, { schema: { ...params, body: metadataBody } }, async (req) =>
    store(server(req), req.body.metadata),
  );
  app.post<Params & { Body: { metadata: Record<string, string> } }>(base, { schema: { ...params, body: metadataBody } }, async (req) => {
    const s = server(req);
    return store(s, { ...s.metadata, ...req.body.metadata });
  });
  app.get<Params>(`${base}/:key`, { schema: params }, async (req) => {
    const s = server(req);
    const key = req.params.key!;
    if (!(key in s.metadata)) throw notFound('Metadata item was not found');
    return { meta: { [key]: s.metadata[key] } };
  });
  app.put<Params & { Body: { meta: Record<string, string> } }>(`${base}/:key`, { schema: { ...params, body: metaBody } }, async (req) => {
    const s = server(req);
    const key = req.params.key!;
    if (!(key in req.body.meta)) throw badRequest('Request body and URI mismatch');
    store(s, { ...s.metadata, [key]: req.body.meta[key]! });
    return { meta: { [key]: req.body.meta[key] } };
  });
  app.delete<Params>(`${base}/:key`, { schema: params }, async (req, reply) => {
    const s = server(req);
    const key = req.params.key!;
    if (!(key in s.metadata)) throw notFound('Metadata item was not found');
    const rest = { ...s.metadata };
    delete rest[key];
    store(s, rest);
    reply.code(204).send();
  });
}
