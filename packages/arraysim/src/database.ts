import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * Opens a SQLite store: the array model's file, or a cloudsim site's state. `path` of ':memory:'
 * gives a throw-away store for tests; a file path persists across process restarts. WAL lets
 * other processes (the peer site, the mock storage driver, an inspector) read and write the same
 * file while this one does.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}
