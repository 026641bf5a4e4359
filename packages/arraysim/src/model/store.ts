import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../database.js';

/** How long a destroyed object waits before the array eradicates it (Purity's default: 24 hours). */
export const ERADICATION_DELAY_MS = 24 * 3600 * 1000;

/** The database and clock every array module works on; no state lives outside the database. */
export class Store {
  /** Statements by SQL text: preparing is most of the cost of a small query. */
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    /** Pending-eradication period of destroyed volumes, snapshots, protection groups and pods. */
    readonly eradicationDelayMs = ERADICATION_DELAY_MS,
  ) {}

  /** Milliseconds left before an object destroyed at `destroyedAt` is eradicated; null when it is live. */
  timeRemaining(destroyedAt: number | null): number | null {
    return destroyedAt === null ? null : Math.max(0, destroyedAt + this.eradicationDelayMs - this.now());
  }

  now(): number {
    return this.clock.now();
  }

  /** BEGIN IMMEDIATE takes the write lock up front, so two processes never interleave a read-modify-write. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Names of `array`'s objects in `table` (fa_volumes, …) whose pending-eradication period has run out. */
  expiredNames(table: 'fa_volumes' | 'fa_volume_snapshots' | 'fa_pgroups', array: string): string[] {
    return this.all<{ name: string }>(
      `SELECT name FROM ${table} WHERE array = ? AND destroyed_at IS NOT NULL AND destroyed_at + ? <= ? ORDER BY name`,
      array, this.eradicationDelayMs, this.now(),
    ).map((r) => r.name);
  }

  private statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  run(sql: string, ...params: unknown[]): number {
    return this.statement(sql).run(...params).changes;
  }
}

/** FlashArray serials: 24 upper-case hex digits. */
export const serial = (): string => randomBytes(12).toString('hex').toUpperCase();
export const newId = (): string => randomUUID();
