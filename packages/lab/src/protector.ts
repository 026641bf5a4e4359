import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayCa, arraysDb, type LabSite } from './sites.js';

/** protector-api, protector-engine and protector-manage, found through the workspace dependency. */
export const protectorBin = (name: string) => fileURLToPath(new URL(`./dist/bin/${name}.js`, import.meta.resolve('@protector/protector/package.json')));

/** The Protector service user each lab site's Keystone gets (DESIGN §12: `protector`, admin in `service`). */
export const SERVICE_USER = { name: 'protector', password: 'protector-lab' } as const;

/** Most protector-api or protector-engine processes a lab site runs (the APIs' ports stay below site-b's). */
export const MAX_PROCESSES = 16;

/**
 * protector-api's port: cloudsim takes base+0..6, the first API base+7 (DESIGN's 8788 in
 * production, and the one in the Keystone catalog); the second base+21, the third base+22, …
 */
export const apiPort = (s: { basePort: number }, n = 1) => (n === 1 ? s.basePort + 7 : s.basePort + 19 + n);
export const apiUrl = (s: { basePort: number }, n = 1) => `http://127.0.0.1:${apiPort(s, n)}`;
export const keystoneUrl = (s: { basePort: number }) => `http://127.0.0.1:${s.basePort}/v3`;

/** Which storage driver the lab's Protector sites use: pure (REST 2.x over HTTPS, the production path) or mock. */
export type LabStorage = 'pure' | 'mock';

/** How a site's Protector runs: how many of each process, on which database and bus. */
export interface SiteLayout {
  storage: LabStorage;
  apis: number;
  engines: number;
  /** `[database] connection`; the site's own SQLite file when absent. */
  database?: string;
  /** `[DEFAULT] transport_url`; the database bus when absent. */
  transportUrl?: string;
}

/** One protector-api or protector-engine process: what it reads and where it writes. */
export interface ServiceProcess {
  kind: 'api' | 'engine';
  /** `protector-engine`, or `protector-engine-2` when the site runs several. */
  name: string;
  /** Its `[DEFAULT] host`: unique among the site's processes (leases, logs, the service list). */
  host: string;
  /** protector.conf, then its own file when it needs one (later files override earlier ones, as oslo.config reads them). */
  config: string[];
  log: string;
  /** An API's URL. */
  url?: string;
}

/** The [storage] section: the pure driver trusts the lab CA; the mock one opens the arrays' file. */
function storageSection(storage: LabStorage, labDir: string): string[] {
  if (storage === 'mock') return ['[storage]', 'driver = mock', `mock_storage_path = ${arraysDb(labDir)}`];
  return ['[storage]', 'driver = pure', `pure_ca_file = ${arrayCa(labDir).cert}`];
}

export const protectorDir = (site: LabSite, labDir: string) => join(labDir, site.name, 'protector');

/** The site's protector.conf: its database and bus, the lab's arrays, its Keystone, fast engine polling. */
export function protectorConf(site: LabSite, labDir: string, layout: Omit<SiteLayout, 'apis' | 'engines'> = { storage: 'pure' }): string {
  const dir = protectorDir(site, labDir);
  return [
    '# Written by protector-lab up: one Protector site of the lab.',
    '[DEFAULT]',
    `host = ${site.name}`,
    `secret_key = lab-${site.name}-secret-key`,
    ...(layout.transportUrl ? [`transport_url = ${layout.transportUrl}`] : []),
    // Heartbeats every 2 s: `protector-manage service list` shows a stopped engine down within 10 s.
    'report_interval = 2',
    'service_down_time = 10',
    '',
    '[api]',
    'bind_host = 127.0.0.1',
    `bind_port = ${apiPort(site)}`,
    '',
    '[database]',
    `connection = ${layout.database ?? `sqlite:///${join(dir, 'protector.db')}`}`,
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
    ...storageSection(layout.storage, labDir),
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

/**
 * The site's processes. One of a kind runs on protector.conf alone, as before; several each get
 * a file of their own naming their host (and an API its port), read after protector.conf.
 */
export function serviceProcesses(site: LabSite, labDir: string, layout: Pick<SiteLayout, 'apis' | 'engines'>): ServiceProcess[] {
  const dir = protectorDir(site, labDir);
  const conf = join(dir, 'protector.conf');
  const some = (kind: 'api' | 'engine', count: number): ServiceProcess[] =>
    Array.from({ length: count }, (_, i) => {
      const n = i + 1;
      const name = count === 1 ? `protector-${kind}` : `protector-${kind}-${n}`;
      return {
        kind,
        name,
        host: count === 1 ? site.name : `${site.name}-${kind}-${n}`,
        config: count === 1 ? [conf] : [conf, join(dir, `${name}.conf`)],
        log: join(dir, `${name}.log`),
        ...(kind === 'api' ? { url: apiUrl(site, n) } : {}),
      };
    });
  return [...some('api', layout.apis), ...some('engine', layout.engines)];
}

/** A process's own file: its host, and an API's port. */
function processConf(site: LabSite, p: ServiceProcess): string {
  const lines = [`# Written by protector-lab up: ${p.name} of ${site.name}, read after protector.conf.`, '[DEFAULT]', `host = ${p.host}`];
  if (p.url) lines.push('', '[api]', `bind_port = ${new URL(p.url).port}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the configuration files and applies the database migrations (protector-manage db sync). */
export function prepareProtector(site: LabSite, labDir: string, layout: SiteLayout): ServiceProcess[] {
  const dir = protectorDir(site, labDir);
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'protector.conf');
  writeFileSync(conf, protectorConf(site, labDir, layout), { mode: 0o600 });
  const processes = serviceProcesses(site, labDir, layout);
  for (const p of processes) if (p.config.length > 1) writeFileSync(p.config[1]!, processConf(site, p), { mode: 0o600 });
  const r = spawnSync(process.execPath, [protectorBin('protector-manage'), '--config-file', conf, 'db', 'sync'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`protector-manage db sync failed for ${site.name}: ${(r.stderr || r.stdout).trim()}`);
  return processes;
}
