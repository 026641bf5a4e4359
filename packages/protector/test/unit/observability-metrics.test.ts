import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createMetrics,
  forgetProtectionGroup,
  recordOperation,
  recordRequest,
  recordStep,
  renderMetrics,
  setReplicationHealth,
  trackRunningOperation,
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

test('replication health sets lag, RPO compliance and recovery point age; unknown removes', async () => {
  const m = createMetrics({ defaultMetrics: false });
  setReplicationHealth(m, { pgId: 'pg-1', projectId: 'p-1', lagSeconds: 75, rpoCompliant: true, recoveryPointAgeSeconds: 80 });
  let text = await m.registry.metrics();
  assert.match(text, /protector_replication_lag_seconds\{pg_id="pg-1",project_id="p-1"\} 75/);
  assert.match(text, /protector_rpo_compliant\{pg_id="pg-1",project_id="p-1"\} 1/);
  assert.match(text, /protector_recovery_point_age_seconds\{pg_id="pg-1"\} 80/);

  setReplicationHealth(m, { pgId: 'pg-1', projectId: 'p-1', lagSeconds: null, rpoCompliant: false, recoveryPointAgeSeconds: null });
  text = await m.registry.metrics();
  assert.doesNotMatch(text, /protector_replication_lag_seconds\{/);
  assert.doesNotMatch(text, /protector_recovery_point_age_seconds\{/);
  assert.match(text, /protector_rpo_compliant\{pg_id="pg-1",project_id="p-1"\} 0/);

  forgetProtectionGroup(m, 'pg-1', 'p-1');
  assert.doesNotMatch(await m.registry.metrics(), /pg_id="pg-1"/);
});
