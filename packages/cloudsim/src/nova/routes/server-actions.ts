import type { FastifyInstance } from 'fastify';
import type { SiteHost } from '../../host.js';
import { rebootServer, startServer, stopServer } from '../lifecycle.js';
import { caller, schemas } from './common.js';

const noArgs = { type: ['null', 'object'] } as const;

const actionSchema = {
  params: { type: 'object', properties: { id: schemas.id } },
  body: {
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
    properties: {
      'os-start': noArgs,
      'os-stop': noArgs,
      reboot: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: { type: { enum: ['HARD', 'SOFT', 'hard', 'soft'] } },
      },
      lock: { type: ['null', 'object'], properties: { locked_reason: { type: 'string', maxLength: 255 } } },
      unlock: noArgs,
    },
  },
} as const;

type ActionBody = { 'os-start'?: null; 'os-stop'?: null; reboot?: { type: string }; lock?: null | { locked_reason?: string }; unlock?: null };

/** POST /servers/{id}/action: power actions and lock; 409 when the state forbids them. */
export function registerServerActionRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  app.post<{ Params: { id: string }; Body: ActionBody }>('/v2.1/servers/:id/action', { schema: actionSchema }, async (req, reply) => {
    const auth = caller(req);
    const s = nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
    const body = req.body;
    if ('os-start' in body) startServer(nova, s);
    else if ('os-stop' in body) stopServer(nova, s);
    else if (body.reboot) rebootServer(nova, s, body.reboot.type.toUpperCase() === 'HARD');
    else if ('lock' in body || 'unlock' in body) {
      s.locked = 'lock' in body;
      nova.servers.put(s);
    }
    reply.code(202).send();
  });
}
