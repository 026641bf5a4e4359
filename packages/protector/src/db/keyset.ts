import { sql, type SelectQueryBuilder } from 'kysely';

/** Which page of a list: the sort column, its direction, the last id of the previous page, the size. */
export interface PageRequest<K extends string = string> {
  key: K;
  desc: boolean;
  /** The id of the last row of the previous page. */
  marker?: string;
  limit: number;
}

export interface PageRows<O> {
  rows: O[];
  /** Rows follow the page. */
  more: boolean;
}

/**
 * One page of `query` (a single table, already scoped and filtered, selecting what the caller
 * wants), paged in SQL by keyset: ordered by `key` in the asked direction and then by `id`
 * ascending (the tie-break the API has always used, whatever the direction), starting after the
 * marker's row. Two statements at most (the marker's key, then the page, limit + 1 rows to know
 * whether more follow), whatever the table holds; with an index on the scope, `key` and `id` the
 * page is read from the index rather than sorted. `key` must be a column of the table and is
 * never taken from the caller's text (the API maps `sort` through a fixed list).
 *
 * Undefined when the marker is not a row of `query`: another project's row, one the filters
 * exclude, or none at all, which the caller cannot tell apart.
 */
export async function keysetPage<DB, TB extends keyof DB, O extends { id: string }>(query: SelectQueryBuilder<DB, TB, O>, p: PageRequest): Promise<PageRows<O> | undefined> {
  const key = sql.ref(p.key);
  const id = sql.ref('id');
  let q = query;
  if (p.marker !== undefined) {
    const at = await query
      .clearSelect()
      .select(key.as('k'))
      .where(sql<boolean>`${id} = ${p.marker}`)
      .executeTakeFirst();
    if (!at) return undefined;
    const k = (at as { k: unknown }).k;
    // `key >= k` first: a range the index can seek to; the OR only sorts out the rows equal to k.
    q = p.desc
      ? q.where(sql<boolean>`${key} <= ${k} and (${key} < ${k} or ${id} > ${p.marker})`)
      : q.where(sql<boolean>`${key} >= ${k} and (${key} > ${k} or ${id} > ${p.marker})`);
  }
  const rows = await q
    .orderBy(key, p.desc ? 'desc' : 'asc')
    .orderBy(id, 'asc')
    .limit(p.limit + 1)
    .execute();
  return { rows: rows.slice(0, p.limit), more: rows.length > p.limit };
}
