import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

/*
 * Two validators: bodies are checked strictly (no coercion, unknown fields refused, nothing
 * removed), query strings and path parameters are coerced from text, as they can only be text.
 */
export function ajv(coerce: boolean): Ajv {
  const a = new Ajv({ allErrors: false, coerceTypes: coerce ? 'array' : false, removeAdditional: false, useDefaults: true, strict: false });
  addFormats.default(a);
  return a;
}

const strict = ajv(false);
const coercing = ajv(true);
const cache = new WeakMap<object, ValidateFunction>();

export function useValidators(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const which = httpPart === 'body' ? strict : coercing;
    const key = schema as object;
    let fn = which === strict ? cache.get(key) : undefined;
    if (!fn) {
      fn = which.compile(schema);
      if (which === strict) cache.set(key, fn);
    }
    return fn;
  });
}

/** The first validation error as a 400 that names the field (`site.name`, `limit`). */
export function validationError(errors: ErrorObject[], part: string): ApiError {
  const e = errors[0];
  if (!e) return new ApiError(400, `Invalid ${part}.`);
  const path = e.instancePath.split('/').filter(Boolean).join('.');
  const field = (sub?: string) => [path, sub].filter(Boolean).join('.') || part;
  switch (e.keyword) {
    case 'required':
      return new ApiError(400, `Invalid input for field/attribute ${field(String(e.params.missingProperty))}. Required and missing.`);
    case 'additionalProperties':
      return new ApiError(400, `Invalid input for field/attribute ${field(String(e.params.additionalProperty))}. Additional properties are not allowed.`);
    default:
      return new ApiError(400, `Invalid input for field/attribute ${field()}. ${capitalise(e.message ?? 'is invalid')}.`);
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
