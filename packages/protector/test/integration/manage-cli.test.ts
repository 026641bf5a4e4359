// protector-manage as an operator runs it: one process per command, output and exit status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../src/bin/protector-manage.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'protector-manage-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const conf = join(dir, 'protector.conf');
writeFileSync(conf, `[DEFAULT]\nsecret_key = a-long-enough-secret-key\n[database]\nconnection = sqlite:///${join(dir, 'p.db')}\n`);

function manage(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', bin, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('db version, db sync (twice) and db version again', () => {
  let r = manage('--config-file', conf, 'db', 'version');
  assert.equal(r.code, 1);
  assert.match(r.out, /current: none \(run protector-manage db sync\)/);
  r = manage('--config-file', conf, 'db', 'sync');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /applied 0001-initial, 0002-site-pairing, 0003-replicate-operation-type, 0005-replication-state/);
  assert.match(manage('--config-file', conf, 'db', 'sync').out, /already up to date/);
  r = manage('--config-file', conf, 'db', 'version');
  assert.equal(r.code, 0);
  assert.match(r.out, /^current: 0005-replication-state$/m);
});

test('config check names file, line, section and key of every problem; a clean file is OK', () => {
  const bad = join(dir, 'bad.conf');
  writeFileSync(bad, '[api]\nbind_prot = 1\nbind_port = seventy\n[storage]\ndriver = emc\n');
  const r = manage('config', 'check', bad);
  assert.equal(r.code, 1);
  assert.match(r.out, new RegExp(`${bad}:2 \\[api\\] bind_prot: error: unknown option; did you mean bind_port\\?`));
  assert.match(r.out, new RegExp(`${bad}:3 \\[api\\] bind_port: error: `));
  assert.match(r.out, new RegExp(`${bad}:5 \\[storage\\] driver: error: `));
  const ok = manage('config', 'check', conf);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /^OK/m);
  assert.match(manage('config', 'sample').out, /^#bind_port = 8788$/m);
});

test('policy check reports an override that refers to an unknown rule; list shows overrides', () => {
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, '"protector:sites:list": "rule:nobody_defined_this"\n');
  const r = manage('--config-file', conf, 'policy', 'check');
  assert.equal(r.code, 1);
  assert.match(r.out, /nobody_defined_this/);
  writeFileSync(policy, '"protector:sites:list": "role:admin or role:auditor"\n');
  assert.equal(manage('--config-file', conf, 'policy', 'check').code, 0);
  assert.match(manage('--config-file', conf, 'policy', 'list').out, /^protector:sites:list +role:admin or role:auditor +yes/m);
});

test('a mistyped command or a broken config is one clear line, not a stack trace', () => {
  const r = manage('db', 'bogus');
  assert.notEqual(r.code, 0);
  assert.match(r.err, /unknown command 'bogus'/);
  const broken = join(dir, 'broken.conf');
  writeFileSync(broken, '[database]\nconnection = ftp://x\n');
  const b = manage('--config-file', broken, 'db', 'sync');
  assert.equal(b.code, 1);
  assert.doesNotMatch(b.err, /\n\s+at /);
  assert.match(b.err, /^protector-manage: invalid configuration \(1 error\):\n.*broken\.conf:2 \[database\] connection: error: unsupported URI scheme "ftp"/);
});
