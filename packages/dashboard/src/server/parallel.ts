/**
 * `fn` over every item with at most `limit` calls in flight, results in the items' order: per-PG
 * reads go out together without opening hundreds of connections to one site at once.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Per-PG reads in flight at once against one site. */
export const PER_SITE_CONCURRENCY = 16;
