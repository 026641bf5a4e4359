import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { P, caller, requireAdmin, truthy, type IdParams } from './common.js';

const STATUSES = ['available', 'error', 'creating', 'deleting', 'in-use', 'attaching', 'detaching', 'error_deleting', 'maintenance', 'reserved', 'error_extending', 'extending'];
const empty = { type: ['object', 'null'] } as const;

/** One property per action; additionalProperties false turns an unknown action into a 400 naming it. */
const actionBody = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    'os-extend': { type: 'object', required: ['new_size'], additionalProperties: false, properties: { new_size: { type: 'integer', minimum: 1 } } },
    'os-reset_status': {
      type: 'object',
      additionalProperties: false,
      properties: {
        status: { type: 'string', enum: STATUSES },
        attach_status: { type: 'string', enum: ['attached', 'detached'] },
        migration_status: { type: ['string', 'null'], maxLength: 255 },
      },
    },
    'os-unmanage': empty,
    'os-set_bootable': { type: 'object', required: ['bootable'], additionalProperties: false, properties: { bootable: { type: ['boolean', 'string'] } } },
    'os-update_readonly_flag': { type: 'object', required: ['readonly'], properties: { readonly: { type: ['boolean', 'string'] } } },
    'os-attach': {
      type: 'object',
      required: ['mountpoint'],
      additionalProperties: false,
      properties: {
        instance_uuid: { type: 'string', maxLength: 255 },
        host_name: { type: 'string', maxLength: 255 },
        mountpoint: { type: 'string', maxLength: 255 },
        mode: { type: 'string', enum: ['rw', 'ro'] },
      },
    },
    'os-detach': { type: ['object', 'null'], properties: { attachment_id: { type: ['string', 'null'], maxLength: 255 } } },
    'os-reserve': empty,
    'os-unreserve': empty,
    'os-begin_detaching': empty,
    'os-roll_detaching': empty,
    'os-force_delete': empty,
  },
} as const;

type ActionBody = {
  'os-extend'?: { new_size: number };
  'os-reset_status'?: { status?: string; attach_status?: string; migration_status?: string | null };
  'os-unmanage'?: unknown;
  'os-set_bootable'?: { bootable: boolean | string };
  'os-update_readonly_flag'?: unknown;
  'os-attach'?: { instance_uuid?: string; host_name?: string; mountpoint: string };
  'os-detach'?: { attachment_id?: string | null } | null;
  'os-reserve'?: unknown;
  'os-unreserve'?: unknown;
  'os-begin_detaching'?: unknown;
  'os-roll_detaching'?: unknown;
  'os-force_delete'?: unknown;
};

/** POST /volumes/{id}/action: the volume actions clients and Nova's old attach flow use. */
export function registerVolumeActionRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;

  app.post<{ Params: IdParams; Body: ActionBody }>(`${P}/volumes/:id/action`, { schema: { body: actionBody } }, async (req, reply) => {
    const auth = caller(req);
    const v = cinder.visibleVolume(req.params.id, auth.projectId, auth.isAdmin);
    const b = req.body;
    /** Moves between the attach handshake statuses, refusing from any other. */
    const step = (from: string, to: string) => {
      if (v.status !== from) throw badRequest(`Invalid volume: Volume status must be ${from}, but current status is: ${v.status}.`);
      cinder.updateVolume(v.id, (x) => (x.status = to));
    };
    if (b['os-extend']) cinder.extendVolume(v.id, b['os-extend'].new_size);
    else if (b['os-reset_status']) {
      requireAdmin(req, 'volume_extension:volume_admin_actions:reset_status');
      const r = b['os-reset_status'];
      cinder.updateVolume(v.id, (x) => {
        if (r.status) x.status = r.status;
        if (r.migration_status !== undefined) x.migration_status = r.migration_status;
        if (r.attach_status === 'detached') x.attachments = [];
        delete x._settle_at;
      });
    } else if ('os-unmanage' in b) cinder.unmanageVolume(v.id);
    else if (b['os-set_bootable']) {
      cinder.updateVolume(v.id, (x) => (x.bootable = truthy(b['os-set_bootable']!.bootable) ? 'true' : 'false'));
      return reply.code(200).send();
    } else if ('os-update_readonly_flag' in b) {
      // Read-only attachments are not simulated; accepted so clients do not fail.
    } else if (b['os-attach']) {
      const a = b['os-attach'];
      cinder.attachVolume(v.id, { server_id: a.instance_uuid ?? a.host_name ?? '', device: a.mountpoint, host_name: a.host_name ?? '' });
    } else if ('os-detach' in b) {
      const id = b['os-detach']?.attachment_id;
      const att = v.attachments.find((a) => a.attachment_id === id) ?? (id ? undefined : v.attachments[0]);
      if (!att) throw badRequest(`Invalid volume: Volume ${v.id} has no attachment ${id ?? ''}.`);
      cinder.detachVolume(v.id, att.server_id);
    } else if ('os-reserve' in b) step('available', 'attaching');
    else if ('os-unreserve' in b) step('attaching', 'available');
    else if ('os-begin_detaching' in b) step('in-use', 'detaching');
    else if ('os-roll_detaching' in b) step('detaching', 'in-use');
    else if ('os-force_delete' in b) {
      requireAdmin(req, 'volume_extension:volume_admin_actions:force_delete');
      cinder.updateVolume(v.id, (x) => {
        x.attachments = [];
        x.status = 'available';
      });
      cinder.deleteVolume(v.id, { cascade: true });
    }
    return reply.code(202).send();
  });
}
