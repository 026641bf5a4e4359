import type { ProtectorConfig } from './options.js';
import { ConfigError, hasErrors, type Problem } from './problems.js';
import { resolveOptions } from './resolve.js';
import { readSources, type ConfigSources } from './sources.js';

export interface LoadResult {
  /** Present when no problem is an error. */
  readonly config?: ProtectorConfig;
  readonly problems: readonly Problem[];
}

/** Loads without throwing: the config if it is usable, and every problem (warnings too). */
export function tryLoadConfig(sources: ConfigSources = {}): LoadResult {
  const { config, problems } = resolveOptions(readSources(sources), { validateAll: false, dirs: sources.dirs ?? [] });
  return hasErrors(problems) ? { problems } : { config, problems };
}

/**
 * The typed, frozen configuration from the files and directories given (none: every default).
 * Throws a ConfigError listing every error; warnings are dropped (use tryLoadConfig to log them).
 */
export function loadConfig(sources: ConfigSources = {}): ProtectorConfig {
  const r = tryLoadConfig(sources);
  if (!r.config) throw new ConfigError(r.problems);
  return r.config;
}
