import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabSite } from './sites.js';

/** protector-dashboard, found through the workspace dependency. */
const bin = fileURLToPath(new URL('./dist/bin/protector-dashboard.js', import.meta.resolve('@protector/dashboard/package.json')));

/** The dashboard's port: site-a's base + 8 (cloudsim takes base+0..6, protector-api base+7). */
export const dashboardUrl = (siteA: { basePort: number }) => `http://127.0.0.1:${siteA.basePort + 8}`;

/** A login that works on both lab sites: the seeded demo tenant. */
export const DASHBOARD_LOGIN = { username: 'demo', password: 'demo', project: 'demo' } as const;

/** Starts protector-dashboard on the lab's clouds.yaml, for the two sites' admin clouds (their Keystones). */
export function startDashboard(sites: readonly LabSite[], labDir: string, clouds: string, detach: boolean): { child: ChildProcess; url: string; log: string } {
  const log = join(labDir, 'dashboard.log');
  const out = openSync(log, 'a');
  const url = dashboardUrl(sites[0]!);
  const args = [bin, '--clouds', clouds, ...sites.flatMap((s) => ['--site', s.name]), '--port', String(sites[0]!.basePort + 8)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', out, out], detached: detach });
  if (detach) child.unref();
  return { child, url, log };
}

/** Waits for the dashboard to answer, or fails with the tail of its log. */
export async function waitDashboard(d: { child: ChildProcess; url: string; log: string }, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && d.child.exitCode === null) {
    // Without a session the API answers 401: it is up.
    if (await fetch(`${d.url}/api/session`).then((r) => r.status === 401, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  const tail = readFileSync(d.log, 'utf8').trim().split('\n').slice(-10).join('\n');
  throw new Error(`protector-dashboard did not come up (${d.child.exitCode !== null ? `exited with ${d.child.exitCode}` : 'timed out'}):\n${tail}`);
}
