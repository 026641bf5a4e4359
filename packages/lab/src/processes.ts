import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayCa, arraysDb, simUrl, type LabSite } from './sites.js';

/** cloudsim's compiled entry point, found through the workspace dependency. */
const cloudsimBin = fileURLToPath(new URL('./bin/cloudsim.js', import.meta.resolve('@protector/cloudsim')));

export interface Started {
  site: LabSite;
  child: ChildProcess;
  dataDir: string;
  log: string;
}

/**
 * Starts one cloudsim site as a child process writing to its own log file. Both sites open the
 * lab's one array file, so their arrays (each site's Cinder backend) form one replicated pair, and
 * issue their HTTPS certificates from the lab's one CA.
 */
export function startSite(site: LabSite, labDir: string, detach: boolean): Started {
  const dataDir = join(labDir, site.name);
  mkdirSync(dataDir, { recursive: true });
  const log = join(dataDir, 'cloudsim.log');
  const out = openSync(log, 'a');
  const child = spawn(
    process.execPath,
    [
      cloudsimBin, 'up', '--name', site.name, '--base-port', String(site.basePort), '--data', dataDir, '--seed', site.seed,
      '--array-name', site.array, '--array-db', arraysDb(labDir), '--array-ca', arrayCa(labDir).cert, '--array-ca-key', arrayCa(labDir).key,
    ],
    { stdio: ['ignore', out, out], detached: detach },
  );
  if (detach) child.unref();
  return { site, child, dataDir, log };
}

/** Waits until the site's control port answers, or fails with the tail of its log. */
export async function waitReady(s: Started, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (s.child.exitCode !== null) break;
    try {
      const res = await fetch(`${simUrl(s.site)}/sim/info`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const tail = readFileSync(s.log, 'utf8').trim().split('\n').slice(-10).join('\n');
  throw new Error(`${s.site.name} did not come up (${s.child.exitCode !== null ? `exited with ${s.child.exitCode}` : 'timed out'}):\n${tail}`);
}

/** Stops a process by pid and waits for it to go. */
export async function stopPid(pid: number, timeoutMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}
