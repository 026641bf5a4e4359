// A service started while its database does not answer yet waits for it ([database] max_retries
// and retry_interval, as oslo.db services do), saying so once, and gives up with one clear line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closedPort } from '../helpers/closed-port.js';

const bin = fileURLToPath(new URL('../../src/bin/protector-engine.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'protector-db-wait-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('protector-engine waits max_retries × retry_interval for an unreachable database, then exits with one line', async () => {
  const port = await closedPort();
  const log = join(dir, 'engine.log');
  const file = join(dir, 'protector.conf');
  writeFileSync(file, `[DEFAULT]\nsecret_key = wait-test-secret-key\nlog_file = ${log}\n[database]\nconnection = mysql+pymysql://protector:db-secret@127.0.0.1:${port}/protector\nmax_retries = 2\nretry_interval = 1\n`);
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', bin, '--config-file', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const took = Date.now() - started;
  assert.equal(code, 1);
  assert.ok(took >= 2000, `gave up after ${took} ms: two waits of retry_interval first`);
  assert.match(stderr, new RegExp(`^protector-engine: database mysql\\+pymysql://protector:\\*\\*\\*@127\\.0\\.0\\.1:${port}/protector: the database is unreachable \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\n$`));
  assert.ok(!stderr.includes('db-secret'));
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; dependency?: string });
  const waits = lines.filter((l) => l.dependency === 'database');
  assert.equal(waits.length, 1, 'said once, not per attempt');
  assert.equal(waits[0]?.level, 'warn');
  assert.match(waits[0]?.msg ?? '', /^database unreachable: .*; waiting for it \(\[database\] max_retries 2, retry_interval 1 s\)$/);
});
