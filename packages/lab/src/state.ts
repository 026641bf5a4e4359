import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceProcess } from './protector.js';
import type { LabArray } from './sites.js';

/** A protector-api or protector-engine as the state file records it: enough to stop and restart it. */
export interface ServiceState extends ServiceProcess {
  pid: number;
}

export interface SiteServices {
  site: string;
  processes: ServiceState[];
}

/**
 * What `up` leaves behind so `down` and `status` find the processes, and so tools find the
 * arrays and their API tokens.
 */
export interface LabState {
  sites: { name: string; pid: number; basePort: number; dataDir: string; log: string }[];
  /** Sites taken down on purpose (`site stop`): their processes ending is not a failure. */
  stopped?: string[];
  /** Each site's protector-api and protector-engine processes (one or more of each). */
  protector?: SiteServices[];
  arrays?: LabArray[];
  /** protector-dashboard, for both sites. */
  dashboard?: { pid: number; url: string; log: string };
}

/** How a lab started before several processes per site recorded them: one API and one engine. */
interface OneOfEach {
  site: string;
  api: { pid: number; url: string; log: string };
  engine: { pid: number; log: string };
}

const file = (dir: string) => join(dir, 'lab.json');

export function readState(dir: string): LabState | undefined {
  if (!existsSync(file(dir))) return undefined;
  const { protector, ...state } = JSON.parse(readFileSync(file(dir), 'utf8')) as Omit<LabState, 'protector'> & { protector?: (SiteServices | OneOfEach)[] };
  // A lab still running from before keeps being stopped by `down`.
  return { ...state, ...(protector ? { protector: protector.map((p) => ('processes' in p ? p : upgrade(p))) } : {}) };
}

function upgrade(p: OneOfEach): SiteServices {
  const config = [join(dirname(p.api.log), 'protector.conf')];
  return {
    site: p.site,
    processes: [
      { kind: 'api', name: 'protector-api', host: p.site, config, log: p.api.log, url: p.api.url, pid: p.api.pid },
      { kind: 'engine', name: 'protector-engine', host: p.site, config, log: p.engine.log, pid: p.engine.pid },
    ],
  };
}

export function writeState(dir: string, state: LabState): void {
  writeFileSync(file(dir), JSON.stringify(state, null, 2));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
