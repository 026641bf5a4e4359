import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import type { Frozen } from '../../store/frozen.js';
import type { VolumeAttachment, VolumeRecord } from '../records.js';
import { P, allTenants, callerProject, caller, listBody, listQuerySchema, requireVersion, type IdParams, type ListQuery, type ProjectParams } from './common.js';

type Row = VolumeAttachment & { project_id: string };

/**
 * Read-only /attachments (3.27): the attachments Nova made through the model, seen from
 * Cinder's side. Creating attachments here is not simulated; Nova's attach path is the way in.
 */
export function registerAttachmentRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const rows = (vols: Frozen<VolumeRecord>[]): Row[] =>
    vols.flatMap((v) => v.attachments.map((a) => ({ ...a, id: a.attachment_id, project_id: v.project_id })));
  const summary = (a: Row) => ({ id: a.attachment_id, status: 'attached', instance: a.server_id, volume_id: a.volume_id });
  const detail = (a: Row) => ({
    ...summary(a),
    attached_at: a.attached_at,
    detached_at: null,
    attach_mode: 'rw',
    connection_info: { driver_volume_type: 'iscsi', attachment_id: a.attachment_id, mountpoint: a.device },
  });
  const list = (full: boolean) => async (req: FastifyRequest<{ Params: ProjectParams; Querystring: ListQuery }>) => {
    requireVersion(req, '3.27');
    const vols = allTenants(req) ? cinder.listVolumes() : cinder.listVolumes(callerProject(req));
    return listBody(req, rows(vols), {
      base: `${site.url('cinder')}/v3/${req.params.project_id}/attachments${full ? '/detail' : ''}`,
      key: 'attachments',
      render: full ? detail : summary,
      filters: { volume_id: (x) => (a) => a.volume_id === x, instance_id: (x) => (a) => a.server_id === x },
      sortKeys: ['id', 'attached_at', 'volume_id'],
    });
  };
  app.get(`${P}/attachments`, { schema: { querystring: listQuerySchema } }, list(false));
  app.get(`${P}/attachments/detail`, { schema: { querystring: listQuerySchema } }, list(true));
  app.get<{ Params: IdParams }>(`${P}/attachments/:id`, async (req) => {
    requireVersion(req, '3.27');
    const auth = caller(req);
    const vols = auth.isAdmin ? cinder.listVolumes() : cinder.listVolumes(callerProject(req));
    const a = rows(vols).find((x) => x.attachment_id === req.params.id);
    if (!a) throw notFound(`VolumeAttachment ${req.params.id} could not be found.`);
    return { attachment: detail(a) };
  });
}
