import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { parse } from 'yaml';
import type { Credentials, EndpointInterface, HttpOptions, Scope, SiteClientsOptions, UserRef } from '@protector/openstack';

/**
 * Cloud configuration as openstacksdk / os-client-config read it, so operators can reuse their
 * clouds.yaml, secure.yaml and OS_* variables:
 *
 * - clouds.yaml: the first of `clouds.{yaml,yml,json}` found in the current directory,
 *   `$XDG_CONFIG_HOME/openstack` (when set), `~/.config/openstack`, `/etc/openstack`.
 *   `OS_CLIENT_CONFIG_FILE` is put in front of that list (as openstacksdk does: a missing file
 *   there falls through to the standard locations).
 * - secure.yaml: found the same way (`secure.{yaml,yml,json}`, `OS_CLIENT_SECURE_FILE` first),
 *   deep-merged over clouds.yaml per cloud.
 * - OS_* variables: with no cloud chosen they form the cloud `envvars` (or `$OS_CLOUD_NAME`); with
 *   a primary cloud chosen they override its values, like the OpenStack client (whose --os-*
 *   options default to them). They never touch the secondary cloud: those variables describe one
 *   site. Variables that only select (OS_CLOUD, OS_REGION_NAME, OS_CLIENT_CONFIG_FILE, …) do not
 *   make an `envvars` cloud on their own, as in openstacksdk.
 * - With neither a chosen cloud nor OS_* variables, a clouds.yaml with exactly one cloud uses it.
 *
 * Not supported: vendor profiles (`profile:` / `cloud:`, clouds-public.yaml), auth plugins other
 * than password, token and application credential, and Keystone v2 (only
 * identity_api_version 3). A cloud using them gets an error naming the key.
 */

export type AuthType = 'password' | 'token' | 'v3password' | 'v3token' | 'v3applicationcredential' | 'applicationcredential';
export const AUTH_TYPES: readonly AuthType[] = ['password', 'v3password', 'token', 'v3token', 'applicationcredential', 'v3applicationcredential'];

/** A clouds.yaml cloud entry (keys as in clouds.yaml). */
export type RawCloud = Record<string, unknown> & { auth?: Record<string, unknown> };

export type Env = Readonly<Record<string, string | undefined>>;

export interface CloudConfigOptions {
  /** Environment to read OS_* from; default process.env. */
  env?: Env;
  /** Directory searched first; default process.cwd(). Relative cacert paths resolve from here too. */
  cwd?: string;
  /** Home directory for ~/.config/openstack and `~` in paths; default os.homedir(). */
  home?: string;
  /** The system directory; default /etc/openstack (tests point it elsewhere). */
  systemDir?: string;
}

export interface ResolveCloudsOptions extends CloudConfigOptions {
  /** --os-cloud; default $OS_CLOUD. */
  cloud?: string;
  /** --secondary-cloud; default $OS_SECONDARY_CLOUD. */
  secondaryCloud?: string;
  /** Command-line values for the primary cloud (clouds.yaml keys), above OS_* variables. */
  overrides?: RawCloud;
}

export interface CloudTls {
  /** CA bundle path (`cacert` / OS_CACERT), absolute. */
  cacert?: string;
  /** false for `verify: false` / `insecure: true` / OS_INSECURE=true. */
  verify: boolean;
}

/** Where a cloud's values came from, for messages and --debug. */
export interface CloudSource {
  file?: string;
  secureFile?: string;
  /** OS_* variables contributed (the `envvars` cloud, or overrides of the primary). */
  env: boolean;
}

/** Files the loader looked at, in order, and the ones it used. */
export interface CloudFiles {
  clouds: Record<string, RawCloud>;
  file?: string;
  secureFile?: string;
  searched: string[];
  secureSearched: string[];
}

export class CloudConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudConfigError';
  }
}

const REDACTED = '***';
const SECRET_KEYS = new Set(['password', 'token', 'secret', 'application_credential_secret']);

/** One cloud, ready for KeystoneSession / createSiteClients; prints with secrets as `***`. */
export interface CloudConfigInit {
  name: string;
  /** Keystone URL as configured (KeystoneSession adds /v3 when missing). */
  authUrl: string;
  /** auth_type as configured (or inferred), lower case. */
  authType: AuthType;
  credentials: Credentials;
  region?: string;
  interface: EndpointInterface;
  tls: CloudTls;
  source: CloudSource;
}

export class CloudConfig implements CloudConfigInit {
  readonly name: string;
  readonly authUrl: string;
  readonly authType: AuthType;
  readonly credentials: Credentials;
  readonly region?: string;
  readonly interface: EndpointInterface;
  readonly tls: CloudTls;
  readonly source: CloudSource;

  constructor(init: CloudConfigInit) {
    this.name = init.name;
    this.authUrl = init.authUrl;
    this.authType = init.authType;
    this.credentials = init.credentials;
    this.region = init.region;
    this.interface = init.interface;
    this.tls = init.tls;
    this.source = init.source;
  }

  /** Options for createSiteClients (and, minus `http`, KeystoneSession). Reads the CA file. */
  siteClientsOptions(http: HttpOptions = {}): SiteClientsOptions {
    return { authUrl: this.authUrl, region: this.region, credentials: this.credentials, interface: this.interface, http: this.httpOptions(http) };
  }

  /** `http` with this cloud's TLS settings and its name as the site (unless `http` names one). */
  httpOptions(http: HttpOptions = {}): HttpOptions {
    const tls = this.tlsOptions();
    return { site: this.name, ...http, ...(tls ? { tls } : {}) };
  }

  /** HttpOptions.tls for this cloud, or undefined for Node's defaults. */
  tlsOptions(): HttpOptions['tls'] {
    if (this.tls.verify && !this.tls.cacert) return undefined;
    if (!this.tls.verify) return { rejectUnauthorized: false };
    const file = this.tls.cacert as string;
    try {
      return { ca: readFileSync(file, 'utf8'), rejectUnauthorized: true };
    } catch (err) {
      throw new CloudConfigError(`cloud ${this.name}: cannot read cacert ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      authUrl: this.authUrl,
      authType: this.authType,
      credentials: redactSecrets(this.credentials),
      region: this.region,
      interface: this.interface,
      tls: this.tls,
      source: this.source,
    };
  }

  toString(): string {
    return JSON.stringify(this.toJSON());
  }

  [inspect.custom](): Record<string, unknown> {
    return this.toJSON();
  }
}

/** A deep copy of `value` with every password, token and secret replaced by `***`. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) && v !== undefined && v !== null ? REDACTED : redactSecrets(v);
    return out as T;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Files

const SUFFIXES = ['.yaml', '.yml', '.json'];

function defaults(opts: CloudConfigOptions): { env: Env; cwd: string; home: string; systemDir: string } {
  return { env: opts.env ?? process.env, cwd: opts.cwd ?? process.cwd(), home: opts.home ?? homedir(), systemDir: opts.systemDir ?? '/etc/openstack' };
}

/** The directories searched, in openstacksdk's order. */
export function configSearchDirs(opts: CloudConfigOptions = {}): string[] {
  const { env, cwd, home, systemDir } = defaults(opts);
  const dirs = [cwd];
  if (env.XDG_CONFIG_HOME) dirs.push(join(env.XDG_CONFIG_HOME, 'openstack'));
  dirs.push(join(home, '.config', 'openstack'), systemDir);
  return [...new Set(dirs)];
}

function candidates(base: 'clouds' | 'secure', override: string | undefined, opts: CloudConfigOptions): string[] {
  const list = configSearchDirs(opts).flatMap((d) => SUFFIXES.map((s) => join(d, base + s)));
  return override ? [override, ...list] : list;
}

function readYaml(file: string): Record<string, RawCloud> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CloudConfigError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isObject(doc)) throw new CloudConfigError(`${file} is not a mapping`);
  const clouds = doc.clouds ?? {};
  if (!isObject(clouds)) throw new CloudConfigError(`${file}: clouds is not a mapping`);
  for (const [name, c] of Object.entries(clouds)) if (!isObject(c)) throw new CloudConfigError(`${file}: cloud ${name} is not a mapping`);
  return clouds as Record<string, RawCloud>;
}

/** clouds.yaml and secure.yaml as openstacksdk finds them, merged per cloud. */
export function loadCloudFiles(opts: CloudConfigOptions = {}): CloudFiles {
  const { env } = defaults(opts);
  const searched = candidates('clouds', env.OS_CLIENT_CONFIG_FILE, opts);
  const secureSearched = candidates('secure', env.OS_CLIENT_SECURE_FILE, opts);
  const file = searched.find((f) => existsSync(f));
  const secureFile = secureSearched.find((f) => existsSync(f));
  const clouds = file ? readYaml(file) : {};
  if (secureFile) {
    for (const [name, secure] of Object.entries(readYaml(secureFile))) clouds[name] = deepMerge(clouds[name] ?? {}, secure);
  }
  return { clouds, file, secureFile, searched, secureSearched };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge<T extends Record<string, unknown>>(base: T, over: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out as T;
}

// ---------------------------------------------------------------------------------------------
// OS_* variables

/** Keys that belong in `auth`; anywhere else in a cloud entry (or from OS_*) they are moved there. */
const AUTH_KEYS = new Set([
  'auth_url',
  'username',
  'user_id',
  'password',
  'project_name',
  'project_id',
  'tenant_name',
  'tenant_id',
  'user_domain_name',
  'user_domain_id',
  'project_domain_name',
  'project_domain_id',
  'domain_name',
  'domain_id',
  'default_domain_name',
  'default_domain_id',
  'token',
  'application_credential_id',
  'application_credential_name',
  'application_credential_secret',
  'system_scope',
  'trust_id',
]);

/** OS_* variables that name a cloud or a file rather than carry a value of one. */
const NAMING = new Set(['OS_CLOUD', 'OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE', 'OS_CLOUD_NAME', 'OS_SECONDARY_CLOUD']);
/** Variables that alone make no `envvars` cloud (openstacksdk's selectors, plus OS_SECONDARY_CLOUD). */
const SELECTORS = new Set([...NAMING, 'OS_REGION_NAME']);

function osKeys(env: Env): string[] {
  return Object.keys(env).filter(
    (k) => k.startsWith('OS_') && !k.startsWith('OS_TEST') && !k.startsWith('OS_STD') && !k.startsWith('OS_LOG') && env[k] !== undefined && env[k] !== '',
  );
}

/** The cloud entry OS_* variables describe (OS_FOO_BAR → foo_bar), or null if they only select. */
export function envCloud(env: Env): RawCloud | null {
  const keys = osKeys(env);
  if (!keys.some((k) => !SELECTORS.has(k))) return null;
  return envValues(env, keys);
}

function envValues(env: Env, keys: string[]): RawCloud {
  const cloud: RawCloud = { auth: {} };
  for (const k of keys) {
    if (NAMING.has(k)) continue;
    const key = k.slice(3).toLowerCase();
    if (AUTH_KEYS.has(key)) (cloud.auth as Record<string, unknown>)[key] = env[k];
    else cloud[key] = env[k];
  }
  return cloud;
}

// ---------------------------------------------------------------------------------------------
// Building a CloudConfig

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : String(v);
}

const BOOL_WORDS = new Set(['true', 'yes', '1', 'on', 'false', 'no', '0', 'off']);

function bool(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(s)) return true;
  if (['false', 'no', '0', 'off'].includes(s)) return false;
  throw new CloudConfigError(`${what}: expected true or false, got ${String(v)}`);
}

/** Top-level auth keys moved into `auth` (auth's own values win), tenant_* renamed project_*. */
function normalize(raw: RawCloud): { top: Record<string, unknown>; auth: Record<string, unknown> } {
  const top: Record<string, unknown> = {};
  const moved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'auth') continue;
    if (AUTH_KEYS.has(k)) moved[k] = v;
    else top[k.replace(/-/g, '_')] = v;
  }
  const auth: Record<string, unknown> = { ...moved };
  for (const [k, v] of Object.entries(isObject(raw.auth) ? raw.auth : {})) auth[k.replace(/-/g, '_')] = v;
  if (auth.project_name === undefined && auth.tenant_name !== undefined) auth.project_name = auth.tenant_name;
  if (auth.project_id === undefined && auth.tenant_id !== undefined) auth.project_id = auth.tenant_id;
  return { top, auth };
}

/** Merges `over` into `base` the openstacksdk way: top-level keys replace, `auth` merges key by key. */
function overlay(base: RawCloud, over: RawCloud): RawCloud {
  const b = normalize(base);
  const o = normalize(over);
  return { ...b.top, ...o.top, auth: { ...b.auth, ...o.auth } };
}

function normalizeAuthType(v: string, name: string): AuthType {
  const t = v.toLowerCase().replace(/[-_]/g, '') as AuthType;
  if (AUTH_TYPES.includes(t)) return t;
  throw new CloudConfigError(`cloud ${name}: auth_type ${v} is not supported (use one of ${AUTH_TYPES.join(', ')})`);
}

const INTERFACES: Record<string, EndpointInterface> = {
  public: 'public',
  publicurl: 'public',
  internal: 'internal',
  internalurl: 'internal',
  admin: 'admin',
  adminurl: 'admin',
};

function scopeOf(auth: Record<string, unknown>): Scope | undefined {
  const projectId = str(auth.project_id);
  const projectName = str(auth.project_name);
  if (projectId) return { projectId };
  if (projectName) {
    const projectDomainId = str(auth.project_domain_id) ?? (str(auth.project_domain_name) ? undefined : str(auth.default_domain_id));
    const projectDomainName = str(auth.project_domain_name) ?? (projectDomainId ? undefined : str(auth.default_domain_name));
    return { projectName, ...(projectDomainId ? { projectDomainId } : {}), ...(projectDomainName ? { projectDomainName } : {}) };
  }
  const domainId = str(auth.domain_id);
  const domainName = str(auth.domain_name);
  if (domainId) return { domainId };
  if (domainName) return { domainName };
  const system = str(auth.system_scope);
  if (system) return { system: 'all' };
  const trustId = str(auth.trust_id);
  if (trustId) return { trustId };
  return undefined;
}

function userOf(auth: Record<string, unknown>): UserRef {
  const user: UserRef = {};
  const userId = str(auth.user_id);
  const username = str(auth.username);
  if (userId) user.userId = userId;
  if (username) user.username = username;
  const userDomainId = str(auth.user_domain_id) ?? (str(auth.user_domain_name) ? undefined : str(auth.default_domain_id));
  const userDomainName = str(auth.user_domain_name) ?? (userDomainId ? undefined : str(auth.default_domain_name));
  if (userDomainId) user.userDomainId = userDomainId;
  if (userDomainName) user.userDomainName = userDomainName;
  return user;
}

function credentialsOf(type: AuthType, auth: Record<string, unknown>, name: string): Credentials {
  const need = (key: string): string => {
    const v = str(auth[key]);
    if (!v) throw new CloudConfigError(`cloud ${name}: auth.${key} is missing (auth_type ${type})`);
    return v;
  };
  const scope = scopeOf(auth);
  switch (type) {
    case 'password':
    case 'v3password': {
      const user = userOf(auth);
      if (!user.userId && !user.username) throw new CloudConfigError(`cloud ${name}: auth.username or auth.user_id is missing (auth_type ${type})`);
      return { type: 'password', ...user, password: need('password'), ...(scope ? { scope } : {}) };
    }
    case 'token':
    case 'v3token':
      return { type: 'token', token: need('token'), ...(scope ? { scope } : {}) };
    case 'applicationcredential':
    case 'v3applicationcredential': {
      const secret = need('application_credential_secret');
      const id = str(auth.application_credential_id);
      if (id) return { type: 'application_credential', id, secret };
      const credName = str(auth.application_credential_name);
      if (!credName) throw new CloudConfigError(`cloud ${name}: auth.application_credential_id or auth.application_credential_name is missing (auth_type ${type})`);
      const user = userOf(auth);
      if (!user.userId && !user.username) {
        throw new CloudConfigError(`cloud ${name}: an application credential given by name needs auth.username or auth.user_id`);
      }
      return { type: 'application_credential', name: credName, secret, user };
    }
  }
}

/**
 * A CloudConfig from a merged clouds.yaml-style entry. Without auth_type: an application
 * credential secret means applicationcredential, a token without a password means token,
 * anything else password (openstacksdk's default).
 */
export function buildCloud(name: string, raw: RawCloud, source: CloudSource, opts: CloudConfigOptions = {}): CloudConfig {
  const { cwd, home } = defaults(opts);
  const { top, auth } = normalize(raw);
  if (top.profile !== undefined || top.cloud !== undefined) {
    throw new CloudConfigError(`cloud ${name}: vendor profiles (${top.profile !== undefined ? 'profile' : 'cloud'}:) are not supported; put auth_url and the other values in the cloud itself`);
  }
  const authUrl = str(auth.auth_url);
  if (!authUrl) throw new CloudConfigError(`cloud ${name} has no auth_url (auth.auth_url in clouds.yaml, or OS_AUTH_URL)`);
  const version = str(top.identity_api_version);
  if (version !== undefined && version !== '3' && version !== '3.0') {
    throw new CloudConfigError(`cloud ${name}: identity_api_version ${version} is not supported (only 3)`);
  }
  const explicitType = str(top.auth_type) ?? str(top.auth_plugin);
  const authType: AuthType = explicitType
    ? normalizeAuthType(explicitType, name)
    : str(auth.application_credential_secret)
      ? 'v3applicationcredential'
      : str(auth.token) && !str(auth.password)
        ? 'token'
        : 'password';
  const credentials = credentialsOf(authType, auth, name);

  const regionList = Array.isArray(top.regions) ? top.regions : [];
  const firstRegion = regionList[0];
  const region = str(top.region_name) ?? (isObject(firstRegion) ? str(firstRegion.name) : str(firstRegion));

  const ifaceRaw = str(top.interface) ?? str(top.endpoint_type) ?? 'public';
  const iface = INTERFACES[ifaceRaw.toLowerCase()];
  if (!iface) throw new CloudConfigError(`cloud ${name}: interface ${ifaceRaw} is not one of public, internal, admin`);

  const insecure = bool(top.insecure, `cloud ${name}: insecure`);
  const verifyRaw = top.verify;
  // verify may also be a CA path (requests' convention, which openstacksdk passes through).
  const verifyIsPath = typeof verifyRaw === 'string' && verifyRaw !== '' && !BOOL_WORDS.has(verifyRaw.toLowerCase());
  const verify = insecure === true ? false : verifyIsPath ? true : (bool(verifyRaw, `cloud ${name}: verify`) ?? true);
  const cacertRaw = str(top.cacert) ?? (verifyIsPath ? (verifyRaw as string) : undefined);
  const tls: CloudTls = { verify };
  if (cacertRaw) tls.cacert = expandPath(cacertRaw, cwd, home);

  return new CloudConfig({ name, authUrl, authType, credentials, region, interface: iface, tls, source });
}

function expandPath(p: string, cwd: string, home: string): string {
  const expanded = p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
  return isAbsolute(expanded) ? expanded : resolve(cwd, expanded);
}

function describeSearch(files: CloudFiles): string {
  return files.file ? `${files.file}${files.secureFile ? ` and ${files.secureFile}` : ''}` : `no clouds.yaml found; searched ${files.searched.join(', ')}`;
}

function unknownCloud(name: string, files: CloudFiles): CloudConfigError {
  const known = Object.keys(files.clouds);
  if (!files.file && !files.secureFile) return new CloudConfigError(`cloud ${name} not found: ${describeSearch(files)}`);
  return new CloudConfigError(
    `cloud ${name} not found in ${describeSearch(files)} (clouds there: ${known.length ? known.join(', ') : 'none'}; other files searched: ${files.searched.filter((f) => f !== files.file).join(', ')})`,
  );
}

/**
 * One cloud by name from clouds.yaml + secure.yaml, or the `envvars` cloud (named after
 * OS_CLOUD_NAME when set). No OS_* overrides: that is resolveClouds's job for the primary.
 */
export function loadCloud(name: string, opts: CloudConfigOptions & { files?: CloudFiles } = {}): CloudConfig {
  const { env } = defaults(opts);
  const files = opts.files ?? loadCloudFiles(opts);
  const envName = env.OS_CLOUD_NAME || 'envvars';
  const raw = files.clouds[name];
  if (raw) return buildCloud(name, raw, { file: files.file, secureFile: files.secureFile, env: false }, opts);
  if (name === envName) {
    const fromEnv = envCloud(env);
    if (fromEnv) return buildCloud(name, fromEnv, { env: true }, opts);
  }
  throw unknownCloud(name, files);
}

/**
 * The primary cloud (--os-cloud, OS_CLOUD, else the OS_* variables, else the only cloud in
 * clouds.yaml) with OS_* variables and `overrides` over it, and the secondary
 * (--secondary-cloud, OS_SECONDARY_CLOUD) as clouds.yaml has it, or null when none is named.
 */
export function resolveClouds(opts: ResolveCloudsOptions = {}): { primary: CloudConfig; secondary: CloudConfig | null } {
  const { env } = defaults(opts);
  const files = loadCloudFiles(opts);
  const envName = env.OS_CLOUD_NAME || 'envvars';
  if (files.clouds[envName] && envCloud(env) && env.OS_CLOUD_NAME) {
    throw new CloudConfigError(`${files.file ?? files.secureFile} defines a cloud named ${envName}, but OS_CLOUD_NAME is also ${envName}; rename one of them`);
  }
  const fromEnv = envCloud(env);
  const keys = osKeys(env);
  const envUsed = keys.some((k) => !NAMING.has(k));
  // Precedence for the primary: overrides (command line) > OS_* > secure.yaml > clouds.yaml.
  const primaryOf = (name: string, raw: RawCloud, inFiles: boolean): CloudConfig =>
    buildCloud(name, overlay(overlay(raw, envValues(env, keys)), opts.overrides ?? {}), { ...(inFiles ? { file: files.file, secureFile: files.secureFile } : {}), env: envUsed }, opts);
  const primaryName = opts.cloud || env.OS_CLOUD || undefined;
  let primary: CloudConfig;
  if (primaryName) {
    const raw = files.clouds[primaryName] ?? (primaryName === envName && fromEnv ? {} : undefined);
    if (!raw) throw unknownCloud(primaryName, files);
    primary = primaryOf(primaryName, raw, files.clouds[primaryName] !== undefined);
  } else if (fromEnv) {
    primary = primaryOf(envName, {}, false);
  } else {
    const names = Object.keys(files.clouds);
    if (names.length === 1) {
      const only = names[0] as string;
      primary = primaryOf(only, files.clouds[only] as RawCloud, true);
    } else if (names.length === 0) {
      throw new CloudConfigError(`no cloud configured: no OS_* variables (OS_AUTH_URL, …) and ${describeSearch(files)}`);
    } else {
      throw new CloudConfigError(`no cloud chosen: use --os-cloud or OS_CLOUD (clouds in ${files.file ?? files.secureFile}: ${names.join(', ')})`);
    }
  }

  const secondaryName = opts.secondaryCloud || env.OS_SECONDARY_CLOUD || undefined;
  let secondary: CloudConfig | null = null;
  if (secondaryName) {
    if (secondaryName === primary.name) throw new CloudConfigError(`the secondary cloud must be another site than the primary (both are ${secondaryName})`);
    secondary = loadCloud(secondaryName, { ...opts, files });
  }
  return { primary, secondary };
}
