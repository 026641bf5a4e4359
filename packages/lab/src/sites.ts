import { resolve } from 'node:path';

/** One site of the lab pair. */
export interface LabSite {
  name: string;
  basePort: number;
  /** Seed applied on first start; site-a holds the production VMs. */
  seed: string;
}

const seeds = resolve(import.meta.dirname, '..', 'seeds');

/** The two sites; 100 ports apart leaves room for each site's arrays and Protector services. */
export function labSites(basePort: number): LabSite[] {
  return [
    { name: 'site-a', basePort, seed: resolve(seeds, 'site-a.yaml') },
    { name: 'site-b', basePort: basePort + 100, seed: resolve(seeds, 'site-b.yaml') },
  ];
}

/** The sim control port of a site (cloudsim's base+5). */
export const simUrl = (s: { basePort: number }) => `http://127.0.0.1:${s.basePort + 5}`;
