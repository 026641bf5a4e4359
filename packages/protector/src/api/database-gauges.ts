import { setImmediate as nextTurn } from 'node:timers/promises';
import { OPERATION_TYPES } from '@protector/contract';
import type { Kysely } from 'kysely';
import { ReplicationStates } from '../db/replication-state.js';
import type { Database } from '../db/schema.js';
import { SERVICE_BINARIES, Services } from '../db/services.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import {
  clearDatabaseGauges,
  forgetPgGauges,
  setOperationGauges,
  setPgGauges,
  setServiceGauges,
  type Logger,
  type OperationSample,
  type PgSample,
  type ProtectorMetrics,
  type ServiceSample,
} from '../observability/index.js';
import { pgHealth } from './replication-health.js';

/** `[DEFAULT] service_down_time`'s default, for callers that do not say. */
const DEFAULT_SERVICE_DOWN_MS = 60_000;
/** `[engine] replication_poll_interval`'s default. */
const DEFAULT_REFRESH_MS = 30_000;
/** PGs per query, as the health route reads them: other requests are served between pages. */
const PAGE = 200;

export interface DatabaseGaugeDeps {
  db: Kysely<Database>;
  metrics: ProtectorMetrics;
  logger: Logger;
  now?: () => number;
  replicationRefreshMs?: number;
  /** `[DEFAULT] service_down_time` in ms: a heartbeat older than this is a service down. */
  serviceDownMs?: number;
}

const UNFINISHED = ['pending', 'running', 'rolling_back'] as const;

/**
 * What /metrics reads from the database at each scrape, for the alert rules of docs/alerts: every
 * PG's replication health as GET /v1/{project_id}/health reports it (whether or not anyone asks
 * for it), each process's heartbeat, and the operations not finished yet. A few indexed reads;
 * scrapes that arrive while one is being read share it. When the database cannot be read the
 * gauges are dropped, so no alert fires on values that may no longer be true.
 */
export function databaseGauges(deps: DatabaseGaugeDeps): () => Promise<void> {
  // Read at each call: tests set deps.now after the app is built.
  const now = () => (deps.now ?? Date.now)();
  const states = new ReplicationStates(deps.db);
  const services = new Services(deps.db, now);
  const clock = () => ({ now: now(), refreshMs: deps.replicationRefreshMs ?? DEFAULT_REFRESH_MS });

  /** What the last scrape set per PG, so unchanged values are not set again and deleted PGs are dropped. */
  let last = new Map<string, PgSample>();

  /** Sets the PG gauges page by page (other requests are served between pages), then drops the PGs gone. */
  async function pgGauges(): Promise<void> {
    const seen = new Map<string, PgSample>();
    const c = clock();
    for await (const rows of states.healthPages(undefined, PAGE)) {
      for (const row of rows) {
        const h = pgHealth(row, c);
        const p: PgSample = { pgId: h.protection_group_id, projectId: row.project_id, name: h.name, rpoSeconds: h.rpo_minutes * 60, lagSeconds: h.lag_seconds, rpoCompliant: h.rpo_compliant, link: h.link };
        setPgGauges(deps.metrics, p, last.get(p.pgId));
        seen.set(p.pgId, p);
      }
      await nextTurn();
    }
    for (const [id, p] of last) if (!seen.has(id)) forgetPgGauges(deps.metrics, p);
    last = seen;
  }

  async function readServices(): Promise<{ services: ServiceSample[]; up: Record<string, number> }> {
    const rows = await services.list(deps.serviceDownMs ?? DEFAULT_SERVICE_DOWN_MS);
    const up: Record<string, number> = Object.fromEntries(SERVICE_BINARIES.map((b) => [b, 0]));
    for (const r of rows) if (r.state === 'up') up[r.binary] = (up[r.binary] ?? 0) + 1;
    // A clean stop is an operator's doing, not a lost heartbeat: only the others are reported.
    const live = rows.filter((r) => r.stopped_at === null);
    return { services: live.map((r) => ({ id: r.id, binary: r.binary, host: r.host, up: r.state === 'up', heartbeatAgeSeconds: r.age_ms / 1000 })), up };
  }

  async function readOperations(): Promise<OperationSample[]> {
    const rows = await deps.db
      .selectFrom('operations')
      .select(['id', 'project_id', 'pg_id', 'type', 'status', 'created_at', 'started_at'])
      .where('status', 'in', [...UNFINISHED])
      // A plan run's child held for a later tier waits for its run, not for an engine.
      .where('hold', 'is', null)
      .execute();
    const t = now();
    return rows.map((r) => ({
      id: r.id,
      projectId: r.project_id,
      pgId: r.pg_id,
      type: r.type,
      status: r.status as OperationSample['status'],
      // Pending: since it was requested; running: since an engine first took it (a bulk parent, never taken: since requested).
      ageSeconds: Math.max(0, t - (r.status === 'pending' ? r.created_at : (r.started_at ?? r.created_at))) / 1000,
    }));
  }

  async function read(): Promise<void> {
    try {
      const [svc, operations] = await Promise.all([readServices(), readOperations()]);
      await pgGauges();
      setServiceGauges(deps.metrics, svc.services, svc.up);
      setOperationGauges(deps.metrics, operations, OPERATION_TYPES);
    } catch (err) {
      clearDatabaseGauges(deps.metrics);
      last = new Map();
      if (isDatabaseUnavailable(err)) deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'database unreachable; /metrics answered without its gauges');
      else deps.logger.error({ err }, 'reading the gauges of /metrics from the database failed');
    }
  }

  let inFlight: Promise<void> | undefined;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
