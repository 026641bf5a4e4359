// protector-manage as an operator runs it: one process per command, output and exit status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/db/index.js';
import { Services, type ServiceBinary } from '../../src/db/services.js';

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
  assert.match(r.out, /applied 0001-initial, 0002-site-pairing, 0003-replicate-operation-type, 0004-list-indexes, 0005-replication-state, 0006-engine-services, 0007-operation-parents, 0008-recovery-plans, 0009-reip-rules, 0010-plan-commit-window/);
  assert.match(manage('--config-file', conf, 'db', 'sync').out, /already up to date/);
  r = manage('--config-file', conf, 'db', 'version');
  assert.equal(r.code, 0);
  assert.match(r.out, /^current: 0010-plan-commit-window$/m);
});

test('service list: each process with its heartbeat age, up or down (by age against service_down_time, or stopped), in every format; service delete forgets only the down', async () => {
  const db = openDatabase(`sqlite:///${join(dir, 'p.db')}`);
  const t = Date.now();
  const at = (ms: number) => new Services(db, () => ms);
  const identity = (host: string, binary: ServiceBinary, pid: number) => ({ host, binary, pid, version: '0.1.0' });
  let live: number, dead: number, stopped: number;
  try {
    live = await at(t - 600_000).register(identity('node-a', 'protector-engine', 101));
    await at(t - 3000).beat(live);
    dead = await at(t - 600_000).register(identity('node-b', 'protector-engine', 202)); // its last heartbeat 10 min ago
    stopped = await at(t - 600_000).register(identity('node-a', 'protector-api', 303));
    await at(t - 5000).stopped(stopped);
  } finally {
    await db.destroy();
  }

  const table = manage('--config-file', conf, 'service', 'list');
  assert.equal(table.code, 0, table.err);
  const lines = table.out.trimEnd().split('\n');
  assert.match(lines[1]!, /^\| ID +\| Binary +\| Host +\| PID +\| Version +\| State +\| Started At +\| Last Seen +\| Heartbeat Age \(s\) +\| Stopped At +\|$/);
  assert.equal(lines.length, 7, 'rule, heading, rule, three rows, rule');
  assert.match(lines[3]!, /^\| \d+ +\| protector-api +\| node-a +\| 303 +\| 0\.1\.0 +\| down +\|/);
  assert.match(lines[4]!, /^\| \d+ +\| protector-engine +\| node-a +\| 101 +\| 0\.1\.0 +\| up +\|/);
  assert.match(lines[5]!, /^\| \d+ +\| protector-engine +\| node-b +\| 202 +\| 0\.1\.0 +\| down +\|/);

  const json = JSON.parse(manage('--config-file', conf, 'service', 'list', '-f', 'json').out) as Record<string, string | number | null>[];
  const byPid = new Map(json.map((r) => [r.PID, r]));
  assert.equal(byPid.get(101)?.State, 'up');
  const age = byPid.get(101)?.['Heartbeat Age (s)'] as number;
  assert.ok(age >= 3 && age < 60, `age ${age}`);
  assert.equal(byPid.get(101)?.['Stopped At'], null);
  assert.equal(byPid.get(202)?.State, 'down');
  assert.ok((byPid.get(202)?.['Heartbeat Age (s)'] as number) >= 600);
  assert.equal(byPid.get(303)?.State, 'down', 'stopped gracefully: down at once');
  assert.match(String(byPid.get(303)?.['Stopped At']), /^\d{4}-\d\d-\d\dT/);
  assert.match(manage('--config-file', conf, 'service', 'list', '-f', 'value').out, new RegExp(`^${live} protector-engine node-a 101 0\\.1\\.0 up `, 'm'));
  const csv = manage('--config-file', conf, 'service', 'list', '-f', 'csv').out.split('\n');
  assert.equal(csv[0], '"ID","Binary","Host","PID","Version","State","Started At","Last Seen","Heartbeat Age (s)","Stopped At"');
  assert.match(csv[2]!, new RegExp(`^${live},"protector-engine","node-a",101,"0\\.1\\.0","up",`));
  assert.match(manage('--config-file', conf, 'service', 'list', '-f', 'yaml').out, /- ID: \d+\n {2}Binary: protector-api\n/);
  const bad = manage('--config-file', conf, 'service', 'list', '-f', 'xml');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /option '-f, --format <format>' argument 'xml' is invalid\. Allowed choices are table, json, yaml, value, csv/);

  const refused = manage('--config-file', conf, 'service', 'delete', String(live));
  assert.equal(refused.code, 1);
  assert.match(refused.err, new RegExp(`^protector-manage: service ${live} \\(protector-engine on node-a, pid 101\\) is up: its heartbeat is \\d+\\.\\d s old; stop it first\\n$`));
  const gone = manage('--config-file', conf, 'service', 'delete', String(dead));
  assert.equal(gone.code, 0, gone.err);
  assert.equal(gone.out, `deleted service ${dead} (protector-engine on node-b, pid 202)\n`);
  assert.match(manage('--config-file', conf, 'service', 'delete', String(dead)).err, new RegExp(`service ${dead} does not exist`));
  assert.match(manage('--config-file', conf, 'service', 'delete', 'node-b').err, /ID must be a service ID from 'protector-manage service list' \(a positive integer\), not 'node-b'/);
  assert.deepEqual((JSON.parse(manage('--config-file', conf, 'service', 'list', '-f', 'json').out) as { PID: number }[]).map((r) => r.PID).sort(), [101, 303]);
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
