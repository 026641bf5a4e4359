import type { Frozen } from './frozen.js';

/** One stored document as the cache holds it: its row's keys and revision, and the parsed document. */
export interface Entry<T> {
  id: string;
  seq: number;
  /** Random per write: an equal revision means an equal document, even after a rollback. */
  rev: number;
  scope: string | null;
  ref: string | null;
  doc: Frozen<T>;
}

type Key = 'scope' | 'ref';

/**
 * A collection's documents as of one version of its table, in insertion (seq) order, with the
 * scope and ref groups built when first asked for. Writes of this process are applied to it in
 * place; anything else (a rollback, another process) shows as a new version and a rebuild.
 */
export class Snapshot<T> {
  private readonly groups: Record<Key, Map<string, string[]> | undefined> = { scope: undefined, ref: undefined };

  constructor(
    public version: number,
    /** Map iteration follows insertion, which is seq order: rows are added in seq order and an update keeps its place. */
    readonly byId: Map<string, Entry<T>>,
  ) {}

  /** Documents whose `key` column equals `value`, in seq order. */
  group(key: Key, value: string): Frozen<T>[] {
    let groups = this.groups[key];
    if (!groups) {
      groups = new Map();
      for (const e of this.byId.values()) {
        const v = e[key];
        if (v === null) continue;
        const ids = groups.get(v);
        if (ids) ids.push(e.id);
        else groups.set(v, [e.id]);
      }
      this.groups[key] = groups;
    }
    return (groups.get(value) ?? []).map((id) => this.byId.get(id)!.doc);
  }

  all(): Frozen<T>[] {
    return Array.from(this.byId.values(), (e) => e.doc);
  }

  /** Adds or replaces an entry; a new one has the highest seq, so it goes last. */
  set(entry: Entry<T>): void {
    const old = this.byId.get(entry.id);
    this.byId.set(entry.id, entry);
    for (const key of ['scope', 'ref'] as const) {
      const groups = this.groups[key];
      if (!groups) continue;
      // A document that moves between groups may belong mid-way in its new one: rebuild when asked.
      if (old) {
        if (old[key] !== entry[key]) this.groups[key] = undefined;
        continue;
      }
      // A new document has the highest seq: it joins the end of its group.
      const v = entry[key];
      if (v === null) continue;
      const ids = groups.get(v);
      if (ids) ids.push(entry.id);
      else groups.set(v, [entry.id]);
    }
  }

  delete(id: string): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    if (old.scope !== null) this.groups.scope = undefined;
    if (old.ref !== null) this.groups.ref = undefined;
  }
}
