import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { callerOf, ownImage, visibleImage } from '../access.js';

/** Largest upload accepted; the simulation keeps sizes and hashes, not disks. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const paramsSchema = { type: 'object', properties: { id: { type: 'string', maxLength: 255 } }, required: ['id'] } as const;

/** /v2/images/{id}/file: upload (queued → active) and download. */
export function registerImageDataRoutes(app: FastifyInstance, site: SiteHost): void {
  const model = site.glance;

  app.put<{ Params: { id: string } }>('/v2/images/:id/file', { bodyLimit: MAX_UPLOAD_BYTES, schema: { params: paramsSchema } }, async (request, reply) => {
    const image = ownImage(model, request.params.id, callerOf(request), 'upload data to');
    const type = String(request.headers['content-type'] ?? '');
    if (!type.startsWith('application/octet-stream')) throw new ApiError(415, `Content-Type must be application/octet-stream, not '${type}'`);
    if (image.status !== 'queued') throw new ApiError(409, `Image status transition from ${image.status} to saving is not allowed`);
    const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    model.storeData(image.id, data);
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/v2/images/:id/file', { schema: { params: paramsSchema } }, async (request, reply) => {
    const image = visibleImage(model, request.params.id, callerOf(request));
    if (image.status === 'queued') return reply.code(204).send();
    if (image.status !== 'active') throw new ApiError(403, 'The requested image has been deactivated. Image data download is forbidden.');
    const data = model.readData(image.id);
    if (!data) throw new ApiError(404, `Image ${image.id} has no data this simulation kept (it was seeded or larger than it stores).`);
    reply.header('Content-MD5', image.checksum ?? '').type('application/octet-stream');
    return reply.send(data);
  });
}
