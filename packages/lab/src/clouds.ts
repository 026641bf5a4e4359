import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

/** One clouds.yaml naming every site, built from the ones each cloudsim site wrote. */
export function mergeClouds(files: string[]): string {
  const clouds: Record<string, unknown> = {};
  for (const f of files) {
    const doc = parse(readFileSync(f, 'utf8')) as { clouds?: Record<string, unknown> };
    Object.assign(clouds, doc.clouds ?? {});
  }
  return stringify({ clouds });
}
