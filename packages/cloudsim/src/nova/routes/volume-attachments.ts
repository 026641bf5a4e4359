import type { FastifyInstance } from 'fastify';
import { conflict, notFound } from '../../http/errors.js';
import { atLeast, type Microversion } from '../../http/microversion.js';
import type { SiteHost } from '../../host.js';
import { attachVolume, detachVolume, requireState } from '../lifecycle.js';
import type { BdmRecord, ServerRecord } from '../records.js';
import { caller, schemas } from './common.js';

const UUID = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';

/** One volumeAttachment; 2.70 adds tag, 2.79 delete_on_termination, 2.89 ids of the mapping. */
function attachmentView(s: ServerRecord, b: BdmRecord, mv: Microversion, listing: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { device: b.device, serverId: s.id, volumeId: b.volume_id };
  if (!(listing && atLeast(mv, '2.89'))) view.id = b.volume_id;
  if (atLeast(mv, '2.70')) view.tag = b.tag;
  if (atLeast(mv, '2.79')) view.delete_on_termination = b.delete_on_termination;
  if (listing && atLeast(mv, '2.89')) {
    view.attachment_id = b.uuid;
    view.bdm_uuid = b.uuid;
  }
  return view;
}

const serverParams = { type: 'object', properties: { id: schemas.id, volumeId: schemas.id } } as const;

/** /servers/{id}/os-volume_attachments, mirrored into Cinder's attachments. */
export function registerVolumeAttachmentRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  const base = '/v2.1/servers/:id/os-volume_attachments';

  app.get<{ Params: { id: string } }>(base, { schema: { params: serverParams } }, async (req) => {
    const auth = caller(req);
    const s = nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
    return { volumeAttachments: s.bdms.map((b) => attachmentView(s, b, req.microversion, true)) };
  });

  app.get<{ Params: { id: string; volumeId: string } }>(`${base}/:volumeId`, { schema: { params: serverParams } }, async (req) => {
    const auth = caller(req);
    const s = nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
    const b = s.bdms.find((x) => x.volume_id === req.params.volumeId);
    if (!b) throw notFound(`Instance ${s.id} is not attached to volume ${req.params.volumeId}.`);
    return { volumeAttachment: attachmentView(s, b, req.microversion, true) };
  });

  app.post<{ Params: { id: string }; Body: { volumeAttachment: { volumeId: string; device?: string | null; tag?: string; delete_on_termination?: boolean } } }>(
    base,
    {
      schema: {
        params: serverParams,
        body: {
          type: 'object',
          required: ['volumeAttachment'],
          additionalProperties: false,
          properties: {
            volumeAttachment: {
              type: 'object',
              required: ['volumeId'],
              additionalProperties: false,
              properties: {
                volumeId: { type: 'string', pattern: UUID },
                device: { type: ['string', 'null'], pattern: '^(/dev/[a-z0-9]+)?$' },
                tag: { type: 'string', maxLength: 60 },
                delete_on_termination: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const auth = caller(req);
      const s = nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
      const spec = req.body.volumeAttachment;
      requireState(s, 'attach_volume', ['active', 'stopped']);
      const vol = nova.deps.cinder.getVolume(spec.volumeId);
      if (!vol || (!auth.isAdmin && vol.project_id !== s.project_id)) throw notFound(`Volume ${spec.volumeId} could not be found.`);
      if (s.locked && !auth.isAdmin) throw conflict(`Instance ${s.id} is locked`);
      const b = attachVolume(nova, s, {
        volumeId: vol.id,
        deleteOnTermination: atLeast(req.microversion, '2.79') ? (spec.delete_on_termination ?? false) : false,
        tag: spec.tag ?? null,
      });
      return { volumeAttachment: attachmentView(s, b, req.microversion, false) };
    },
  );

  app.delete<{ Params: { id: string; volumeId: string } }>(`${base}/:volumeId`, { schema: { params: serverParams } }, async (req, reply) => {
    const auth = caller(req);
    const s = nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
    requireState(s, 'detach_volume', ['active', 'stopped', 'error']);
    detachVolume(nova, s, req.params.volumeId);
    reply.code(202).send();
  });
}
