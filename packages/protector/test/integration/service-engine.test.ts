// protector-engine as a long-running command: starts from protector.conf, waits for the sites
// to be registered, and stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = (name: string) => fileURLToPath(new URL(`../../src/bin/${name}.ts`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'protector-engine-svc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'protector.conf');
const log = join(dir, 'engine.log');
writeFileSync(file, `[DEFAULT]\nsecret_key = service-test-secret-key\nlog_file = ${log}\n[database]\nconnection = sqlite:///${join(dir, 'p.db')}\n[engine]\npoll_interval = 0.2\n[storage]\nmock_storage_path = ${join(dir, 'arrays.db')}\n`);

test('waits for the sites to be registered, then stops cleanly on SIGTERM', async () => {
  assert.equal(spawnSync(process.execPath, ['--import', 'tsx', bin('protector-manage'), '--config-file', file, 'db', 'sync']).status, 0);
  const child = spawn(process.execPath, ['--import', 'tsx', bin('protector-engine'), '--config-file', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const read = () => {
    try {
      return readFileSync(log, 'utf8');
    } catch {
      return '';
    }
  };
  for (let i = 0; i < 100 && !read().includes('waiting for the local site'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(read(), /waiting for the local site and its peer to be registered/, stderr);
  const line = JSON.parse(read().split('\n')[0]!) as Record<string, unknown>;
  assert.equal(line.service, 'protector-engine');
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 0, stderr);
  assert.match(read(), /SIGTERM received, shutting down/);
});
