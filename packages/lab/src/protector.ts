import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayCa, arraysDb, type LabSite } from './sites.js';

/** protector-api, protector-engine and protector-manage, found through the workspace dependency. */
const bin = (name: string) => fileURLToPath(new URL(`./dist/bin/${name}.js`, import.meta.resolve('@protector/protector/package.json')));

/** The Protector service user each lab site's Keystone gets (DESIGN §12: `protector`, admin in `service`). */
export const SERVICE_USER = { name: 'protector', password: 'protector-lab' } as const;

/** protector-api's port: cloudsim takes base+0..6, the API base+7 (DESIGN's 8788 in production). */
export const apiUrl = (s: { basePort: number }) => `http://127.0.0.1:${s.basePort + 7}`;
export const keystoneUrl = (s: { basePort: number }) => `http://127.0.0.1:${s.basePort}/v3`;

export interface ProtectorProcesses {
  api: ChildProcess;
  engine: ChildProcess;
  dir: string;
  logs: { api: string; engine: string };
}

/** Which storage driver the lab's Protector sites use: pure (REST 2.x over HTTPS, the production path) or mock. */
export type LabStorage = 'pure' | 'mock';

/** The [storage] section: the pure driver trusts the lab CA; the mock one opens the arrays' file. */
function storageSection(storage: LabStorage, labDir: string): string[] {
  if (storage === 'mock') return ['[storage]', 'driver = mock', `mock_storage_path = ${arraysDb(labDir)}`];
  return ['[storage]', 'driver = pure', `pure_ca_file = ${arrayCa(labDir).cert}`];
}

/** The site's protector.conf: SQLite, the lab's arrays, its Keystone, fast engine polling. */
export function protectorConf(site: LabSite, labDir: string, storage: LabStorage = 'pure'): string {
  const dir = join(labDir, site.name, 'protector');
  return [
    '# Written by protector-lab up: one Protector site of the lab.',
    '[DEFAULT]',
    `host = ${site.name}`,
    `secret_key = lab-${site.name}-secret-key`,
    '',
    '[api]',
    'bind_host = 127.0.0.1',
    `bind_port = ${site.basePort + 7}`,
    '',
    '[database]',
    `connection = sqlite:///${join(dir, 'protector.db')}`,
    '',
    '[keystone_authtoken]',
    `auth_url = ${keystoneUrl(site)}`,
    `www_authenticate_uri = ${keystoneUrl(site)}`,
    `username = ${SERVICE_USER.name}`,
    `password = ${SERVICE_USER.password}`,
    'project_name = service',
    'interface = public',
    'token_cache_time = 60',
    '',
    ...storageSection(storage, labDir),
    '',
    '[engine]',
    'lease_seconds = 10',
    'heartbeat_seconds = 3',
    'poll_interval = 0.2',
    'step_timeout = 300',
    'server_boot_timeout = 120',
    '',
  ].join('\n');
}

/** Writes the configuration and applies the database migrations (protector-manage db sync). */
export function prepareProtector(site: LabSite, labDir: string, storage: LabStorage = 'pure'): string {
  const dir = join(labDir, site.name, 'protector');
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'protector.conf');
  writeFileSync(conf, protectorConf(site, labDir, storage), { mode: 0o600 });
  const r = spawnSync(process.execPath, [bin('protector-manage'), '--config-file', conf, 'db', 'sync'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`protector-manage db sync failed for ${site.name}: ${(r.stderr || r.stdout).trim()}`);
  return conf;
}

/** Starts the site's protector-api and protector-engine, each logging to its own file. */
export function startProtector(site: LabSite, labDir: string, conf: string, detach: boolean): ProtectorProcesses {
  const dir = join(labDir, site.name, 'protector');
  const logs = { api: join(dir, 'protector-api.log'), engine: join(dir, 'protector-engine.log') };
  const run = (name: 'protector-api' | 'protector-engine', log: string) => {
    const out = openSync(log, 'a');
    const child = spawn(process.execPath, [bin(name), '--config-file', conf], { stdio: ['ignore', out, out], detached: detach });
    if (detach) child.unref();
    return child;
  };
  return { api: run('protector-api', logs.api), engine: run('protector-engine', logs.engine), dir, logs };
}

/** Waits for protector-api's /healthz, or fails with the tail of its log. */
export async function waitApi(site: LabSite, p: ProtectorProcesses, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.api.exitCode !== null) break;
    try {
      if ((await fetch(`${apiUrl(site)}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const tail = readFileSync(p.logs.api, 'utf8').trim().split('\n').slice(-10).join('\n');
  throw new Error(`protector-api of ${site.name} did not come up (${p.api.exitCode !== null ? `exited with ${p.api.exitCode}` : 'timed out'}):\n${tail}`);
}
