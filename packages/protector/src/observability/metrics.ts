/**
 * Prometheus metrics (DESIGN §3 Observability). Each service builds its own Registry rather than
 * using prom-client's global one, so tests and two services in one process do not collide.
 * Callers record through the helpers below and never spell label names themselves.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationStatus, StepStatus } from '../engine/operations.js';

const PREFIX = 'protector_';

type RequestLabels = 'method' | 'route' | 'status';

export interface ProtectorMetrics {
  readonly registry: Registry;
  readonly apiRequests: Counter<RequestLabels>;
  readonly apiRequestDuration: Histogram<RequestLabels>;
  readonly operations: Counter<'type' | 'status'>;
  readonly operationsRunning: Gauge<'type'>;
  readonly stepDuration: Histogram<'type' | 'step' | 'status'>;
  readonly replicationLag: Gauge<'pg_id' | 'project_id'>;
  readonly rpoCompliant: Gauge<'pg_id' | 'project_id'>;
  readonly recoveryPointAge: Gauge<'pg_id'>;
  readonly rpo: Gauge<'pg_id' | 'project_id'>;
  readonly replicationLinkUp: Gauge<'pg_id' | 'project_id'>;
  readonly pgInfo: Gauge<'pg_id' | 'project_id' | 'pg_name'>;
  readonly serviceUp: Gauge<ServiceLabels>;
  readonly serviceHeartbeatAge: Gauge<ServiceLabels>;
  readonly servicesUp: Gauge<'binary'>;
  readonly operationAge: Gauge<'operation_id' | 'project_id' | 'pg_id' | 'type' | 'status'>;
}

type ServiceLabels = 'service_id' | 'binary' | 'host';

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC) as `protector_process_*` etc. Default true. */
  defaultMetrics?: boolean;
  /** Added to every series, e.g. `{ service: 'protector-api' }` when two services share a host. */
  defaultLabels?: Record<string, string>;
}

// Operations take minutes: failover of a large PG can run for an hour.
const STEP_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** A fresh registry holding every Protector metric. */
export function createMetrics(options: MetricsOptions = {}): ProtectorMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  const registers = [registry];
  const metrics: ProtectorMetrics = {
    registry,
    apiRequests: new Counter({
      name: `${PREFIX}api_requests_total`,
      help: 'API requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    apiRequestDuration: new Histogram({
      name: `${PREFIX}api_request_duration_seconds`,
      help: 'Time to answer an API request, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    operations: new Counter({
      name: `${PREFIX}operations_total`,
      help: 'Operations (failover, failback, test_failover, ...) that reached a status, by type and status.',
      labelNames: ['type', 'status'],
      registers,
    }),
    operationsRunning: new Gauge({
      name: `${PREFIX}operations_running`,
      help: 'Operations running now, by type.',
      labelNames: ['type'],
      registers,
    }),
    stepDuration: new Histogram({
      name: `${PREFIX}operation_step_duration_seconds`,
      help: 'Duration of operation steps, by operation type, step name and outcome.',
      labelNames: ['type', 'step', 'status'],
      buckets: STEP_BUCKETS,
      registers,
    }),
    replicationLag: new Gauge({
      name: `${PREFIX}replication_lag_seconds`,
      help: 'Seconds between now and the newest replicated recovery point of a protection group.',
      labelNames: ['pg_id', 'project_id'],
      registers,
    }),
    rpoCompliant: new Gauge({
      name: `${PREFIX}rpo_compliant`,
      help: '1 when the protection group meets its RPO, 0 when it does not.',
      labelNames: ['pg_id', 'project_id'],
      registers,
    }),
    recoveryPointAge: new Gauge({
      name: `${PREFIX}recovery_point_age_seconds`,
      help: 'Age of the newest recovery point of a protection group.',
      labelNames: ['pg_id'],
      registers,
    }),
    rpo: new Gauge({
      name: `${PREFIX}rpo_seconds`,
      help: 'The RPO of a protection group (its replication policy), in seconds.',
      labelNames: ['pg_id', 'project_id'],
      registers,
    }),
    replicationLinkUp: new Gauge({
      name: `${PREFIX}replication_link_up`,
      help: "1 when a protection group's replication link was connected at the last read of the arrays, 0 when it was down; absent when unknown.",
      labelNames: ['pg_id', 'project_id'],
      registers,
    }),
    pgInfo: new Gauge({
      name: `${PREFIX}protection_group_info`,
      help: 'Always 1: the name of each protection group, for alerts to join on pg_id.',
      labelNames: ['pg_id', 'project_id', 'pg_name'],
      registers,
    }),
    serviceUp: new Gauge({
      name: `${PREFIX}service_up`,
      help: 'Per protector-api and protector-engine process not stopped cleanly: 1 when its heartbeat is within service_down_time, 0 when older.',
      labelNames: ['service_id', 'binary', 'host'],
      registers,
    }),
    serviceHeartbeatAge: new Gauge({
      name: `${PREFIX}service_heartbeat_age_seconds`,
      help: 'Seconds since the last heartbeat of each protector-api and protector-engine process not stopped cleanly.',
      labelNames: ['service_id', 'binary', 'host'],
      registers,
    }),
    servicesUp: new Gauge({
      name: `${PREFIX}services_up`,
      help: 'Processes of each binary whose heartbeat is within service_down_time (0 included).',
      labelNames: ['binary'],
      registers,
    }),
    operationAge: new Gauge({
      name: `${PREFIX}operation_age_seconds`,
      help: 'Per unfinished operation: seconds since it was requested (pending) or first picked up by an engine (running, rolling_back).',
      labelNames: ['operation_id', 'project_id', 'pg_id', 'type', 'status'],
      registers,
    }),
  };
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  return metrics;
}

/** The Prometheus text exposition of every metric, with its content type. */
export async function renderMetrics(m: ProtectorMetrics): Promise<{ contentType: string; body: string }> {
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}

export interface RequestSample {
  method: string;
  /** The route pattern (`/v1/:project_id/protection-groups/:pg_id`), never the raw path. */
  route: string;
  status: number;
  durationSeconds: number;
}

export function recordRequest(m: ProtectorMetrics, sample: RequestSample): void {
  const labels = { method: sample.method.toUpperCase(), route: sample.route, status: String(sample.status) };
  m.apiRequests.inc(labels);
  m.apiRequestDuration.observe(labels, sample.durationSeconds);
}

/** Operation types from DESIGN §4 `POST …/action`; a string keeps new types from breaking callers. */
export type OperationType = 'failover' | 'failback' | 'test_failover' | 'test_cleanup' | 'replicate' | (string & {});

/** Counts an operation reaching `status` (including `pending` when accepted). */
export function recordOperation(m: ProtectorMetrics, type: OperationType, status: OperationStatus): void {
  m.operations.inc({ type, status });
}

/** Marks an operation as running in this process; call the returned function once when it ends. */
export function trackRunningOperation(m: ProtectorMetrics, type: OperationType): (status: OperationStatus) => void {
  m.operationsRunning.inc({ type });
  let ended = false;
  return (status) => {
    if (ended) return;
    ended = true;
    m.operationsRunning.dec({ type });
    recordOperation(m, type, status);
  };
}

export interface StepSample {
  type: OperationType;
  step: string;
  status: StepStatus;
  durationSeconds: number;
}

export function recordStep(m: ProtectorMetrics, sample: StepSample): void {
  m.stepDuration.observe({ type: sample.type, step: sample.step, status: sample.status }, sample.durationSeconds);
}

/** One protection group's replication health, as GET /v1/{project_id}/health reports it. */
export interface PgSample {
  pgId: string;
  projectId: string;
  name: string;
  rpoSeconds: number;
  /** Unknown (no recovery point yet, array unreachable): no series, rather than 0. */
  lagSeconds: number | null;
  rpoCompliant: boolean;
  /** As last read: 'connected' is up, anything else ('down') not; null (not read) gives no series. */
  link: string | null;
}

/** A process of the services table that has not stopped cleanly. */
export interface ServiceSample {
  id: number;
  binary: string;
  host: string;
  up: boolean;
  heartbeatAgeSeconds: number;
}

/** An operation not finished yet. */
export interface OperationSample {
  id: string;
  projectId: string;
  pgId: string | null;
  type: OperationType;
  status: 'pending' | 'running' | 'rolling_back';
  ageSeconds: number;
}

// The gauges read from the database; operations_running among them, since in protector-api it is
// the site's count from the database rather than this process's (trackRunningOperation).
function fromDatabase(m: ProtectorMetrics) {
  return [m.replicationLag, m.rpoCompliant, m.recoveryPointAge, m.rpo, m.replicationLinkUp, m.pgInfo, m.serviceUp, m.serviceHeartbeatAge, m.servicesUp, m.operationAge, m.operationsRunning];
}

/**
 * Sets a PG's gauges; `before` is what the previous scrape set, so an unchanged value is not set
 * again (labels are hashed at each set: with thousands of PGs that is most of a scrape's work).
 */
export function setPgGauges(m: ProtectorMetrics, p: PgSample, before?: PgSample): void {
  const labels = { pg_id: p.pgId, project_id: p.projectId };
  if (before?.name !== p.name) {
    if (before) m.pgInfo.remove({ ...labels, pg_name: before.name });
    m.pgInfo.set({ ...labels, pg_name: p.name }, 1);
  }
  if (before?.rpoSeconds !== p.rpoSeconds) m.rpo.set(labels, p.rpoSeconds);
  if (before?.rpoCompliant !== p.rpoCompliant) m.rpoCompliant.set(labels, p.rpoCompliant ? 1 : 0);
  if (before?.lagSeconds !== p.lagSeconds) {
    if (p.lagSeconds === null) {
      m.replicationLag.remove(labels);
      m.recoveryPointAge.remove({ pg_id: p.pgId });
    } else {
      m.replicationLag.set(labels, p.lagSeconds);
      m.recoveryPointAge.set({ pg_id: p.pgId }, p.lagSeconds);
    }
  }
  if (before?.link !== p.link) {
    if (p.link === null) m.replicationLinkUp.remove(labels);
    else m.replicationLinkUp.set(labels, p.link === 'connected' ? 1 : 0);
  }
}

/** Drops a PG's series (it was deleted), so none lingers at its last value. */
export function forgetPgGauges(m: ProtectorMetrics, p: PgSample): void {
  const labels = { pg_id: p.pgId, project_id: p.projectId };
  for (const g of [m.rpo, m.rpoCompliant, m.replicationLag, m.replicationLinkUp]) g.remove(labels);
  m.recoveryPointAge.remove({ pg_id: p.pgId });
  m.pgInfo.remove({ ...labels, pg_name: p.name });
}

/** Replaces the heartbeat gauges: `up` counts per binary (every binary named, 0 included). */
export function setServiceGauges(m: ProtectorMetrics, services: readonly ServiceSample[], up: Readonly<Record<string, number>>): void {
  m.serviceUp.reset();
  m.serviceHeartbeatAge.reset();
  for (const s of services) {
    const labels = { service_id: String(s.id), binary: s.binary, host: s.host };
    m.serviceUp.set(labels, s.up ? 1 : 0);
    m.serviceHeartbeatAge.set(labels, s.heartbeatAgeSeconds);
  }
  m.servicesUp.reset();
  for (const [binary, n] of Object.entries(up)) m.servicesUp.set({ binary }, n);
}

/** Replaces the gauges of unfinished operations; the running count of each of `types` (0 included). */
export function setOperationGauges(m: ProtectorMetrics, operations: readonly OperationSample[], types: readonly string[]): void {
  m.operationAge.reset();
  const running = new Map(types.map((t) => [t, 0]));
  for (const o of operations) {
    m.operationAge.set({ operation_id: o.id, project_id: o.projectId, pg_id: o.pgId ?? '', type: o.type, status: o.status }, o.ageSeconds);
    if (o.status !== 'pending') running.set(o.type, (running.get(o.type) ?? 0) + 1);
  }
  m.operationsRunning.reset();
  for (const [type, n] of running) m.operationsRunning.set({ type }, n);
}

/** Drops every series read from the database: when it cannot be read, no alert should fire on old values. */
export function clearDatabaseGauges(m: ProtectorMetrics): void {
  for (const g of fromDatabase(m)) g.reset();
}
