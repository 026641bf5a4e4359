import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/** A request's JSON object (none sent: an empty one, so each missing field is named); anything else is a 400. */
export function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const b = req.body ?? {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new HttpError(400, 'bad_request', 'the body must be a JSON object');
  return b as Record<string, unknown>;
}
