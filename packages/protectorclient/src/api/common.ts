/** Field shapes several resources share. */

import type { ListQuery } from '@protector/contract';

export type { ReplicationType, Timestamp } from '@protector/contract';

/** The paging fields every list accepts (`limit`: page size; `list` still fetches every page, `listPage` returns one). */
export type ListOptions = ListQuery;

/** Drops undefined fields, so optional arguments never reach the wire as `undefined`. */
export function compact<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
