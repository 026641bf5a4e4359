import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../database.js';

/** The database and clock every array module works on; no state lives outside the database. */
export class Store {
  constructor(
    readonly db: Db,
    readonly clock: Clock,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** BEGIN IMMEDIATE takes the write lock up front, so two processes never interleave a read-modify-write. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.db.prepare(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.db.prepare(sql).all(...params) as T[];
  }

  run(sql: string, ...params: unknown[]): number {
    return this.db.prepare(sql).run(...params).changes;
  }
}

/** FlashArray serials: 24 upper-case hex digits. */
export const serial = (): string => randomBytes(12).toString('hex').toUpperCase();
export const newId = (): string => randomUUID();
