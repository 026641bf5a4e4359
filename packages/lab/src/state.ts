import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `up --detach` leaves behind so `down` and `status` find the processes. */
export interface LabState {
  sites: { name: string; pid: number; basePort: number; dataDir: string; log: string }[];
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
