import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protectorBin, type ServiceProcess } from './protector.js';
import { arrayCa, arraysDb, simUrl, type LabSite } from './sites.js';
import type { ServiceState } from './state.js';

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
  throw new Error(`${s.site.name} did not come up (${s.child.exitCode !== null ? `exited with ${s.child.exitCode}` : 'timed out'}):\n${logTail(s.log)}`);
}

/** The last lines of a log, to say why a process did not come up. */
export function logTail(log: string, from = 0, lines = 10): string {
  return readFrom(log, from).trim().split('\n').slice(-lines).join('\n');
}

function readFrom(log: string, from: number): string {
  if (!existsSync(log)) return '';
  const size = statSync(log).size;
  if (size <= from) return '';
  const buf = Buffer.alloc(size - from);
  const fd = openSync(log, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

/** A protector-api or protector-engine started by the lab. */
export interface RunningService extends ServiceProcess {
  child: ChildProcess;
  /** Where this run's lines start in the log (it is appended to across restarts). */
  logFrom: number;
}

/** Starts one Protector process on its configuration files, writing to its own log file. */
export function startService(p: ServiceProcess, detach: boolean): RunningService {
  const logFrom = existsSync(p.log) ? statSync(p.log).size : 0;
  const out = openSync(p.log, 'a');
  const args = [protectorBin(p.kind === 'api' ? 'protector-api' : 'protector-engine'), ...p.config.flatMap((c) => ['--config-file', c])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', out, out], detached: detach });
  if (detach) child.unref();
  return { ...p, child, logFrom };
}

/** What the state file keeps of a started process. */
export const recorded = ({ child, logFrom: _from, ...p }: RunningService): ServiceState => ({ ...p, pid: child.pid! });

/** protector-engine's line once it takes operations (after both sites are registered). */
const ENGINE_RUNNING = 'protector-engine running';

/** Whether this run of an engine has said it takes operations. */
function engineRunning(s: RunningService): boolean {
  return readFrom(s.log, s.logFrom)
    .split('\n')
    .some((line) => {
      try {
        return (JSON.parse(line) as { msg?: unknown }).msg === ENGINE_RUNNING;
      } catch {
        return false;
      }
    });
}

/**
 * Waits until the process serves: an API answers /healthz, an engine takes operations. Fails
 * with the tail of its log when it exits or does not get there in time.
 */
export async function waitService(site: string, s: RunningService, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = async () => (s.url ? fetch(`${s.url}/healthz`).then((r) => r.ok, () => false) : engineRunning(s));
  while (Date.now() < deadline && s.child.exitCode === null) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  const why = s.child.exitCode !== null ? `exited with ${s.child.exitCode}` : 'timed out';
  throw new Error(`${s.name} of ${site} did not come up (${why}); ${s.log}:\n${logTail(s.log, s.logFrom)}`);
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
