// The lab as a user runs it (`protector-lab up --detach`, `site stop`, `site start`, `down`, from
// the compiled binary), in its own folder and on its own ports, for the browser tests.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { SiteAt, UserLogin } from './pgs.js';

const run = promisify(execFile);
const labBin = fileURLToPath(new URL('../../../lab/dist/bin/protector-lab.js', import.meta.url));

/** The seeded tenant (a member, not an admin) and the sites' bootstrap admin, as the lab makes them. */
export const LAB_DEMO: UserLogin = { username: 'demo', password: 'demo', project: 'demo' };
export const LAB_ADMIN: UserLogin = { username: 'admin', password: 'secret', project: 'admin' };

export interface Lab {
  dir: string;
  /** protector-dashboard's URL (site-a's base port + 8). */
  url: string;
  /** Both sites' Keystones, from the lab's clouds.yaml. */
  sites: [SiteAt, SiteAt];
  /** `protector-lab site stop NAME`: the site's OpenStack, Protector services and array stop answering. */
  stopSite(name: string): Promise<void>;
  /** `protector-lab site start NAME`: back on its own data. */
  startSite(name: string): Promise<void>;
  /** `protector-lab down`, then the folder removed. */
  close(): Promise<void>;
}

/** Starts a lab with site-a on `basePort` (site-b 100 above); stopped again if it does not come up. */
export async function startLab(basePort: number): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-lab-'));
  const lab = async (...args: string[]): Promise<string> => {
    try {
      return (await run(process.execPath, [labBin, ...args, '--dir', dir], { timeout: 180_000 })).stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`protector-lab ${args.join(' ')}: ${(e.stderr || e.message).trim()}`, { cause: err });
    }
  };
  let up = false;
  const close = async () => {
    try {
      // `up` stops what it started when it fails; `down` stops what the state file records.
      if (up) await lab('down');
      up = false;
    } finally {
      if (!up) rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const out = await lab('up', '--detach', '--base-port', String(basePort));
    up = true;
    const url = /dashboard: (http:\/\/\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`protector-lab up did not print the dashboard's URL:\n${out}`);
    const clouds = (parse(readFileSync(join(dir, 'clouds.yaml'), 'utf8')) as { clouds: Record<string, { auth: { auth_url: string } }> }).clouds;
    const site = (name: string): SiteAt => ({ name, authUrl: clouds[name]!.auth.auth_url });
    return {
      dir,
      url,
      sites: [site('site-a'), site('site-b')],
      stopSite: async (name) => void (await lab('site', 'stop', name)),
      startSite: async (name) => void (await lab('site', 'start', name)),
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
