import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import type { Manageable } from '../model.js';
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
        ref: {
          type: 'object',
          minProperties: 1,
          properties: {
            'source-name': { type: 'string', minLength: 1, maxLength: 255 },
            'source-id': { type: 'string', maxLength: 255 },
            name: { type: 'string', minLength: 1, maxLength: 255 },
          },
        },
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
    ref: { 'source-name'?: string; 'source-id'?: string; name?: string };
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

/**
 * Manageable volumes and snapshots (3.8, admin): what the site's array holds, as the Pure Storage
 * driver lists it; and POST /os-volume-manage, which adopts an array volume by name.
 */
export function registerManageRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const list = (kind: 'volumes' | 'snapshots', detail: boolean) => async (req: FastifyRequest<{ Params: ProjectParams; Querystring: ListQuery & { host?: string } }>) => {
    requireVersion(req, '3.8');
    requireAdmin(req, kind === 'volumes' ? 'volume_extension:list_manageable' : 'snapshot_extension:list_manageable');
    const host = req.query.host;
    if (host === undefined) throw badRequest('Invalid input received: host or cluster must be specified.');
    if (!sameHost(host, cinder.host)) throw notFound(`Service ${host} could not be found.`);
    const render = (m: Manageable) => {
      const view: Record<string, unknown> = { reference: { 'source-name': m.id }, size: m.size, safe_to_manage: m.cinder_id === null };
      if (kind === 'snapshots') view.source_reference = { 'source-name': m.source };
      if (detail) Object.assign(view, { reason_not_safe: m.reason_not_safe, cinder_id: m.cinder_id, extra_info: null });
      return view;
    };
    const items = kind === 'volumes' ? cinder.listManageableVolumes() : cinder.listManageableSnapshots();
    // `reference` sorts by the array name, as Cinder's paginate_entries_list does.
    return listBody(req, items.map((m) => ({ ...m, reference: m.id })), {
      base: `${site.url('cinder')}/v3/${req.params.project_id}/manageable_${kind}${detail ? '/detail' : ''}`,
      key: `manageable-${kind}`,
      render,
      sortKeys: ['size', 'reference', 'id'],
    });
  };
  const listSchema = { querystring: { ...listQuerySchema, properties: { ...listQuerySchema.properties, host: { type: 'string', maxLength: 255 }, cluster: { type: 'string', maxLength: 255 } } } };
  for (const kind of ['volumes', 'snapshots'] as const) {
    app.get(`${P}/manageable_${kind}`, { schema: listSchema }, list(kind, false));
    app.get(`${P}/manageable_${kind}/detail`, { schema: listSchema }, list(kind, true));
  }

  app.post<{ Params: ProjectParams; Body: ManageBody }>(`${P}/os-volume-manage`, { schema: { body: manageBody } }, async (req, reply) => {
    const auth = caller(req);
    const b = req.body.volume;
    if (b.host && !sameHost(b.host, cinder.host)) throw notFound(`Service ${b.host} could not be found.`);
    // Cinder's generic key is source-name; the Pure driver's own reference key is name.
    const ref = b.ref['source-name'] ?? b.ref.name ?? b.ref['source-id'];
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
