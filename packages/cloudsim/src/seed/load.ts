import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { seedCinder, type CinderSeed } from '../cinder/seed.js';
import { seedGlance, type GlanceSeed } from '../glance/seed.js';
import { seedKeystone, type KeystoneSeed } from '../keystone/seed.js';
import { seedNeutron, type NeutronSeed } from '../neutron/seed.js';
import { seedNova, type NovaSeed } from '../nova/seed.js';
import type { SiteHost } from '../host.js';
import { seedArray, type ArraySeed } from './array.js';

/** A seed file: every service's section side by side at the top level. */
export type SiteSeed = KeystoneSeed & GlanceSeed & NeutronSeed & CinderSeed & NovaSeed & ArraySeed;

const SECTIONS = [
  'domains', 'projects', 'users', 'roles', 'role_assignments',
  'images',
  'security_groups', 'networks',
  'volume_types', 'group_types', 'volumes',
  'flavors', 'keypairs', 'quotas', 'servers',
  'array',
] as const;

/** Sections that are a mapping of lists rather than a list. */
const MAPPINGS: Record<string, readonly string[]> = { array: ['connections', 'api_tokens'] };

/** Reads and checks a YAML seed; an unknown section is an error naming it (a typo would be silently ignored otherwise). */
export function parseSeed(text: string, source = 'seed'): SiteSeed {
  const doc: unknown = parse(text) ?? {};
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${source}: expected a mapping of sections`);
  for (const [key, value] of Object.entries(doc)) {
    if (!(SECTIONS as readonly string[]).includes(key)) {
      throw new Error(`${source}: unknown section '${key}'; expected some of ${SECTIONS.join(', ')}`);
    }
    const keys = MAPPINGS[key];
    if (keys) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: section '${key}' must be a mapping`);
      for (const [sub, list] of Object.entries(value)) {
        if (!keys.includes(sub)) throw new Error(`${source}: unknown key '${key}.${sub}'; expected some of ${keys.join(', ')}`);
        if (!Array.isArray(list)) throw new Error(`${source}: '${key}.${sub}' must be a list`);
      }
    } else if (!Array.isArray(value)) throw new Error(`${source}: section '${key}' must be a list`);
  }
  return doc as SiteSeed;
}

export function loadSeedFile(path: string): SiteSeed {
  return parseSeed(readFileSync(path, 'utf8'), path);
}

/** Applies a seed in dependency order: the array, identities, images, networks, volumes, servers. */
export function applySeed(site: SiteHost, seed: SiteSeed): void {
  site.ctx.db.transaction(() => {
    seedArray(site, seed);
    seedKeystone(site, seed);
    seedGlance(site, seed);
    seedNeutron(site, seed);
    seedCinder(site, seed);
    seedNova(site, seed);
  })();
}
