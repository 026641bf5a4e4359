import type { Db } from '@protector/arraysim';

/** Every stored resource has a string id; `project_id` (when present) scopes visibility. */
export interface Stored {
  id: string;
}

interface Row {
  data: string;
}

/**
 * A table of JSON documents, one per resource, in insertion order. Simulated clouds hold
 * thousands of objects at most, so filtering in memory after one indexed read is enough and
 * keeps every service's model free of SQL.
 */
export class Collection<T extends Stored> {
  private readonly stmts;

  constructor(
    db: Db,
    readonly name: string,
    /** Which document field, if any, is copied into the indexed `scope` column. */
    private readonly scopeField?: keyof T & string,
    /** A second indexed field for lookups that must not scan the table (`listByRef`). */
    private readonly refField?: keyof T & string,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad collection name ${name}`);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${name} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, scope TEXT, ref TEXT, data TEXT NOT NULL);
       CREATE INDEX IF NOT EXISTS ${name}_scope ON ${name}(scope);
       CREATE INDEX IF NOT EXISTS ${name}_ref ON ${name}(ref);`,
    );
    this.stmts = {
      get: db.prepare<[string], Row>(`SELECT data FROM ${name} WHERE id = ?`),
      all: db.prepare<[], Row>(`SELECT data FROM ${name} ORDER BY seq`),
      scoped: db.prepare<[string], Row>(`SELECT data FROM ${name} WHERE scope = ? ORDER BY seq`),
      byRef: db.prepare<[string], Row>(`SELECT data FROM ${name} WHERE ref = ? ORDER BY seq`),
      insert: db.prepare(`INSERT INTO ${name} (id, scope, ref, data) VALUES (?, ?, ?, ?)`),
      update: db.prepare(`UPDATE ${name} SET scope = ?, ref = ?, data = ? WHERE id = ?`),
      delete: db.prepare(`DELETE FROM ${name} WHERE id = ?`),
      count: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${name}`),
    };
  }

  private scopeOf(doc: T): string | null {
    return this.fieldOf(doc, this.scopeField);
  }

  private fieldOf(doc: T, field?: keyof T & string): string | null {
    if (!field) return null;
    const v = doc[field];
    return v === undefined || v === null ? null : String(v);
  }

  /** Documents whose `refField` equals `value`, by index. */
  listByRef(value: string): T[] {
    if (!this.refField) throw new Error(`collection ${this.name} has no ref field`);
    return this.stmts.byRef.all(value).map((r) => JSON.parse(r.data) as T);
  }

  get(id: string): T | undefined {
    const row = this.stmts.get.get(id);
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  /** All documents, or those whose scope field equals `scope`, optionally filtered. */
  list(filter?: (doc: T) => boolean, scope?: string): T[] {
    const rows = scope === undefined ? this.stmts.all.all() : this.stmts.scoped.all(scope);
    const docs = rows.map((r) => JSON.parse(r.data) as T);
    return filter ? docs.filter(filter) : docs;
  }

  find(filter: (doc: T) => boolean): T | undefined {
    return this.list(filter)[0];
  }

  count(): number {
    return this.stmts.count.get()?.n ?? 0;
  }

  insert(doc: T): T {
    this.stmts.insert.run(doc.id, this.scopeOf(doc), this.fieldOf(doc, this.refField), JSON.stringify(doc));
    return doc;
  }

  /** Replaces the stored document; returns it. */
  put(doc: T): T {
    const info = this.stmts.update.run(this.scopeOf(doc), this.fieldOf(doc, this.refField), JSON.stringify(doc), doc.id);
    if (info.changes === 0) this.insert(doc);
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
    return this.stmts.delete.run(id).changes > 0;
  }
}
