import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ajv } from './validation.js';

/*
 * Test mode (ApiDeps.checkResponses): every JSON answer is validated against its route's
 * response schema for the status it has, with every declared object closed, so a field a view
 * adds without declaring it fails the test that caused it instead of being stripped silently by
 * the serializer. Off in production: it costs a validation per answer, and the serializer already
 * keeps undeclared fields off the wire.
 */

const validator = ajv(false);
const compiled = new WeakMap<object, ValidateFunction>();

/** A copy of the schema in which every object with declared properties refuses any other. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' || k === 'patternProperties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if ('properties' in out && !('additionalProperties' in out) && !('patternProperties' in out)) out.additionalProperties = false;
  return out;
}

function compile(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = validator.compile(closed(schema) as object);
    compiled.set(schema, fn);
  }
  return fn;
}

const where = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? request.url}`;

function describe(e: ErrorObject, request: FastifyRequest): string {
  const path = e.instancePath.split('/').filter(Boolean).join('.');
  if (e.keyword === 'additionalProperties') {
    return `undeclared field ${[path, String(e.params.additionalProperty)].filter(Boolean).join('.')} in response of ${where(request)}`;
  }
  return `response of ${where(request)} does not match its schema: ${path || '(body)'} ${e.message ?? 'is invalid'}`;
}

/** The schema a status answers with: its own code, else its class (`4xx`), else `default`. */
function schemaFor(response: Record<string, unknown>, status: number): object | undefined {
  return (response[String(status)] ?? response[`${String(status)[0]}xx`] ?? response.default) as object | undefined;
}

export function useResponseCheck(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    const response = request.routeOptions.schema?.response as Record<string, unknown> | undefined;
    // Routes without response schemas (the OpenAPI document itself) are not part of the contract.
    if (!response || payload === null || typeof payload !== 'object') return payload;
    const schema = schemaFor(response, reply.statusCode);
    if (!schema) throw new Error(`status ${reply.statusCode} is not declared in the response schemas of ${where(request)}`);
    const validate = compile(schema);
    if (!validate(payload)) throw new Error(describe((validate.errors ?? [])[0] as ErrorObject, request));
    return payload;
  });
}
