// Connection URLs, and migrations on SQLite (the system suite runs the same on MariaDB).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConnection, redactUrl } from '../../src/db/index.js';
import { exerciseMigrations } from '../helpers/db.js';

test('connection URLs are read as oslo.db reads them, and passwords never show', () => {
  assert.deepEqual(parseConnection('sqlite://'), { kind: 'sqlite', path: ':memory:' });
  assert.deepEqual(parseConnection('sqlite:////var/lib/protector/p.db'), { kind: 'sqlite', path: '/var/lib/protector/p.db' });
  assert.deepEqual(parseConnection('sqlite:///p.db'), { kind: 'sqlite', path: 'p.db' });
  assert.deepEqual(parseConnection('mysql+pymysql://protector:s%40cret@db.example:3307/protector?charset=utf8'), {
    kind: 'mysql', host: 'db.example', port: 3307, user: 'protector', password: 's@cret', database: 'protector',
  });
  assert.equal(parseConnection('mysql://u:p@127.0.0.1/x?unix_socket=/run/m.sock').kind, 'mysql');
  assert.throws(() => parseConnection('postgresql://u:hunter2@h/x'), (e: Error) => /unsupported database 'postgresql'/.test(e.message) && !e.message.includes('hunter2'));
  assert.throws(() => parseConnection('mysql+pymysql://u:hunter2@h/'), (e: Error) => /names no database/.test(e.message) && !e.message.includes('hunter2'));
  assert.throws(() => parseConnection('not a url'), /is not a URL/);
  assert.equal(redactUrl('mysql+pymysql://u:hunter2@h/x'), 'mysql+pymysql://u:***@h/x');
});

test('db sync creates the schema on SQLite, once, and db version reports it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'protector-db-'));
  try {
    await exerciseMigrations(`sqlite:///${join(dir, 'protector.db')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
