import { spawnSync } from 'node:child_process';
import { createConnection, type Connection } from 'mysql2/promise';

/**
 * The shared services a scaled-out site runs on, as OpenStack operators run them: one MariaDB
 * server and one RabbitMQ broker for both sites, each site with a database and a vhost of its own
 * so the two sites' engines never share a table or a queue.
 */

/** `protector_site_a` from `mysql+pymysql://…/` (or `<name>_site_a` when the URL names a database). */
export function siteDatabaseName(serverUrl: string, site: string): string {
  const prefix = urlPath(serverUrl) || 'protector';
  return `${prefix}_${site.replace(/-/g, '_')}`;
}

/** The site's `[database] connection`: the server URL with the site's database. */
export function siteDatabaseUrl(serverUrl: string, site: string): string {
  return withPath(serverUrl, siteDatabaseName(serverUrl, site));
}

/** `site-a` from `rabbit://…/` (or `<vhost>-site-a` when the URL names a vhost other than `/`). */
export function siteVhost(transportUrl: string, site: string): string {
  const prefix = urlPath(transportUrl);
  return prefix && prefix !== '/' ? `${prefix}-${site}` : site;
}

/** The site's `[DEFAULT] transport_url`: the broker URL with the site's vhost. */
export function siteTransportUrl(transportUrl: string, site: string): string {
  return withPath(transportUrl, encodeURIComponent(siteVhost(transportUrl, site)));
}

/** Checks `--database`: a MariaDB/MySQL server URL with a user. */
export function checkDatabaseUrl(v: string): string {
  const u = parse(v, '--database', 'mysql+pymysql://user:password@127.0.0.1:3306/');
  if (!/^mysql(\+[a-z0-9]+)?:$/i.test(u.protocol)) throw new Error(`--database: expected a MariaDB/MySQL URL such as mysql+pymysql://user:password@127.0.0.1:3306/ (SQLite, the default, needs no option), not '${u.protocol}//…'`);
  if (!u.username) throw new Error('--database: the URL names no user (mysql+pymysql://user:password@host:port/)');
  const name = urlPath(v);
  if (name && !/^[A-Za-z0-9_]{1,48}$/.test(name)) throw new Error(`--database: '${name}' cannot prefix a database name (letters, digits and _ only, at most 48)`);
  return v;
}

/** Checks `--transport-url`: a RabbitMQ URL (oslo.messaging's rabbit://). */
export function checkTransportUrl(v: string): string {
  const u = parse(v, '--transport-url', 'rabbit://user:password@127.0.0.1:5672/');
  if (u.protocol !== 'rabbit:') throw new Error(`--transport-url: expected rabbit://user:password@host:5672/, not '${u.protocol}//…'`);
  if (!u.username) throw new Error('--transport-url: the URL names no user (rabbit://user:password@host:5672/)');
  if (v.includes(',')) throw new Error('--transport-url: give one broker (the lab makes its vhosts on it)');
  return v;
}

/** A connection to the server a `--database` URL names, in no database (to create or drop the sites'). */
export async function connectServer(serverUrl: string): Promise<Connection> {
  const u = new URL(serverUrl.replace(/^[^:]+:/, 'mysql:'));
  const socketPath = u.searchParams.get('unix_socket');
  try {
    return await createConnection({
      host: u.hostname || '127.0.0.1',
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      ...(socketPath ? { socketPath } : {}),
    });
  } catch (err) {
    throw new Error(`--database: cannot connect to ${redact(serverUrl)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Creates the site's database if it is missing (what an operator does before `protector-manage db sync`). */
export async function ensureSiteDatabase(serverUrl: string, site: string): Promise<string> {
  const name = siteDatabaseName(serverUrl, site);
  const c = await connectServer(serverUrl);
  try {
    await c.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4`);
  } catch (err) {
    throw new Error(`--database: cannot create database ${name} on ${redact(serverUrl)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    await c.end();
  }
  return siteDatabaseUrl(serverUrl, site);
}

/**
 * Makes the site's vhost and gives the URL's user all rights in it, through `rabbitmqctl` (a
 * command prefix such as `rabbitmqctl -n rabbit@host`, or `scripts/system/rabbitmq.sh ctl DIR`):
 * AMQP itself cannot create a vhost. Without it the vhosts must exist already.
 */
export function ensureSiteVhost(rabbitmqctl: string, transportUrl: string, site: string): string {
  const vhost = siteVhost(transportUrl, site);
  const user = decodeURIComponent(new URL(transportUrl).username);
  if (!listVhosts(rabbitmqctl).includes(vhost)) runRabbitmqctl(rabbitmqctl, 'add_vhost', vhost);
  runRabbitmqctl(rabbitmqctl, 'set_permissions', '-p', vhost, user, '.*', '.*', '.*');
  return siteTransportUrl(transportUrl, site);
}

/** Runs rabbitmqctl through the operator's command prefix (shell words); the arguments are passed as they are. */
export function runRabbitmqctl(rabbitmqctl: string, ...args: string[]): string {
  const r = spawnSync('sh', ['-c', `${rabbitmqctl} "$@"`, 'rabbitmqctl', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`--rabbitmqctl: '${rabbitmqctl} ${args.join(' ')}' failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || r.error?.message || '').trim()}`);
  return r.stdout;
}

/** The broker's vhosts. */
export const listVhosts = (rabbitmqctl: string): string[] =>
  runRabbitmqctl(rabbitmqctl, 'list_vhosts', '--quiet', '--no-table-headers', 'name')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The URL with its password hidden, for messages. */
export const redact = (url: string): string => url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');

function parse(v: string, option: string, example: string): URL {
  try {
    return new URL(v);
  } catch {
    throw new Error(`${option}: '${redact(v)}' is not a URL (expected ${example})`);
  }
}

/** The URL's path without its leading slash, decoded: '' for none (a vhost written `%2F` decodes to `/`). */
function urlPath(url: string): string {
  const path = new URL(url.replace(/^[^:]+:/, 'x:')).pathname;
  return decodeURIComponent(path.replace(/^\//, ''));
}

/** The URL with its path replaced; its query (`?unix_socket=…`, `?charset=…`) kept. */
function withPath(url: string, path: string): string {
  const m = /^([^:]+:\/\/[^/?]*)[^?]*(\?.*)?$/.exec(url);
  if (!m) throw new Error(`'${redact(url)}' is not a URL`);
  return `${m[1]}/${path}${m[2] ?? ''}`;
}
