import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { parseConnection } from '../../src/db/index.js';

/**
 * A fresh, empty database for one test file. SQLite by default (a file, so several connections
 * and processes can share it); with PROTECTOR_TEST_DB_URL naming a MariaDB database (the system
 * run in .ci/run), a new database on that server, dropped when the file ends — so the same
 * suites prove the code on both.
 */
export async function testDatabaseUrl(): Promise<string> {
  const base = process.env.PROTECTOR_TEST_DB_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'protector-db-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    return `sqlite:///${join(dir, 'protector.db')}`;
  }
  if (parseConnection(base).kind !== 'mysql') throw new Error('PROTECTOR_TEST_DB_URL must name a MariaDB/MySQL database');
  return freshMysqlDatabase(base);
}

/** A new, empty database on the MariaDB server `base` names (its name plus a random suffix), dropped when the file ends. */
export async function freshMysqlDatabase(base: string): Promise<string> {
  const t = parseConnection(base);
  if (t.kind !== 'mysql') throw new Error('freshMysqlDatabase needs the URL of a MariaDB/MySQL database');
  const name = `${t.database}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection({ host: t.host, port: t.port, user: t.user, password: t.password });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  after(async () => {
    const c = await createConnection({ host: t.host, port: t.port, user: t.user, password: t.password });
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.end();
  });
  const u = new URL(base.replace(/^[^:]+:/, 'mysql:'));
  u.pathname = `/${name}`;
  return base.replace(/^([^:]+:).*/, '$1') + u.toString().slice('mysql:'.length);
}
