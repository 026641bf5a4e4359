import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { P, caller, schemas, type IdParams } from './common.js';

type KeyParams = IdParams & { key: string };
const metadataBody = { type: 'object', required: ['metadata'], additionalProperties: false, properties: { metadata: { ...schemas.specs } } } as const;
const metaBody = { type: 'object', required: ['meta'], additionalProperties: false, properties: { meta: { ...schemas.specs, minProperties: 1, maxProperties: 1 } } } as const;
const keyParams = { type: 'object', properties: { key: { type: 'string', minLength: 1, maxLength: 255 } } } as const;

/** /volumes/{id}/metadata: OSC's `volume set --property` and `volume unset --property` use it. */
export function registerVolumeMetadataRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const volume = (req: FastifyRequest<{ Params: IdParams }>) => {
    const auth = caller(req);
    return cinder.visibleVolume(req.params.id, auth.projectId, auth.isAdmin);
  };
  const base = `${P}/volumes/:id/metadata`;

  app.get<{ Params: IdParams }>(base, async (req) => ({ metadata: volume(req).metadata }));

  // POST merges into the existing metadata, PUT replaces it; both answer with what was sent.
  for (const method of ['post', 'put'] as const) {
    app[method]<{ Params: IdParams; Body: { metadata: Record<string, string> } }>(base, { schema: { body: metadataBody } }, async (req) => {
      const v = volume(req);
      const updated = cinder.updateVolume(v.id, (x) => (x.metadata = method === 'post' ? { ...x.metadata, ...req.body.metadata } : { ...req.body.metadata }));
      return { metadata: updated.metadata };
    });
  }

  app.get<{ Params: KeyParams }>(`${base}/:key`, { schema: { params: keyParams } }, async (req) => {
    const value = volume(req).metadata[req.params.key];
    if (value === undefined) throw notFound(`Volume ${req.params.id} has no metadata with key ${req.params.key}.`);
    return { meta: { [req.params.key]: value } };
  });

  app.put<{ Params: KeyParams; Body: { meta: Record<string, string> } }>(`${base}/:key`, { schema: { params: keyParams, body: metaBody } }, async (req) => {
    const v = volume(req);
    const value = req.body.meta[req.params.key];
    if (value === undefined) throw badRequest('Request body and URI mismatch');
    cinder.updateVolume(v.id, (x) => (x.metadata = { ...x.metadata, [req.params.key]: value }));
    return { meta: { [req.params.key]: value } };
  });

  app.delete<{ Params: KeyParams }>(`${base}/:key`, { schema: { params: keyParams } }, async (req, reply) => {
    const v = volume(req);
    if (!(req.params.key in v.metadata)) throw notFound(`Volume ${v.id} has no metadata with key ${req.params.key}.`);
    cinder.updateVolume(v.id, (x) => delete x.metadata[req.params.key]);
    return reply.code(200).send();
  });
}
