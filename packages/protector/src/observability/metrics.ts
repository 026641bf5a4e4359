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
}

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

/** Sets the running count from the database, for the API's site-wide view. */
export function setOperationsRunning(m: ProtectorMetrics, type: OperationType, count: number): void {
  m.operationsRunning.set({ type }, count);
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

export interface ReplicationHealth {
  pgId: string;
  projectId: string;
  /** Unknown (no recovery point yet, array unreachable): the series is removed, not set to 0. */
  lagSeconds: number | null;
  rpoCompliant: boolean;
  recoveryPointAgeSeconds: number | null;
}

export function setReplicationHealth(m: ProtectorMetrics, h: ReplicationHealth): void {
  const labels = { pg_id: h.pgId, project_id: h.projectId };
  if (h.lagSeconds === null) m.replicationLag.remove(labels);
  else m.replicationLag.set(labels, h.lagSeconds);
  m.rpoCompliant.set(labels, h.rpoCompliant ? 1 : 0);
  if (h.recoveryPointAgeSeconds === null) m.recoveryPointAge.remove({ pg_id: h.pgId });
  else m.recoveryPointAge.set({ pg_id: h.pgId }, h.recoveryPointAgeSeconds);
}

/** Drops a deleted protection group's series so they do not linger at their last value. */
export function forgetProtectionGroup(m: ProtectorMetrics, pgId: string, projectId: string): void {
  m.replicationLag.remove({ pg_id: pgId, project_id: projectId });
  m.rpoCompliant.remove({ pg_id: pgId, project_id: projectId });
  m.recoveryPointAge.remove({ pg_id: pgId });
}
