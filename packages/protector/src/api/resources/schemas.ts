import { Type } from 'typebox';

/** Shared field shapes, so every resource limits the same kind of field the same way. */
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const Uuid = Type.String({ format: 'uuid' });
export const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S(.*\\S)?$' });
export const Description = Type.String({ maxLength: 255 });
export const HttpUrl = Type.String({ maxLength: 255, format: 'uri', pattern: '^https?://' });
/** FlashArray object names: letters, digits and '-'. */
export const ArrayName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' });
export const Secret = Type.String({ minLength: 1, maxLength: 255 });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const NoQuery = Type.Object({}, { additionalProperties: false });
