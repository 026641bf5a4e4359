/** Field shapes several resources share. */

/** ISO 8601 with microseconds and no zone, as Nova and Cinder print them (`2026-11-24T10:00:00.000000`). */
export type Timestamp = string;

export type ReplicationType = 'async' | 'sync';

/** The paging fields every list accepts. */
export type ListOptions = {
  /** Page size; `list` still fetches every page, `listPage` returns one. */
  limit?: number;
  /** The last id of the previous page. */
  marker?: string;
  /** `key[:asc|desc]`. */
  sort?: string;
};

/** Drops undefined fields, so optional arguments never reach the wire as `undefined`. */
export function compact<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
