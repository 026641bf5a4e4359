import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clearDatabaseGauges,
  createMetrics,
  recordOperation,
  recordRequest,
  recordStep,
  renderMetrics,
  forgetPgGauges,
  setOperationGauges,
  setPgGauges,
  setServiceGauges,
  trackRunningOperation,
  type PgSample,
} from '../../src/observability/metrics.js';

test('each registry is its own: two services in one process do not collide', async () => {
  const a = createMetrics();
  const b = createMetrics();
  recordRequest(a, { method: 'get', route: '/v1/:project_id/operations', status: 200, durationSeconds: 0.01 });
  const textA = await a.registry.metrics();
  const textB = await b.registry.metrics();
  assert.match(textA, /protector_api_requests_total\{method="GET",route="\/v1\/:project_id\/operations",status="200"\} 1/);
  assert.doesNotMatch(textB, /protector_api_requests_total\{/);
  // process metrics are there, with our prefix
  assert.match(textA, /^protector_process_cpu_seconds_total /m);
  assert.match(textA, /^protector_nodejs_eventloop_lag_seconds /m);
});

test('operations: counter by type and status, running gauge up and down once', async () => {
  const m = createMetrics({ defaultMetrics: false });
  recordOperation(m, 'failover', 'pending');
  const end = trackRunningOperation(m, 'failover');
  let text = (await renderMetrics(m)).body;
  assert.match(text, /protector_operations_running\{type="failover"\} 1/);
  end('completed');
  end('failed'); // a second call is ignored
  text = (await renderMetrics(m)).body;
  assert.match(text, /protector_operations_running\{type="failover"\} 0/);
  assert.match(text, /protector_operations_total\{type="failover",status="completed"\} 1/);
  assert.match(text, /protector_operations_total\{type="failover",status="pending"\} 1/);
  assert.doesNotMatch(text, /status="failed"/);
});

test('step durations land in a histogram by type, step and status', async () => {
  const m = createMetrics({ defaultMetrics: false });
  recordStep(m, { type: 'test_failover', step: 'promote_volumes', status: 'completed', durationSeconds: 42 });
  const text = await m.registry.metrics();
  assert.match(text, /protector_operation_step_duration_seconds_bucket\{le="60",type="test_failover",step="promote_volumes",status="completed"\} 1/);
  assert.match(text, /protector_operation_step_duration_seconds_bucket\{le="30",type="test_failover",step="promote_volumes",status="completed"\} 0/);
  assert.match(text, /protector_operation_step_duration_seconds_sum\{type="test_failover",step="promote_volumes",status="completed"\} 42/);
});

const pg: PgSample = { pgId: 'pg-1', projectId: 'p-1', name: 'db tier', rpoSeconds: 3600, lagSeconds: 75, rpoCompliant: true, link: 'connected' };

test('the database gauges: replication health per PG, heartbeats, unfinished operations', async () => {
  const m = createMetrics({ defaultMetrics: false });
  setPgGauges(m, pg);
  setServiceGauges(m, [{ id: 3, binary: 'protector-engine', host: 'ctl-2', up: false, heartbeatAgeSeconds: 277.5 }], { 'protector-api': 1, 'protector-engine': 0 });
  setOperationGauges(m, [{ id: 'op-1', projectId: 'p-1', pgId: 'pg-1', type: 'failover', status: 'running', ageSeconds: 12 }], ['failover', 'replicate']);
  let text = await m.registry.metrics();
  for (const line of [
    'protector_protection_group_info{pg_id="pg-1",project_id="p-1",pg_name="db tier"} 1',
    'protector_rpo_seconds{pg_id="pg-1",project_id="p-1"} 3600',
    'protector_replication_lag_seconds{pg_id="pg-1",project_id="p-1"} 75',
    'protector_rpo_compliant{pg_id="pg-1",project_id="p-1"} 1',
    'protector_recovery_point_age_seconds{pg_id="pg-1"} 75',
    'protector_replication_link_up{pg_id="pg-1",project_id="p-1"} 1',
    'protector_service_up{service_id="3",binary="protector-engine",host="ctl-2"} 0',
    'protector_service_heartbeat_age_seconds{service_id="3",binary="protector-engine",host="ctl-2"} 277.5',
    'protector_services_up{binary="protector-engine"} 0',
    'protector_operation_age_seconds{operation_id="op-1",project_id="p-1",pg_id="pg-1",type="failover",status="running"} 12',
    'protector_operations_running{type="failover"} 1',
    'protector_operations_running{type="replicate"} 0',
  ]) assert.ok(text.includes(`\n${line}\n`), `${line} in\n${text}`);

  // The next scrape: renamed, lag and link unknown (no series rather than 0), the service and the operation gone.
  const renamed: PgSample = { ...pg, name: 'database tier', lagSeconds: null, rpoCompliant: false, link: null };
  setPgGauges(m, renamed, pg);
  setServiceGauges(m, [], { 'protector-api': 1, 'protector-engine': 0 });
  setOperationGauges(m, [], ['failover']);
  text = await m.registry.metrics();
  assert.doesNotMatch(text, /protector_(replication_lag_seconds|recovery_point_age_seconds|replication_link_up|service_up|operation_age_seconds)\{/);
  assert.doesNotMatch(text, /pg_name="db tier"/);
  assert.match(text, /protector_protection_group_info\{pg_id="pg-1",project_id="p-1",pg_name="database tier"\} 1/);
  assert.match(text, /protector_rpo_compliant\{pg_id="pg-1",project_id="p-1"\} 0/);
  assert.match(text, /protector_operations_running\{type="failover"\} 0/);

  setPgGauges(m, { ...renamed, lagSeconds: 9000, link: 'down' }, renamed);
  assert.match(await m.registry.metrics(), /protector_replication_link_up\{pg_id="pg-1",project_id="p-1"\} 0/);
  forgetPgGauges(m, { ...renamed, lagSeconds: 9000, link: 'down' });
  assert.doesNotMatch(await m.registry.metrics(), /pg_id="pg-1"/);

  // The database away: nothing read from it is reported, the in-process series stay.
  setPgGauges(m, pg);
  recordRequest(m, { method: 'GET', route: '/metrics', status: 200, durationSeconds: 0.01 });
  clearDatabaseGauges(m);
  text = await m.registry.metrics();
  assert.doesNotMatch(text, /pg_id=|service_id=|protector_services_up\{|protector_operations_running\{/);
  assert.match(text, /protector_api_requests_total\{method="GET",route="\/metrics",status="200"\} 1/);
});
