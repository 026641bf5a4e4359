import { Type, type Static, type TProperties, type TSchema } from 'typebox';

/*
 * Field shapes every resource shares, so each kind of field is limited the same way everywhere.
 * Request shapes are strict (lengths, patterns); response shapes describe what the API answers.
 */
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const Uuid = Type.String({ format: 'uuid' });
export const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S(.*\\S)?$' });
export const Description = Type.String({ maxLength: 255 });
export const HttpUrl = Type.String({ maxLength: 255, format: 'uri', pattern: '^https?://' });
/** FlashArray object names: letters, digits and '-'. */
export const ArrayName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' });
export const Secret = Type.String({ minLength: 1, maxLength: 255 });
/** Ids on either cloud, or names (availability zones, key pairs): any printable text. */
export const Ref = Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S(.*\\S)?$' });

/** A closed object: a request naming a field the schema does not know is a 400 naming it. */
export const Obj = <T extends TProperties>(props: T, opts: { description?: string; minProperties?: number; maxProperties?: number } = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

/** A string of a fixed set, typed as that set (an `enum` in the schema: one 400 message lists them). */
export const StringEnum = <T extends string>(values: readonly T[], opts: { description?: string } = {}) => Type.Unsafe<T>(Type.String({ enum: [...values], ...opts }));

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const IdParams = Obj({ id: Id });
export const NoQuery = Obj({});
/** `?show_secrets=true`: stored secrets, for callers allowed `protector:secrets:show`. */
export const ShowSecretsQuery = Obj({ show_secrets: Type.Optional(Type.Boolean()) });
export type ShowSecretsQuery = Static<typeof ShowSecretsQuery>;

/** ISO 8601 with microseconds and no zone, as Nova and Cinder print them (`2026-11-24T10:00:00.000000`). */
export const Timestamp = Type.String({ description: 'ISO 8601, microseconds, UTC without a zone suffix' });
export type Timestamp = Static<typeof Timestamp>;
export const NullableTimestamp = Nullable(Timestamp);

export const REPLICATION_TYPES = ['async', 'sync'] as const;
export const ReplicationType = StringEnum(REPLICATION_TYPES);
export type ReplicationType = Static<typeof ReplicationType>;

/** A free-form JSON object (operation parameters, results, step details). */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());
