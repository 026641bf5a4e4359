// protector-api as a long-running command: starts from protector.conf, validates tokens against
// the site's Keystone with its own service token, serves health, and stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Site } from '@protector/cloudsim';

const bin = (name: string) => fileURLToPath(new URL(`../../src/bin/${name}.ts`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'protector-api-svc-'));
const site = await Site.start({ name: 'site-a', basePort: 0, bootTimeMs: 0 });
after(async () => {
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

function conf(port: number, extra = ''): string {
  const file = join(dir, `protector-${port}.conf`);
  writeFileSync(
    file,
    `[DEFAULT]\nsecret_key = service-test-secret-key\nlog_file = ${join(dir, 'api.log')}\n${extra}\n` +
      `[api]\nbind_port = ${port}\n[database]\nconnection = sqlite:///${join(dir, 'p.db')}\n` +
      `[keystone_authtoken]\nauth_url = ${site.url('keystone')}/v3\nusername = admin\npassword = secret\nproject_name = admin\ninterface = public\n`,
  );
  return file;
}

const manage = (file: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', bin('protector-manage'), '--config-file', file, ...args], { encoding: 'utf8' });

test('refuses to start on an unsynced database or without secret_key, with one clear line', async () => {
  const port = await freePort();
  const file = conf(port);
  const r = spawnSync(process.execPath, ['--import', 'tsx', bin('protector-api'), '--config-file', file], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^protector-api: database sqlite:.*run protector-manage db sync\n$/);
  const noKey = join(dir, 'nokey.conf');
  writeFileSync(noKey, `[database]\nconnection = sqlite:///${join(dir, 'p.db')}\n`);
  const k = spawnSync(process.execPath, ['--import', 'tsx', bin('protector-api'), '--config-file', noKey], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(k.status, 1);
  assert.match(k.stderr, /secret_key is not set/);
});

test('serves the API with real token checks, and stops cleanly on SIGTERM', async () => {
  const port = await freePort();
  const file = conf(port);
  assert.equal(manage(file, 'db', 'sync').status, 0);
  const child = spawn(process.execPath, ['--import', 'tsx', bin('protector-api'), '--config-file', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(up, `protector-api did not come up: ${stderr}`);
    assert.equal((await fetch(`${url}/v1/admin/sites`)).status, 401);
    const auth = await fetch(`${site.url('keystone')}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'secret', domain: { id: 'default' } } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
    });
    const token = auth.headers.get('x-subject-token')!;
    const sites = await fetch(`${url}/v1/admin/sites`, { headers: { 'X-Auth-Token': token } });
    assert.equal(sites.status, 200);
    assert.match(await (await fetch(`${url}/metrics`)).text(), /protector_api_requests_total/);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 0, stderr);
});
