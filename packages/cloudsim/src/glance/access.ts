import type { FastifyRequest } from 'fastify';
import { ApiError, forbidden } from '../http/errors.js';
import type { GlanceModel } from './model.js';
import type { ImageRecord } from './records.js';

/** Who is asking, as Glance's policy sees it. */
export interface Caller {
  projectId: string | undefined;
  isAdmin: boolean;
}

export const callerOf = (request: FastifyRequest): Caller => ({ projectId: request.auth?.projectId, isAdmin: request.auth?.isAdmin ?? false });

export const imageNotFound = (id: string) => new ApiError(404, `No image found with ID ${id}`);

export function visibleImage(model: GlanceModel, id: string, caller: Caller): ImageRecord {
  const image = model.visibleImage(id, caller.projectId, caller.isAdmin);
  if (!image) throw imageNotFound(id);
  return image;
}

/** An image the caller may change: visible and owned (or the caller is an admin). */
export function ownImage(model: GlanceModel, id: string, caller: Caller, what: string): ImageRecord {
  const image = visibleImage(model, id, caller);
  if (!caller.isAdmin && image.owner !== caller.projectId) throw forbidden(`You are not permitted to ${what} this image.`);
  return image;
}

/** Glance's default policy keeps publicizing images and giving them away to admins. */
export function checkPrivileged(props: Record<string, unknown>, caller: Caller): void {
  if (caller.isAdmin) return;
  if (props.visibility === 'public') throw forbidden('You are not authorized to complete publicize_image action.');
  if (props.owner !== undefined && props.owner !== caller.projectId) throw forbidden(`You are not permitted to create images owned by '${String(props.owner)}'.`);
}
