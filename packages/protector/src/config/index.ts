/** Configuration of the Protector services: oslo.config-style INI, typed options declared once. */
export { OPTIONS, LIBRARY_SECTIONS, LIBRARY_DEFAULT_OPTIONS, allOptions, findOption, type ProtectorConfig, type GroupName, type RegisteredOption } from './options.js';
export type { OptionSpec, DeprecatedName, Requirement } from './spec.js';
export type { OptionType } from './types.js';
export { parseIni, type IniDocument, type IniEntry } from './ini.js';
export { loadConfig, tryLoadConfig, type LoadResult } from './load.js';
export { checkConfig } from './check.js';
export { ConfigError, formatProblem, hasErrors, type Problem } from './problems.js';
export { defaultSources, DEFAULT_CONFIG_FILE, DEFAULT_CONFIG_DIR, type ConfigSources } from './sources.js';
export { sampleConfig } from './sample.js';
export { redacted, describeOption, describeConfig, REDACTED } from './redact.js';
export { findConfigFile, policyFilePath, policyDirPaths } from './paths.js';
export { isProduction } from './resolve.js';
export { configSample, configCheck, type CommandResult } from './manage.js';
