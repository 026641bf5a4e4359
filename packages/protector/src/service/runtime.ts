import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { createBus, type MessageBus } from '../bus/index.js';
import { loadConfig, policyFilePath, tryLoadConfig, type ConfigSources, type ProtectorConfig } from '../config/index.js';
import { checkDatabaseVersion, isDatabaseUnavailable, openDatabase, redactUrl } from '../db/index.js';
import type { Database } from '../db/schema.js';
import { SecretBox } from '../db/secrets.js';
import { arrayEndpoint, localPair, Sites } from '../db/sites.js';
import { createLogger, createMetrics, type Logger, type ProtectorMetrics, type ServiceName } from '../observability/index.js';
import { Enforcer } from '../policy/index.js';
import { CLIENT_REST_VERSIONS, compareVersions, createStorageDriver, type PureDriverConfig, type StorageDriver } from '../storage/index.js';
import { DependencyWatch } from './dependency-watch.js';
import { startHeartbeat } from './heartbeat.js';
import { VERSION } from '../version.js';

/** What both long-running services share: configuration, logs, metrics, database, bus, storage. */
export interface Runtime {
  cfg: ProtectorConfig;
  logger: Logger;
  metrics: ProtectorMetrics;
  db: Kysely<Database>;
  box: SecretBox;
  sites: Sites;
  enforcer: Enforcer;
  bus: MessageBus;
  /** This node's name in leases and bus claims: `[DEFAULT] host` and the pid. */
  owner: string;
  /** Outages of the database and of the broker, logged once each (a warning when they start, a line when they end). */
  watch: { database: DependencyWatch; bus: DependencyWatch };
  /** The storage driver for the local site's array and its peer's, once both sites are registered. */
  storage(): Promise<StorageDriver | undefined>;
  close(): Promise<void>;
}

/**
 * Opens everything a service needs, refusing to start (with one clear message) on a bad config,
 * a missing secret key or a database that `protector-manage db sync` has not brought up to date.
 */
export async function openRuntime(service: ServiceName, sources: ConfigSources): Promise<Runtime> {
  // Errors stop the start (loadConfig throws them all at once); warnings are logged below.
  const loaded = tryLoadConfig(sources);
  const cfg = loaded.config ?? loadConfig(sources);
  const d = cfg.DEFAULT;
  const file = d.log_file ? (d.log_dir ? join(d.log_dir, d.log_file) : d.log_file) : undefined;
  const logger = createLogger({ service, host: d.host, level: d.debug ? 'debug' : 'info', ...(file ? { file } : {}) });
  for (const w of loaded.problems) logger.warn({ problem: w }, 'configuration warning');
  if (!d.secret_key) throw new Error('[DEFAULT] secret_key is not set: it encrypts stored site credentials, so the service cannot start without it');
  const metrics = createMetrics({ defaultMetrics: true });
  const watch = { database: new DependencyWatch('database', logger), bus: new DependencyWatch('message bus', logger) };
  const db = openDatabase(cfg.database.connection, { poolSize: cfg.database.max_pool_size });
  try {
    await openedDatabase(() => checkDatabaseVersion(db), cfg.database, watch.database);
  } catch (err) {
    await db.destroy();
    throw new Error(`database ${redactUrl(cfg.database.connection)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const box = new SecretBox(d.secret_key);
  const sites = new Sites(db, box);
  const enforcer = new Enforcer({
    policyFile: policyFilePath(cfg),
    onReloadError: (err) => logger.error({ err: err.message }, 'policy file changed but is invalid; the previous rules stay in force'),
  });
  const host = d.host || hostname();
  const owner = `${host}:${process.pid}`;
  const bus = await createBus({ transportUrl: d.transport_url, db, owner, pollMs: cfg.engine.poll_interval * 1000, watch });
  // In `protector-manage service list` from now on (an engine also while it waits for the sites).
  const heartbeat = service === 'protector-manage' ? undefined : startHeartbeat(db, { host, binary: service, pid: process.pid, version: VERSION }, {
    intervalMs: d.report_interval * 1000,
    watch: watch.database,
    onError: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'service heartbeat failed; tried again at the next report_interval'),
  });
  let driver: StorageDriver | undefined;
  return {
    cfg, logger, metrics, db, box, sites, enforcer, bus, owner, watch,
    async storage() {
      if (driver) return driver;
      const pair = localPair(await sites.list());
      if (!pair) return undefined;
      const { local, peer } = pair;
      const arrays = { localArray: local.array.name, peerArray: peer.array.name, pollIntervalMs: cfg.storage.transfer_poll_interval * 1000 };
      driver = createStorageDriver(
        cfg.storage.driver === 'mock'
          ? // protector-api must never block its event loop on the simulated arrays' SQLite file.
            { driver: 'mock', path: cfg.storage.mock_storage_path, offThread: service === 'protector-api', ...arrays }
          : { driver: 'pure', ...arrays, local: arrayEndpoint(local), peer: arrayEndpoint(peer), session: pureSession(cfg, logger) },
      );
      return driver;
    },
    async close() {
      // Listed down at once: a graceful stop is not a heartbeat that went quiet.
      await heartbeat?.stop();
      await bus.close();
      await driver?.close();
      await db.destroy();
    },
  };
}

/** `[storage] pure_*` and `request_timeout` as REST session options for both arrays. */
function pureSession(cfg: ProtectorConfig, logger: Logger): NonNullable<PureDriverConfig['session']> {
  const s = cfg.storage;
  return {
    ca: s.pure_ca_file ? readFileSync(s.pure_ca_file, 'utf8') : undefined,
    verifyTls: s.pure_verify_ssl,
    timeoutMs: s.request_timeout * 1000,
    // Negotiation picks the highest of these the array offers.
    versions: CLIENT_REST_VERSIONS.filter((v) => compareVersions(v, s.pure_api_version) <= 0),
    warn: (message) => logger.warn({ event: 'flasharray_warning' }, message),
  };
}

/**
 * `[database] max_retries` and `retry_interval`: a database that is not reachable yet (starting
 * with the host, restarting) is waited for; any other problem (not synced, wrong schema) is not.
 */
async function openedDatabase(check: () => Promise<void>, o: { max_retries: number; retry_interval: number }, watch: DependencyWatch): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await check();
      watch.ok();
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err) || (o.max_retries >= 0 && attempt > o.max_retries)) throw err;
      watch.failed(err, `waiting for it ([database] max_retries ${o.max_retries}, retry_interval ${o.retry_interval} s)`);
      await new Promise((r) => setTimeout(r, o.retry_interval * 1000));
    }
  }
}
