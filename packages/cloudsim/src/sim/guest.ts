import type { FastifyInstance } from 'fastify';
import { ApiError, badRequest, conflict, notFound } from '../http/errors.js';
import { serverStatus } from '../nova/lifecycle.js';
import type { BdmRecord, ServerRecord } from '../nova/records.js';
import type { SiteHost } from '../host.js';

/** Largest read or write a guest does in one call. */
export const MAX_IO_BYTES = 16 * 1024 * 1024;

const UUID = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
const target = {
  device: { type: 'string', pattern: '^/dev/[a-z0-9]+$', maxLength: 32 },
  volume_id: { type: 'string', pattern: UUID },
  offset: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
} as const;

type Target = { device?: string; volume_id?: string; offset: number };

/**
 * The simulated guest: what software inside a running server sees of its block devices.
 * Reads and writes go to the attached Cinder volumes, whose bytes are on the site's array;
 * only an ACTIVE server can do I/O.
 */
export function registerGuestRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;

  const server = (id: string): ServerRecord => {
    const s = nova.getServer(id);
    if (!s) throw notFound(`server ${id} not found`);
    return s;
  };

  /** The disk a request names (default: the boot disk); 404 when not attached to this server. */
  const disk = (s: ServerRecord, t: Target): BdmRecord => {
    if (serverStatus(s) !== 'ACTIVE') throw conflict(`server ${s.id} is ${serverStatus(s)}; only an ACTIVE server can do I/O`);
    let bdm: BdmRecord | undefined;
    if (t.volume_id !== undefined) {
      bdm = s.bdms.find((b) => b.volume_id === t.volume_id);
      if (!bdm) throw notFound(`volume ${t.volume_id} is not attached to server ${s.id}`);
      if (t.device !== undefined && t.device !== bdm.device) throw badRequest(`device: volume ${t.volume_id} is ${bdm.device}, not ${t.device}`);
    } else {
      const device = t.device ?? '/dev/vda';
      bdm = s.bdms.find((b) => b.device === device);
      if (!bdm) {
        if (device === '/dev/vda' && s.image_id !== '') throw badRequest(`device: /dev/vda of server ${s.id} is a local image disk, not a volume`);
        throw notFound(`no volume is attached to server ${s.id} as ${device}`);
      }
    }
    return bdm;
  };

  /**
   * Cinder's own checks (range, status) come back as 400s with its message; an array that is
   * down or failing is a 503 saying so (the I/O error the guest would see), a conflict a 409.
   */
  const io = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status === 503) throw new ApiError(503, `I/O error: ${err.message}`);
        throw new ApiError(err.status === 404 || err.status === 409 ? err.status : 400, err.message);
      }
      throw err;
    }
  };

  app.get<{ Params: { id: string } }>('/sim/servers/:id/disks', { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } } }, async (req) => {
    const s = server(req.params.id);
    const disks: Record<string, unknown>[] = [];
    if (s.image_id !== '') disks.push({ device: '/dev/vda', volume_id: null, source: 'image', image_id: s.image_id, boot: true, size_gb: s.flavor.disk });
    for (const b of s.bdms) {
      const vol = nova.deps.cinder.getVolume(b.volume_id);
      disks.push({ device: b.device, volume_id: b.volume_id, source: 'volume', boot: b.boot_index === 0, size_gb: vol?.size ?? null });
    }
    disks.sort((a, b) => String(a.device).localeCompare(String(b.device)));
    return { server_id: s.id, status: serverStatus(s), disks };
  });

  app.post<{ Params: { id: string }; Body: Target & { data: string } }>(
    '/sim/servers/:id/write',
    {
      // base64 of 16 MiB is ~22.4 MB; the app's default body limit is 1 MiB.
      bodyLimit: 24 * 1024 * 1024,
      schema: {
        body: {
          type: 'object',
          required: ['offset', 'data'],
          additionalProperties: false,
          properties: { ...target, data: { type: 'string', maxLength: Math.ceil(MAX_IO_BYTES / 3) * 4, pattern: '^[A-Za-z0-9+/]*={0,2}$' } },
        },
      },
    },
    async (req) => {
      const s = server(req.params.id);
      const bdm = disk(s, req.body);
      if (req.body.data.length % 4 !== 0) throw badRequest('data: not valid base64 (length is not a multiple of 4)');
      const data = Buffer.from(req.body.data, 'base64');
      io(() => nova.deps.cinder.writeVolume(bdm.volume_id, req.body.offset, data));
      return { written: data.length, volume_id: bdm.volume_id, device: bdm.device };
    },
  );

  app.post<{ Params: { id: string }; Body: Target & { length: number } }>(
    '/sim/servers/:id/read',
    {
      schema: {
        body: {
          type: 'object',
          required: ['offset', 'length'],
          additionalProperties: false,
          properties: { ...target, length: { type: 'integer', minimum: 0, maximum: MAX_IO_BYTES } },
        },
      },
    },
    async (req) => {
      const s = server(req.params.id);
      const bdm = disk(s, req.body);
      const data = io(() => nova.deps.cinder.readVolume(bdm.volume_id, req.body.offset, req.body.length));
      return { data: data.toString('base64'), volume_id: bdm.volume_id, device: bdm.device };
    },
  );
}
