/**
 * What a pure function made of a database row, kept for the next request that reads the very
 * same row. The row is still read every time (the engine, another process, writes the same
 * database: only a fresh read says what is current); what is saved is the work from row to
 * answer (parsing its JSON columns, the view, serialization), which cost more than the read.
 *
 * An entry is used only when every column of the fresh row is identical (===) to the row it was
 * made from, so any change to any column, whether or not it moved `updated_at`, makes a new one.
 * Columns are the driver's values: strings, numbers, null. A value that is an object (a Date or
 * Buffer some driver hands out) is a fresh object on each read, never ===, so such a row is never
 * served from here: a lost saving, never a stale answer.
 */
export type Row = Readonly<Record<string, unknown>>;

interface Entry<V> {
  row: Row;
  value: V;
}

export class RowMemo<V> {
  private readonly entries = new Map<string, Entry<V>>();

  /** `max`: entries kept (one per key); the least recently made goes first. */
  constructor(private readonly max = 1024) {}

  /**
   * `make(row)`'s value for this row, made now unless an entry under `key` was made from an
   * identical row. `key` names what else the value depends on (the id, a flag): every input of
   * `make` must be in `row` or in `key`.
   */
  get(key: string, row: Row, make: (row: Row) => V): V {
    const hit = this.entries.get(key);
    if (hit && sameRow(hit.row, row)) return hit.value;
    const value = make(row);
    if (hit) this.entries.delete(key);
    else if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { row, value });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Same columns, same values: every column of `b` is in `a` with the same value, and `a` has no more. */
function sameRow(a: Row, b: Row): boolean {
  let n = 0;
  for (const k in b) {
    if (a[k] !== b[k] || !(k in a)) return false;
    n++;
  }
  for (const _ in a) if (--n < 0) return false;
  return n === 0;
}
