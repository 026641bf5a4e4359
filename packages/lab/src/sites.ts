import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** One site of the lab pair. */
export interface LabSite {
  name: string;
  basePort: number;
  /** Seed applied on first start; site-a holds the production VMs. */
  seed: string;
  /** The site's simulated FlashArray, its Cinder backend. */
  array: string;
}

/** What a storage driver needs to log in to a lab array. */
export interface LabArray {
  name: string;
  site: string;
  /** Its FlashArray REST 2.x face (cloudsim's base+6), HTTPS only as on a real array. */
  url: string;
  /** The lab CA (PEM file) that issued the face's certificate: verify it with this. */
  ca: string;
  /** The SQLite file holding both arrays (the array model a mock storage driver opens). */
  db: string;
  api_tokens: { user: string; token: string }[];
}

const seeds = resolve(import.meta.dirname, '..', 'seeds');

/** The two sites; 100 ports apart leaves room for each site's arrays and Protector services. */
export function labSites(basePort: number): LabSite[] {
  return [
    { name: 'site-a', basePort, seed: resolve(seeds, 'site-a.yaml'), array: 'site-a-array' },
    { name: 'site-b', basePort: basePort + 100, seed: resolve(seeds, 'site-b.yaml'), array: 'site-b-array' },
  ];
}

/** The array model file both sites share. */
export const arraysDb = (labDir: string) => join(labDir, 'arrays.db');

/** Each site's array with the API tokens its seed issues (the seed is where they are fixed). */
export function labArrays(sites: LabSite[], labDir: string): LabArray[] {
  return sites.map((s) => {
    const seed = parse(readFileSync(s.seed, 'utf8')) as { array?: { api_tokens?: { user: string; token: string }[] } } | null;
    return { name: s.array, site: s.name, url: arrayUrl(s), ca: arrayCa(labDir).cert, db: arraysDb(labDir), api_tokens: seed?.array?.api_tokens ?? [] };
  });
}

/** The REST 2.x face of a site's array (cloudsim's base+6). */
export const arrayUrl = (s: { basePort: number }) => `https://127.0.0.1:${s.basePort + 6}`;

/** The lab's one CA: both sites issue their array faces' certificates from it. */
export const arrayCa = (labDir: string) => ({ cert: join(labDir, 'array-ca.pem'), key: join(labDir, 'array-ca-key.pem') });

/** The sim control port of a site (cloudsim's base+5). */
export const simUrl = (s: { basePort: number }) => `http://127.0.0.1:${s.basePort + 5}`;
