import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonArray, jsonObject, sendJson } from '../../http/json-body.js';
import { badRequest } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import type { Frozen } from '../../store/frozen.js';
import type { VolumeRecord } from '../records.js';
import {
  P, allTenants, caller, callerProject, cleanMetadata, listPage, listQuerySchema, parseDictFilter, schemas, truthy,
  type IdParams, type ListQuery, type ProjectParams,
} from './common.js';
import { volumeDetail, volumeDetailJson, volumeSummary } from './views.js';

interface CreateBody {
  volume: {
    size?: number | null;
    name?: string | null;
    description?: string | null;
    imageRef?: string | null;
    image_id?: string | null;
    snapshot_id?: string | null;
    source_volid?: string | null;
    volume_type?: string | null;
    availability_zone?: string | null;
    metadata?: Record<string, string | null> | null;
    group_id?: string | null;
  };
}

const volumeCreate = {
  type: 'object',
  required: ['volume'],
  additionalProperties: false,
  properties: {
    volume: {
      type: 'object',
      additionalProperties: false,
      properties: {
        size: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000 },
        name: schemas.name,
        display_name: schemas.name,
        description: schemas.description,
        display_description: schemas.description,
        imageRef: { type: ['string', 'null'], maxLength: 255 },
        image_id: { type: ['string', 'null'], maxLength: 255 },
        snapshot_id: schemas.optionalUuid,
        source_volid: schemas.optionalUuid,
        backup_id: { type: 'null' },
        consistencygroup_id: { type: 'null' },
        group_id: schemas.optionalUuid,
        volume_type: { type: ['string', 'null'], maxLength: 255 },
        availability_zone: { type: ['string', 'null'], maxLength: 255 },
        metadata: schemas.metadata,
        multiattach: { type: 'boolean' },
      },
    },
    'OS-SCH-HNT:scheduler_hints': { type: ['object', 'null'] },
  },
} as const;

const volumeUpdate = {
  type: 'object',
  required: ['volume'],
  additionalProperties: false,
  properties: {
    volume: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        name: schemas.name,
        display_name: schemas.name,
        description: schemas.description,
        display_description: schemas.description,
        metadata: schemas.metadata,
      },
    },
  },
} as const;

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 255 } } } as const;

/** /volumes: create, list (summary and detail), show, update, delete. */
export function registerVolumeRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const root = () => site.url('cinder');

  const visible = (req: FastifyRequest<{ Querystring: ListQuery }>): Frozen<VolumeRecord>[] => {
    if (allTenants(req)) {
      const p = req.query.project_id;
      return cinder.listVolumes(typeof p === 'string' ? p : undefined);
    }
    return cinder.listVolumes(callerProject(req));
  };
  const filters: Record<string, (value: string) => (v: Frozen<VolumeRecord>) => boolean> = {
    name: (x) => (v) => v.name === x,
    status: (x) => (v) => v.status === x,
    bootable: (x) => (v) => v.bootable === String(truthy(x)),
    availability_zone: (x) => (v) => v.availability_zone === x,
    volume_type: (x) => (v) => v.volume_type === x || v.volume_type_id === x,
    group_id: (x) => (v) => v.group_id === x,
    // Every pair must match, as Cinder's volume_metadata.any(key, value) per pair.
    metadata: (x) => {
      const want = Object.entries(parseDictFilter(x, 'metadata'));
      return (v) => want.every(([k, val]) => Object.hasOwn(v.metadata, k) && v.metadata[k] === val);
    },
  };
  const sortKeys = ['created_at', 'updated_at', 'id', 'name', 'size', 'status', 'bootable', 'availability_zone', 'volume_type', 'project_id'];
  // Volume lists are what a caller polls many volumes with: items keep their JSON while unchanged.
  const list = (detail: boolean) => async (req: FastifyRequest<{ Params: ProjectParams; Querystring: ListQuery }>, reply: FastifyReply) => {
    const base = root();
    const { page, links, count } = listPage(req, visible(req), {
      base: `${base}/v3/${req.params.project_id}/volumes${detail ? '/detail' : ''}`,
      key: 'volumes',
      filters,
      sortKeys,
    });
    const items = page.map((v) => (detail ? volumeDetailJson(req, base, v) : JSON.stringify(volumeSummary(base, v))));
    const members: [string, string][] = [['volumes', jsonArray(items)]];
    if (links) members.push(['volumes_links', JSON.stringify(links)]);
    if (count !== undefined) members.push(['count', JSON.stringify(count)]);
    return sendJson(reply, jsonObject(members));
  };
  const listSchema = { querystring: { ...listQuerySchema, properties: { ...listQuerySchema.properties, project_id: { type: 'string', maxLength: 255 } } } };
  app.get(`${P}/volumes`, { schema: listSchema }, list(false));
  app.get(`${P}/volumes/detail`, { schema: listSchema }, list(true));

  app.get<{ Params: IdParams }>(`${P}/volumes/:id`, { schema: { params: idParams } }, async (req) => {
    const auth = caller(req);
    return { volume: volumeDetail(req, root(), cinder.visibleVolume(req.params.id, auth.projectId, auth.isAdmin)) };
  });

  app.post<{ Params: ProjectParams; Body: CreateBody & { volume: { display_name?: string | null; display_description?: string | null } } }>(
    `${P}/volumes`,
    { schema: { body: volumeCreate } },
    async (req, reply) => {
      const auth = caller(req);
      const projectId = callerProject(req);
      const b = req.body.volume;
      const imageId = b.imageRef ?? b.image_id ?? undefined;
      if (imageId && !site.glance.visibleImage(imageId, projectId, auth.isAdmin)) {
        throw badRequest('Invalid image identifier or unable to access requested image.');
      }
      if (b.snapshot_id) {
        const snap = cinder.getSnapshot(b.snapshot_id);
        if (!snap || (!auth.isAdmin && snap.project_id !== projectId)) throw badRequest(`Invalid input received: Snapshot ${b.snapshot_id} could not be found.`);
      }
      if (b.source_volid) cinder.visibleVolume(b.source_volid, projectId, auth.isAdmin);
      if (!b.size && !b.snapshot_id && !b.source_volid) throw badRequest('Invalid input for field/attribute size. Value: None. None is not of type integer');
      if (b.group_id) {
        const g = cinder.getGroup(b.group_id);
        if (!g || g.project_id !== projectId) throw badRequest(`Invalid input received: Group ${b.group_id} could not be found.`);
      }
      const vol = cinder.createVolume(
        projectId,
        {
          size: b.size ?? 0,
          name: b.name ?? b.display_name ?? null,
          description: b.description ?? b.display_description ?? null,
          image_id: imageId,
          snapshot_id: b.snapshot_id ?? undefined,
          source_volid: b.source_volid ?? undefined,
          volume_type: b.volume_type ?? undefined,
          availability_zone: b.availability_zone ?? undefined,
          metadata: cleanMetadata(b.metadata),
          group_id: b.group_id ?? undefined,
        },
        { userId: auth.userId, isAdmin: auth.isAdmin },
      );
      return reply.code(202).send({ volume: volumeDetail(req, root(), vol) });
    },
  );

  app.put<{ Params: IdParams; Body: { volume: { name?: string | null; display_name?: string | null; description?: string | null; display_description?: string | null; metadata?: Record<string, string | null> | null } } }>(
    `${P}/volumes/:id`,
    { schema: { params: idParams, body: volumeUpdate } },
    async (req) => {
      const auth = caller(req);
      const v = cinder.visibleVolume(req.params.id, auth.projectId, auth.isAdmin);
      const b = req.body.volume;
      const updated = cinder.updateVolume(v.id, (x) => {
        const name = b.name !== undefined ? b.name : b.display_name;
        const description = b.description !== undefined ? b.description : b.display_description;
        if (name !== undefined) x.name = name;
        if (description !== undefined) x.description = description;
        if (b.metadata !== undefined) x.metadata = cleanMetadata(b.metadata);
      });
      return { volume: volumeDetail(req, root(), updated) };
    },
  );

  app.delete<{ Params: IdParams; Querystring: { cascade?: string; force?: string } }>(
    `${P}/volumes/:id`,
    { schema: { params: idParams, querystring: { type: 'object', properties: { cascade: { type: 'string', maxLength: 10 }, force: { type: 'string', maxLength: 10 } } } } },
    async (req, reply) => {
      const auth = caller(req);
      const v = cinder.visibleVolume(req.params.id, auth.projectId, auth.isAdmin);
      const cascade = truthy(req.query.cascade);
      if (!(truthy(req.query.force) && auth.isAdmin)) cinder.checkDeletable(v, cascade);
      cinder.deleteVolume(v.id, { cascade });
      return reply.code(202).send();
    },
  );
}
