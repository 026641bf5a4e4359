import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabArray } from './sites.js';

/**
 * What `up` leaves behind so `down` and `status` find the processes, and so tools find the
 * arrays and their API tokens.
 */
export interface LabState {
  sites: { name: string; pid: number; basePort: number; dataDir: string; log: string }[];
  /** Sites taken down on purpose (`site stop`): their processes ending is not a failure. */
  stopped?: string[];
  /** Each site's protector-api and protector-engine. */
  protector?: { site: string; api: { pid: number; url: string; log: string }; engine: { pid: number; log: string } }[];
  arrays?: LabArray[];
  /** protector-dashboard, for both sites. */
  dashboard?: { pid: number; url: string; log: string };
}

const file = (dir: string) => join(dir, 'lab.json');

export function readState(dir: string): LabState | undefined {
  return existsSync(file(dir)) ? (JSON.parse(readFileSync(file(dir), 'utf8')) as LabState) : undefined;
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
