import type { Db } from '@protector/arraysim';
import { deepFreeze, thaw, type Frozen } from './frozen.js';
import { Snapshot, type Entry } from './snapshot.js';

export type { Frozen } from './frozen.js';

/** Every stored resource has a string id; `project_id` (when present) scopes visibility. */
export interface Stored {
  id: string;
}

interface KeyRow {
  id: string;
  seq: number;
  rev: number;
  scope: string | null;
  ref: string | null;
}

/** A random 52-bit number: revisions and versions are never reused, so equal means unchanged. */
const randomRev = (): number => Math.floor(Math.random() * 2 ** 52);

/**
 * A table of JSON documents, one per resource, in insertion order. SQLite is the truth; each
 * collection keeps its documents parsed in memory, valid while its table's version (one row in
 * `collection_versions`, changed with every write in the same transaction) is the one it was
 * built at. So reads parse nothing, and a rollback or another process's write shows as a new
 * version: the cache is rebuilt, re-reading only rows whose revision changed.
 *
 * Readers get shared frozen documents (`view`, `views`) or mutable copies (`get`, `list`, `find`)
 * to change and `put` back. Simulated clouds hold thousands of objects, so filtering in memory is
 * enough and keeps every service's model free of SQL.
 */
export class Collection<T extends Stored> {
  private readonly stmts;
  private readonly write: (change: () => Entry<T> | string) => void;
  private snap?: Snapshot<T>;
  /** The snapshot was checked in this synchronous run, outside any transaction, with no write since. */
  private checked = false;
  private readonly uncheck = () => {
    this.checked = false;
  };

  constructor(
    private readonly db: Db,
    readonly name: string,
    /** Which document field, if any, is copied into the indexed `scope` column. */
    private readonly scopeField?: keyof T & string,
    /** A second indexed field for lookups that must not scan the table (`listByRef`). */
    private readonly refField?: keyof T & string,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad collection name ${name}`);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${name} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, scope TEXT, ref TEXT, rev INTEGER, data TEXT NOT NULL);
       CREATE INDEX IF NOT EXISTS ${name}_scope ON ${name}(scope);
       CREATE INDEX IF NOT EXISTS ${name}_ref ON ${name}(ref);
       CREATE TABLE IF NOT EXISTS collection_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL);`,
    );
    // Stores written before revisions existed: give every row one.
    const columns = db.prepare<[], { name: string }>(`PRAGMA table_info(${name})`).all();
    if (!columns.some((c) => c.name === 'rev')) db.exec(`ALTER TABLE ${name} ADD COLUMN rev INTEGER`);
    db.prepare(`UPDATE ${name} SET rev = abs(random() % 4503599627370496) WHERE rev IS NULL`).run();
    db.prepare('INSERT OR IGNORE INTO collection_versions (name, version) VALUES (?, ?)').run(name, randomRev());
    this.stmts = {
      version: db.prepare<[string], number>('SELECT version FROM collection_versions WHERE name = ?').pluck(),
      setVersion: db.prepare<[number, string]>('UPDATE collection_versions SET version = ? WHERE name = ?'),
      keys: db.prepare<[], KeyRow>(`SELECT id, seq, rev, scope, ref FROM ${name} ORDER BY seq`),
      data: db.prepare<[string], string>(`SELECT data FROM ${name} WHERE id = ?`).pluck(),
      insert: db.prepare<[string, string | null, string | null, number, string]>(`INSERT INTO ${name} (id, scope, ref, rev, data) VALUES (?, ?, ?, ?, ?)`),
      update: db.prepare<[string | null, string | null, number, string, string]>(`UPDATE ${name} SET scope = ?, ref = ?, rev = ?, data = ? WHERE id = ?`),
      seqOf: db.prepare<[string], number>(`SELECT seq FROM ${name} WHERE id = ?`).pluck(),
      delete: db.prepare<[string]>(`DELETE FROM ${name} WHERE id = ?`),
    };
    // The version changes in the same transaction as the row, first, so no reader can see the new
    // version with old data; this process's snapshot follows the write only if it was current.
    this.write = db.transaction((change: () => Entry<T> | string) => {
      this.checked = false;
      const before = this.stmts.version.get(name);
      let next = randomRev();
      while (next === before) next = randomRev();
      this.stmts.setVersion.run(next, name);
      const done = change();
      const snap = this.snap;
      // A snapshot already behind stays as it is: the next read rebuilds, reusing its unchanged rows.
      if (!snap || snap.version !== before) return;
      if (typeof done === 'string') snap.delete(done);
      else snap.set(done);
      snap.version = next;
    });
  }

  // ---- reading -----------------------------------------------------------------------------

  /**
   * The snapshot at the table's current version, rebuilt if anything changed it behind us. Checked
   * once per synchronous run (a list renders many items): until the run ends, another process's
   * commit is as if it came after it. Inside a transaction, and after a write (which a rollback
   * may undo), every read checks.
   */
  private current(): Snapshot<T> {
    if (this.checked && this.snap) return this.snap;
    const version = this.stmts.version.get(this.name);
    const snap = this.snap && this.snap.version === version ? this.snap : this.rebuild();
    if (!this.db.inTransaction) {
      this.checked = true;
      queueMicrotask(this.uncheck);
    }
    return snap;
  }

  private rebuild(): Snapshot<T> {
    const old = this.snap?.byId;
    // One read transaction, so the version and the rows it describes are read together.
    const snap = this.db.transaction(() => {
      const byId = new Map<string, Entry<T>>();
      for (const k of this.stmts.keys.all()) {
        const prev = old?.get(k.id);
        const doc = prev && prev.rev === k.rev ? prev.doc : deepFreeze(JSON.parse(this.stmts.data.get(k.id)!) as T);
        byId.set(k.id, { ...k, doc });
      }
      return new Snapshot<T>(this.stmts.version.get(this.name)!, byId);
    })();
    this.snap = snap;
    return snap;
  }

  /** The shared, frozen document: for reading only (views, filters, lookups). */
  view(id: string): Frozen<T> | undefined {
    return this.current().byId.get(id)?.doc;
  }

  /** Frozen documents, all or those whose scope field equals `scope`, optionally filtered, in insertion order. */
  views(filter?: (doc: Frozen<T>) => boolean, scope?: string): Frozen<T>[] {
    const snap = this.current();
    const docs = scope === undefined ? snap.all() : snap.group('scope', scope);
    return filter ? docs.filter(filter) : docs;
  }

  /** Frozen documents whose `refField` equals `value`, by index. */
  viewsByRef(value: string): Frozen<T>[] {
    if (!this.refField) throw new Error(`collection ${this.name} has no ref field`);
    return this.current().group('ref', value);
  }

  /** A copy of the document, to change and `put` back. */
  get(id: string): T | undefined {
    const doc = this.view(id);
    return doc && thaw(doc);
  }

  /** Copies of all documents, or those whose scope field equals `scope`, optionally filtered (the filter only reads). */
  list(filter?: (doc: T) => boolean, scope?: string): T[] {
    return this.views(filter as ((doc: Frozen<T>) => boolean) | undefined, scope).map((d) => thaw(d));
  }

  /** Copies of the documents whose `refField` equals `value`. */
  listByRef(value: string): T[] {
    return this.viewsByRef(value).map((d) => thaw(d));
  }

  /** A copy of the first document the filter (which only reads) accepts. */
  find(filter: (doc: T) => boolean): T | undefined {
    const doc = this.current().all().find(filter as (doc: Frozen<T>) => boolean);
    return doc && thaw(doc);
  }

  count(): number {
    return this.current().byId.size;
  }

  // ---- writing -----------------------------------------------------------------------------

  private fieldOf(doc: T, field?: keyof T & string): string | null {
    if (!field) return null;
    const v = doc[field];
    return v === undefined || v === null ? null : String(v);
  }

  /** The cache entry of a stored document: parsed back from its text, as a reader of the table would see it. */
  private entry(doc: T, seq: number, rev: number, text: string, scope: string | null, ref: string | null): Entry<T> {
    return { id: doc.id, seq, rev, scope, ref, doc: deepFreeze(JSON.parse(text) as T) };
  }

  insert(doc: T): T {
    this.write(() => {
      const text = JSON.stringify(doc);
      const rev = randomRev();
      const scope = this.fieldOf(doc, this.scopeField);
      const ref = this.fieldOf(doc, this.refField);
      const seq = Number(this.stmts.insert.run(doc.id, scope, ref, rev, text).lastInsertRowid);
      return this.entry(doc, seq, rev, text, scope, ref);
    });
    return doc;
  }

  /** Replaces the stored document (inserting it when absent); returns it. */
  put(doc: T): T {
    this.write(() => {
      const text = JSON.stringify(doc);
      const rev = randomRev();
      const scope = this.fieldOf(doc, this.scopeField);
      const ref = this.fieldOf(doc, this.refField);
      if (this.stmts.update.run(scope, ref, rev, text, doc.id).changes === 0) {
        const seq = Number(this.stmts.insert.run(doc.id, scope, ref, rev, text).lastInsertRowid);
        return this.entry(doc, seq, rev, text, scope, ref);
      }
      return this.entry(doc, this.stmts.seqOf.get(doc.id)!, rev, text, scope, ref);
    });
    return doc;
  }

  /** Applies `change` to a copy of the document and stores it; undefined when absent. */
  update(id: string, change: (doc: T) => void): T | undefined {
    const doc = this.get(id);
    if (!doc) return undefined;
    change(doc);
    return this.put(doc);
  }

  delete(id: string): boolean {
    let deleted = false;
    this.write(() => {
      deleted = this.stmts.delete.run(id).changes > 0;
      return id;
    });
    return deleted;
  }
}
