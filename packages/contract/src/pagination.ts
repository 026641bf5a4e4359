import { Type, type Static, type TSchema } from 'typebox';
import { Obj } from './common.js';

/** Query parameters every list takes (DESIGN §4): `limit`, `marker` (the last id seen), `sort` (`key[:asc|desc]`). */
const LIST_FIELDS = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  marker: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  sort: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_]+(:(asc|desc))?$' })),
};
export const ListQuery = Obj(LIST_FIELDS);
export type ListQuery = Static<typeof ListQuery>;

/** A list's query: the paging fields plus that list's own filters; anything else is a 400. */
export function listQuery<P extends Record<string, TSchema>>(filters: P) {
  return Obj({ ...LIST_FIELDS, ...filters });
}

export const Link = Type.Object({ rel: Type.String(), href: Type.String() });
export type Link = Static<typeof Link>;

/** `{ <name>: [...], <name>_links: [{ rel: 'next', href }] }`, the OpenStack list shape. */
export function listOf<N extends string, T extends TSchema>(name: N, item: T) {
  const links = `${name}_links` as `${N}_links`;
  return Type.Object(
    { [name]: Type.Array(item), [links]: Type.Optional(Type.Array(Link, { description: "The next page's link, when there may be more" })) } as { [K in N]: ReturnType<typeof Type.Array<T>> } & {
      [K in `${N}_links`]: ReturnType<typeof Type.Optional<ReturnType<typeof Type.Array<typeof Link>>>>;
    },
    { description: `A page of ${name.replace(/_/g, ' ')}` },
  );
}
