import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

export type Body = Record<string, unknown>;

/** A request's JSON object (none sent: an empty one, so each missing field is named); anything else is a 400. */
export function bodyOf(req: FastifyRequest): Body {
  const b = req.body ?? {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new HttpError(400, 'bad_request', 'the body must be a JSON object');
  return b as Body;
}

/** A required non-blank string, trimmed; `where` names it in the error (e.g. `credentials.username`). */
export function textField(b: Body, f: string, where = f): string {
  return secretField(b, f, where).trim();
}

/** A required string kept exactly as sent: a password's spaces are part of it. */
export function secretField(b: Body, f: string, where = f): string {
  const v = b[f];
  if (typeof v !== 'string' || v.trim() === '') throw new HttpError(400, 'bad_request', `'${where}' is required`);
  return v;
}

/** An optional string, trimmed; absent, null or empty means not given. */
export function optionalField(b: Body, f: string, where = f): string | undefined {
  const v = b[f];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new HttpError(400, 'bad_request', `'${where}' must be a string`);
  return v.trim();
}

/** A required JSON object. */
export function objectField(b: Body, f: string, where = f): Body {
  const v = b[f];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'bad_request', `'${where}' is required (an object)`);
  return v as Body;
}
