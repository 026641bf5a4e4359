import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../http/errors.js';
import type { Site } from '../../site.js';
import type { BackendVolumeRecord } from '../records.js';
import { P, caller, callerProject, cleanMetadata, listBody, listQuerySchema, requireAdmin, requireVersion, schemas, truthy, type ListQuery, type ProjectParams } from './common.js';
import { volumeDetail } from './views.js';

const manageBody = {
  type: 'object',
  required: ['volume'],
  additionalProperties: false,
  properties: {
    volume: {
      type: 'object',
      required: ['host', 'ref'],
      additionalProperties: false,
      properties: {
        host: { type: ['string', 'null'], maxLength: 255 },
        cluster: { type: ['string', 'null'], maxLength: 255 },
        ref: { type: 'object', minProperties: 1, properties: { 'source-name': { type: 'string', minLength: 1, maxLength: 255 }, 'source-id': { type: 'string', maxLength: 255 } } },
        name: schemas.name,
        description: schemas.description,
        volume_type: { type: ['string', 'null'], maxLength: 255 },
        availability_zone: { type: ['string', 'null'], maxLength: 255 },
        bootable: schemas.boolish,
        metadata: schemas.metadata,
      },
    },
  },
} as const;

type ManageBody = {
  volume: {
    host: string | null;
    ref: { 'source-name'?: string; 'source-id'?: string };
    name?: string | null;
    description?: string | null;
    volume_type?: string | null;
    availability_zone?: string | null;
    bootable?: boolean | string;
    metadata?: Record<string, string | null> | null;
  };
};

/** Backend host names match with or without the #pool suffix, as Cinder's service lookup does. */
const sameHost = (a: string, b: string) => a === b || a.split('#')[0] === b.split('#')[0];

/** Manageable volumes (3.8, admin) and POST /os-volume-manage, which adopts one over its existing bytes. */
export function registerManageRoutes(app: FastifyInstance, site: Site): void {
  const cinder = site.cinder;
  const list = (detail: boolean) => async (req: FastifyRequest<{ Params: ProjectParams; Querystring: ListQuery & { host?: string } }>) => {
    requireVersion(req, '3.8');
    requireAdmin(req, 'volume_extension:list_manageable');
    const host = req.query.host;
    if (host === undefined) throw badRequest('Invalid input received: host or cluster must be specified.');
    if (!sameHost(host, cinder.host)) throw notFound(`Service ${host} could not be found.`);
    const render = (b: BackendVolumeRecord) => {
      const view: Record<string, unknown> = { reference: { 'source-name': b.id }, size: b.size, safe_to_manage: true };
      if (detail) Object.assign(view, { reason_not_safe: null, cinder_id: null, extra_info: b.extra_info });
      return view;
    };
    return listBody(req, cinder.listBackendVolumes(), {
      base: `${site.url('cinder')}/v3/${req.params.project_id}/manageable_volumes${detail ? '/detail' : ''}`,
      key: 'manageable-volumes',
      render,
      sortKeys: ['size', 'reference', 'id'],
    });
  };
  const listSchema = { querystring: { ...listQuerySchema, properties: { ...listQuerySchema.properties, host: { type: 'string', maxLength: 255 }, cluster: { type: 'string', maxLength: 255 } } } };
  app.get(`${P}/manageable_volumes`, { schema: listSchema }, list(false));
  app.get(`${P}/manageable_volumes/detail`, { schema: listSchema }, list(true));

  app.post<{ Params: ProjectParams; Body: ManageBody }>(`${P}/os-volume-manage`, { schema: { body: manageBody } }, async (req, reply) => {
    const auth = caller(req);
    const b = req.body.volume;
    if (b.host && !sameHost(b.host, cinder.host)) throw notFound(`Service ${b.host} could not be found.`);
    const ref = b.ref['source-name'] ?? b.ref['source-id'];
    if (!ref) throw badRequest("Invalid input for field/attribute volume.ref. 'source-name' is a required property");
    const vol = cinder.manageVolume(
      callerProject(req),
      ref,
      {
        name: b.name,
        description: b.description,
        volume_type: b.volume_type ?? undefined,
        availability_zone: b.availability_zone ?? undefined,
        bootable: b.bootable === undefined ? undefined : truthy(b.bootable),
        metadata: cleanMetadata(b.metadata),
      },
      { userId: auth.userId, isAdmin: auth.isAdmin },
    );
    return reply.code(202).send({ volume: volumeDetail(req, site.url('cinder'), vol) });
  });
}
