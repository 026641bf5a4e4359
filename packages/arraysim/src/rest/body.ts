import { badRequest } from './errors.js';

/**
 * The one request-body validator: FlashArray rejects unknown fields and wrong types and names the
 * field in the error's context. Schemas are small trees built with the helpers below, and the
 * parsed result is typed from the schema.
 */
export type Field =
  | { kind: 'string'; max: number }
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'strings'; max: number }
  | { kind: 'refs' }
  | { kind: 'object'; fields: Schema; nullable: boolean };
export type Schema = Record<string, Field>;

type Out<F extends Field> = F extends { kind: 'string' }
  ? string
  : F extends { kind: 'bool' }
    ? boolean
    : F extends { kind: 'int' }
      ? number
      : F extends { kind: 'strings' | 'refs' }
        ? string[]
        : F extends { kind: 'object'; fields: infer S extends Schema; nullable: infer N }
          ? Body<S> | (N extends true ? null : never)
          : never;
export type Body<S extends Schema> = { [K in keyof S]?: Out<S[K]> };

export const str = (max = 1024) => ({ kind: 'string', max }) as const;
export const bool = () => ({ kind: 'bool' }) as const;
export const int = (min = 0, max = Number.MAX_SAFE_INTEGER) => ({ kind: 'int', min, max }) as const;
export const strings = (max = 1024) => ({ kind: 'strings', max }) as const;
/** A list of references, `[{"name": "..."}, ...]`, read as the names. */
export const refs = () => ({ kind: 'refs' }) as const;
export const obj = <S extends Schema>(fields: S) => ({ kind: 'object', fields, nullable: false }) as const;
export const nullableObj = <S extends Schema>(fields: S) => ({ kind: 'object', fields, nullable: true }) as const;
/** A reference to another object by name, as `{"name": "..."}`. */
export const ref = () => obj({ name: str(255) });

/** Parses a body that may be absent (treated as `{}`). */
export function parseBody<S extends Schema>(raw: unknown, schema: S): Body<S> {
  return parseObject(raw ?? {}, schema, '') as Body<S>;
}

function parseObject(raw: unknown, schema: Schema, path: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw badRequest(path || 'body', `${path || 'The request body'} must be a JSON object.`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = path ? `${path}.${key}` : key;
    const field = schema[key];
    if (!field) throw badRequest(name, `Unsupported field '${name}'.`);
    out[key] = parseField(value, field, name);
  }
  return out;
}

function parseField(value: unknown, f: Field, name: string): unknown {
  switch (f.kind) {
    case 'string':
      if (typeof value !== 'string') throw badRequest(name, `'${name}' must be a string.`);
      if (value.length > f.max) throw badRequest(name, `'${name}' is longer than ${f.max} characters.`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw badRequest(name, `'${name}' must be true or false.`);
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < f.min || value > f.max) {
        throw badRequest(name, `'${name}' must be an integer from ${f.min} to ${f.max}.`);
      }
      return value;
    case 'strings':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length > f.max) || value.length > 64) {
        throw badRequest(name, `'${name}' must be a list of at most 64 strings.`);
      }
      return value as string[];
    case 'refs':
      if (!Array.isArray(value) || value.length > 64) throw badRequest(name, `'${name}' must be a list of at most 64 references.`);
      return value.map((v, i) => {
        const r = parseObject(v, { name: { kind: 'string', max: 255 } }, `${name}.${i}`);
        if (typeof r.name !== 'string') throw badRequest(`${name}.${i}.name`, `'${name}.${i}.name' is required.`);
        return r.name;
      });
    case 'object':
      if (value === null && f.nullable) return null;
      return parseObject(value, f.fields, name);
  }
}
