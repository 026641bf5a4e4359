import type { FastifyRequest } from 'fastify';
import { ApiError } from '../http/errors.js';

type Schema = { type?: unknown; properties?: Record<string, unknown>; items?: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a schema accepts strings but no numbers or booleans. */
function stringOnly(type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.includes('string') && !types.some((t) => t === 'number' || t === 'integer' || t === 'boolean');
}

function walk(schema: unknown, value: unknown, path: string[]): void {
  if (!isObject(schema) || value === undefined) return;
  const s = schema as Schema;
  if (stringOnly(s.type) && (typeof value === 'number' || typeof value === 'boolean')) {
    throw new ApiError(400, `Invalid input for field/attribute ${path.join('.')}. ${JSON.stringify(value)} is not of type 'string'`);
  }
  if (isObject(s.properties) && isObject(value)) {
    for (const [key, sub] of Object.entries(s.properties)) walk(sub, value[key], [...path, key]);
  }
  if (s.items !== undefined && Array.isArray(value)) value.forEach((v, i) => walk(s.items, v, [...path, String(i)]));
}

/**
 * The shared validator coerces types (so "true" passes as a boolean, as Neutron's converters
 * allow), which would also turn a number into a string; Neutron and Glance reject that, so this
 * preValidation hook refuses numbers and booleans wherever the route's body schema wants a string.
 */
export async function rejectNonStrings(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema?.body;
  walk(schema, request.body, []);
}
