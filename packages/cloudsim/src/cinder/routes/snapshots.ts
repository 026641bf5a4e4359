import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import type { SnapshotRecord } from '../records.js';
import { P, allTenants, caller, callerProject, cleanMetadata, listBody, listQuerySchema, schemas, truthy, type IdParams, type ListQuery, type ProjectParams } from './common.js';
import { snapshotView } from './views.js';

const createBody = {
  type: 'object',
  required: ['snapshot'],
  additionalProperties: false,
  properties: {
    snapshot: {
      type: 'object',
      required: ['volume_id'],
      additionalProperties: false,
      properties: {
        volume_id: schemas.uuid,
        name: schemas.name,
        display_name: schemas.name,
        description: schemas.description,
        display_description: schemas.description,
        force: schemas.boolish,
        metadata: schemas.metadata,
      },
    },
  },
} as const;

const updateBody = {
  type: 'object',
  required: ['snapshot'],
  additionalProperties: false,
  properties: {
    snapshot: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: { name: schemas.name, display_name: schemas.name, description: schemas.description, display_description: schemas.description },
    },
  },
} as const;

type SnapshotFields = { name?: string | null; display_name?: string | null; description?: string | null; display_description?: string | null };

/** /snapshots: bytes are captured when the snapshot is taken; volumes can be created from them. */
export function registerSnapshotRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const find = (req: FastifyRequest, id: string): SnapshotRecord => {
    const auth = caller(req);
    const s = cinder.getSnapshot(id);
    if (!s || (!auth.isAdmin && s.project_id !== auth.projectId)) throw notFound(`Snapshot ${id} could not be found.`);
    return s;
  };
  const list = (full: boolean) => async (req: FastifyRequest<{ Params: ProjectParams; Querystring: ListQuery }>) =>
    listBody(req, allTenants(req) ? cinder.listSnapshots() : cinder.listSnapshots(callerProject(req)), {
      base: `${site.url('cinder')}/v3/${req.params.project_id}/snapshots${full ? '/detail' : ''}`,
      key: 'snapshots',
      render: (s) => snapshotView(req, s),
      filters: { name: (x) => (s) => s.name === x, status: (x) => (s) => s.status === x, volume_id: (x) => (s) => s.volume_id === x },
      sortKeys: ['id', 'name', 'created_at', 'status', 'size', 'volume_id'],
    });
  app.get(`${P}/snapshots`, { schema: { querystring: listQuerySchema } }, list(false));
  app.get(`${P}/snapshots/detail`, { schema: { querystring: listQuerySchema } }, list(true));
  app.get<{ Params: IdParams }>(`${P}/snapshots/:id`, async (req) => ({ snapshot: snapshotView(req, find(req, req.params.id)) }));

  app.post<{ Params: ProjectParams; Body: { snapshot: SnapshotFields & { volume_id: string; force?: boolean | string; metadata?: Record<string, string | null> | null } } }>(
    `${P}/snapshots`,
    { schema: { body: createBody } },
    async (req, reply) => {
      const auth = caller(req);
      const b = req.body.snapshot;
      const projectId = auth.isAdmin ? (cinder.getVolume(b.volume_id)?.project_id ?? callerProject(req)) : callerProject(req);
      const s = cinder.createSnapshot(
        projectId,
        { volume_id: b.volume_id, name: b.name ?? b.display_name, description: b.description ?? b.display_description, metadata: cleanMetadata(b.metadata), force: truthy(b.force) },
        auth.userId,
      );
      return reply.code(202).send({ snapshot: snapshotView(req, s) });
    },
  );

  app.put<{ Params: IdParams; Body: { snapshot: SnapshotFields } }>(`${P}/snapshots/:id`, { schema: { body: updateBody } }, async (req) => {
    const s = find(req, req.params.id);
    const b = req.body.snapshot;
    const updated = cinder.updateSnapshot(s.id, (x) => {
      const name = b.name !== undefined ? b.name : b.display_name;
      const description = b.description !== undefined ? b.description : b.display_description;
      if (name !== undefined) x.name = name;
      if (description !== undefined) x.description = description;
    });
    return { snapshot: snapshotView(req, updated) };
  });

  app.delete<{ Params: IdParams }>(`${P}/snapshots/:id`, async (req, reply) => {
    cinder.deleteSnapshot(find(req, req.params.id).id);
    return reply.code(202).send();
  });
}
