/**
 * Files named relative to the configuration (policy.yaml, policy.d), found the way oslo.config's
 * find_file finds them: the --config-dir directories and then the directories of the config files,
 * the most recently given first, then /etc/protector.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ProtectorConfig } from './options.js';

export const STANDARD_CONFIG_DIR = '/etc/protector';

function searchDirs(cfg: Pick<ProtectorConfig, 'config_file' | 'config_dir'>): string[] {
  const dirs = [...[...cfg.config_dir].reverse(), ...[...cfg.config_file].reverse().map((f) => dirname(f)), STANDARD_CONFIG_DIR];
  return [...new Set(dirs.map((d) => resolve(d)))];
}

/** The absolute path of an existing file or directory named relative to the configuration, if any. */
export function findConfigFile(cfg: Pick<ProtectorConfig, 'config_file' | 'config_dir'>, name: string): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  return searchDirs(cfg).map((d) => resolve(d, name)).find((p) => existsSync(p));
}

/**
 * Where the policy file is: found as above, or (when it does not exist yet) beside the last
 * config file, which is where an operator would create it.
 */
export function policyFilePath(cfg: ProtectorConfig): string {
  const name = cfg.oslo_policy.policy_file;
  if (isAbsolute(name)) return name;
  const found = findConfigFile(cfg, name);
  if (found) return found;
  const last = cfg.config_file.at(-1);
  return resolve(last ? dirname(last) : STANDARD_CONFIG_DIR, name);
}

/** The policy directories that exist, in the order given. */
export function policyDirPaths(cfg: ProtectorConfig): string[] {
  return cfg.oslo_policy.policy_dirs.map((d) => findConfigFile(cfg, d)).filter((p): p is string => p !== undefined);
}
