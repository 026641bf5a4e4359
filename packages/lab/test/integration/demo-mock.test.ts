// `protector-lab up --storage mock`: the same lab with Protector's mock storage driver (the arrays'
// model in process instead of their REST faces), and the whole DR lifecycle passing on it too.
// The default (pure, over HTTPS) is what walkthrough.test.ts runs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const labBin = fileURLToPath(new URL('../../dist/bin/protector-lab.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lab-mock-'));
const lab = (...args: string[]) => run(process.execPath, [labBin, ...args, '--dir', dir], { timeout: 600_000 });

after(async () => {
  await lab('down').catch(() => {});
});

test('protector-lab demo passes with --storage mock', { timeout: 900_000 }, async () => {
  await assert.rejects(lab('up', '--storage', 'nfs'), /--storage.*must be 'pure' or 'mock'/);
  const up = await lab('up', '--detach', '--storage', 'mock', '--base-port', '18400');
  assert.match(up.stdout, /protector storage: driver mock/);
  const conf = readFileSync(join(dir, 'site-a', 'protector', 'protector.conf'), 'utf8');
  assert.match(conf, /\[storage\]\ndriver = mock\nmock_storage_path = /);
  const r = await lab('demo');
  const rows = r.stdout.split('\n').filter((l) => /^\| (test-|failover|failback|protection-group sync)/.test(l));
  assert.ok(rows.length >= 6, r.stdout);
  for (const row of rows) assert.match(row, /\| yes +\|/, `data verified: ${row}`);
});
