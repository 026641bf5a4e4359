import type { Kysely } from 'kysely';
import type { MessageBus } from '../bus/index.js';
import type { Database } from '../db/schema.js';
import type { SecretBox } from '../db/secrets.js';
import type { HealthCheck, Logger, ProtectorMetrics } from '../observability/index.js';
import type { Enforcer } from '../policy/index.js';
import type { StorageDriver } from '../storage/index.js';
import type { TokenCheck } from './auth.js';
import type { SiteProbe } from './site-probe.js';

/** Everything protector-api's routes use; built once by the binary (or a test) and passed in. */
export interface ApiDeps {
  db: Kysely<Database>;
  box: SecretBox;
  enforcer: Enforcer;
  tokens: TokenCheck;
  probe: SiteProbe;
  /** `[api] default_limit` and `max_limit`. */
  limits: { defaultLimit: number; maxLimit: number };
  /** Where a 401 tells clients to get a token (`[keystone_authtoken] www_authenticate_uri`). */
  wwwAuthenticateUri: string;
  logger: Logger;
  metrics: ProtectorMetrics;
  /** Named checks `/healthz` runs (the database, at least). */
  healthChecks?: Readonly<Record<string, HealthCheck>>;
  /**
   * Wakes engines when an operation is recorded. Optional because the operations table is the
   * truth: without a bus, engines still find new operations when they scan for work.
   */
  bus?: MessageBus;
  /** This site's storage driver, once both sites are registered (recovery points, health). */
  storage?: () => Promise<StorageDriver | undefined>;
  now?: () => number;
  /**
   * `[engine] replication_poll_interval` in ms: how often engines record each PG's replication
   * state, so health can say when a record is stale (older than three intervals). Default 30 s.
   */
  replicationRefreshMs?: number;
  /** `[DEFAULT] service_down_time` in ms: /metrics calls a process down past it. Default 60 s. */
  serviceDownMs?: number;
  /**
   * Tests only: validate every JSON answer against its route's response schema, undeclared
   * fields refused; a mismatch is a 500 with the reason logged (src/api/response-check.ts).
   */
  checkResponses?: boolean;
}
