// protector-engine as a long-running command: starts from protector.conf, waits for the sites
// to be registered, and stops cleanly on SIGTERM; each engine reports a heartbeat that
// `protector-manage service list` shows, up while it beats and down once it stops.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
writeFileSync(file, `[DEFAULT]\nsecret_key = service-test-secret-key\nlog_file = ${log}\nreport_interval = 1\nservice_down_time = 5\n[database]\nconnection = sqlite:///${join(dir, 'p.db')}\n[engine]\npoll_interval = 0.2\n[storage]\nmock_storage_path = ${join(dir, 'arrays.db')}\n`);

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

type ServiceRow = { ID: number; Binary: string; PID: number; State: 'up' | 'down'; 'Heartbeat Age (s)': number; 'Stopped At': string | null };
const services = (): ServiceRow[] => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', bin('protector-manage'), '--config-file', file, 'service', 'list', '-f', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ServiceRow[];
};

test('service list: two engines up while they beat; one killed is down once its heartbeat is older than service_down_time, one stopped is down at once', { timeout: 90_000 }, async () => {
  const start = () => spawn(process.execPath, ['--import', 'tsx', bin('protector-engine'), '--config-file', file], { stdio: 'ignore' });
  const engines = [start(), start()];
  const pids = engines.map((c) => c.pid!);
  try {
    const mine = () => services().filter((s) => s.Binary === 'protector-engine' && pids.includes(s.PID));
    let rows = mine();
    for (let i = 0; i < 150 && (rows.length < 2 || rows.some((r) => r.State !== 'up')); i++) {
      await new Promise((r) => setTimeout(r, 200));
      rows = mine();
    }
    assert.deepEqual(rows.map((r) => [r.PID, r.State]).sort(), pids.map((p) => [p, 'up']).sort());
    assert.ok(rows.every((r) => r['Heartbeat Age (s)'] <= 5));

    // Killed: no graceful stop, its heartbeat just ends.
    const [killed, stopped] = engines as [ChildProcess, ChildProcess];
    killed.kill('SIGKILL');
    await new Promise((r) => killed.on('exit', r));
    const byPid = () => new Map(mine().map((r) => [r.PID, r]));
    let now = byPid();
    for (let i = 0; i < 100 && now.get(killed.pid!)?.State !== 'down'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      now = byPid();
    }
    assert.equal(now.get(killed.pid!)?.State, 'down');
    // The age is shown to a tenth of a second: 5.04 s (down) prints as 5.
    assert.ok(now.get(killed.pid!)!['Heartbeat Age (s)'] >= 5, 'down because its heartbeat is older than service_down_time');
    assert.equal(now.get(killed.pid!)?.['Stopped At'], null);
    assert.equal(now.get(stopped.pid!)?.State, 'up', 'the other engine still beats');

    stopped.kill('SIGTERM');
    assert.equal(await new Promise((r) => stopped.on('exit', r)), 0);
    const ended = byPid().get(stopped.pid!);
    assert.equal(ended?.State, 'down', 'a graceful stop is down at once');
    assert.ok(ended?.['Stopped At']);
  } finally {
    for (const c of engines) if (c.exitCode === null) c.kill('SIGKILL');
  }
});
