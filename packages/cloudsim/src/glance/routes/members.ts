import type { FastifyInstance } from 'fastify';
import { ApiError, forbidden } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { callerOf, imageNotFound, ownImage, visibleImage } from '../access.js';
import type { MemberRecord } from '../records.js';

const view = ({ id: _id, ...m }: MemberRecord) => m;
const imageParams = { type: 'object', properties: { id: { type: 'string', maxLength: 255 } }, required: ['id'] } as const;
const memberParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 255 }, member: { type: 'string', maxLength: 255 } },
  required: ['id', 'member'],
} as const;
const addSchema = { type: 'object', required: ['member'], properties: { member: { type: 'string', minLength: 1, maxLength: 255 } }, additionalProperties: false } as const;
const statusSchema = { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['pending', 'accepted', 'rejected'] } }, additionalProperties: false } as const;

/** Image members (sharing with other projects) and the deactivate/reactivate actions. */
export function registerMemberRoutes(app: FastifyInstance, site: SiteHost): void {
  const model = site.glance;

  app.post<{ Params: { id: string }; Body: { member: string } }>('/v2/images/:id/members', { schema: { params: imageParams, body: addSchema } }, async (request) => {
    const image = ownImage(model, request.params.id, callerOf(request), 'add members to');
    if (image.visibility !== 'shared') throw forbidden(`Only shared images have members.`);
    return view(model.addMember(image.id, request.body.member));
  });

  app.get<{ Params: { id: string } }>('/v2/images/:id/members', { schema: { params: imageParams } }, async (request) => {
    const caller = callerOf(request);
    const image = visibleImage(model, request.params.id, caller);
    if (image.visibility !== 'shared') throw forbidden('Only shared images have members.');
    // A member sees its own membership only; the owner sees them all.
    const all = model.members.list(undefined, image.id);
    const mine = caller.isAdmin || image.owner === caller.projectId ? all : all.filter((m) => m.member_id === caller.projectId);
    return { members: mine.map(view), schema: '/v2/schemas/members' };
  });

  app.get<{ Params: { id: string; member: string } }>('/v2/images/:id/members/:member', { schema: { params: memberParams } }, async (request) => {
    const caller = callerOf(request);
    const image = visibleImage(model, request.params.id, caller);
    const m = model.membership(image.id, request.params.member);
    if (!m || (!caller.isAdmin && image.owner !== caller.projectId && m.member_id !== caller.projectId)) {
      throw new ApiError(404, `Member ${request.params.member} not found for image ${image.id}.`);
    }
    return view(m);
  });

  app.put<{ Params: { id: string; member: string }; Body: { status: MemberRecord['status'] } }>(
    '/v2/images/:id/members/:member',
    { schema: { params: memberParams, body: statusSchema } },
    async (request) => {
      const caller = callerOf(request);
      const image = visibleImage(model, request.params.id, caller);
      // Only the member project decides whether it accepts an image.
      if (request.params.member !== caller.projectId) throw forbidden('You are not permitted to modify the status of this member.');
      return view(model.setMemberStatus(image.id, request.params.member, request.body.status));
    },
  );

  app.delete<{ Params: { id: string; member: string } }>('/v2/images/:id/members/:member', { schema: { params: memberParams } }, async (request, reply) => {
    const image = ownImage(model, request.params.id, callerOf(request), 'remove members from');
    if (!model.members.delete(`${image.id}:${request.params.member}`)) throw new ApiError(404, `Member ${request.params.member} not found for image ${image.id}.`);
    return reply.code(204).send();
  });

  for (const [action, active] of [['deactivate', false], ['reactivate', true]] as const) {
    app.post<{ Params: { id: string } }>(`/v2/images/:id/actions/${action}`, { schema: { params: imageParams } }, async (request, reply) => {
      const caller = callerOf(request);
      const image = visibleImage(model, request.params.id, caller);
      // Glance's default policy reserves these actions to admins.
      if (!caller.isAdmin) throw forbidden(`You are not authorized to complete ${action} action.`);
      if (image.status !== 'active' && image.status !== 'deactivated') throw new ApiError(403, `Not allowed to ${action} image in status '${image.status}'`);
      if (!model.setActive(image.id, active)) throw imageNotFound(image.id);
      return reply.code(204).send();
    });
  }
}
