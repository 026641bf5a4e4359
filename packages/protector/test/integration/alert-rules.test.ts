// The alert rules of docs/alerts against a real protector-api: /metrics reports what the database
// holds at each scrape (replication health, heartbeats, unfinished operations); every series and
// label the rules read is one it exports; and, where promtool is installed (Debian's prometheus
// package, as .ci/run installs it), the rules load, their unit tests pass, and on this very scrape
// each rule selects exactly what it should.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { databaseGauges } from '../../src/api/database-gauges.js';
import { openDatabase } from '../../src/db/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { ReplicationStates } from '../../src/db/replication-state.js';
import { Services } from '../../src/db/services.js';
import { Operations } from '../../src/engine/operations.js';
import { createLogger, createMetrics } from '../../src/observability/index.js';
import { startApi } from '../helpers/api.js';
import { activePg } from '../helpers/api-pg.js';
import { testDatabaseUrl } from '../helpers/test-db.js';
import { loadAlertRules, parseExposition, promtool, runPromtool, samplesOf, selectors, templateLabels, type Exposition } from '../helpers/prometheus.js';

const ALERTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/alerts');
const RULES = join(ALERTS, 'protector-alerts.yml');

const h = await startApi({ peer: true });
const db = h.deps.db;
/** The scrape's clock: every age below is relative to it. */
const T = Date.now();
const MIN = 60_000;
const ids = { db: '', app: '', fresh: '', engineUp: 0, engineLost: 0, pending: 'op-wait-0001', running: 'op-run-0001' };

const scrape = async (): Promise<Exposition> => {
  const r = await h.call('GET', '/metrics', { token: null });
  assert.equal(r.status, 200, r.text);
  return parseExposition(r.text);
};
const value = (e: Exposition, name: string, labels: Record<string, string>): number | undefined => {
  const found = samplesOf(e, name, labels);
  assert.ok(found.length <= 1, `one ${name} series for ${JSON.stringify(labels)}`);
  return found[0]?.value;
};

before(async () => {
  h.deps.now = () => T;
  const pgs = new ProtectionGroups(db);
  const states = new ReplicationStates(db);
  // db: replicating, 1 min behind; app: its link down and 2 h behind its 30 min RPO; fresh: no array construct yet.
  for (const [key, link, lagMs] of [['db', 'connected', MIN], ['app', 'down', 120 * MIN]] as const) {
    const id = await activePg(h, key);
    const handle = { type: 'async' as const, name: key, sourceArray: 'site-a-array', targetArray: 'peer-array' };
    await pgs.setResources(id, (r) => ({ ...r, array: handle }));
    await states.record([{ pg_id: id, source_array: handle.sourceArray, target_array: handle.targetArray, link, source_reachable: true, target_reachable: true, lag_ms: lagMs, newest_recovery_point: `${key}.1`, last_transfer_at: T - lagMs, transfers: [], detail: '', error: null, checked_at: T - 5_000, checked_by: 'test-engine' }]);
    ids[key] = id;
  }
  ids.fresh = await activePg(h, 'fresh');

  // Engines: one beating, one silent for 5 min, one stopped cleanly (not reported); an API beating.
  const services = new Services(db, () => T);
  const engine = (host: string, pid: number) => services.register({ host, binary: 'protector-engine', pid, version: '0.1.0' });
  ids.engineUp = await engine('ctl-1', 101);
  ids.engineLost = await engine('ctl-2', 102);
  await db.updateTable('services').set({ last_seen: T - 5 * MIN }).where('id', '=', ids.engineLost).execute();
  await services.stopped(await engine('ctl-3', 103));
  await services.register({ host: 'ctl-1', binary: 'protector-api', pid: 100, version: '0.1.0' });

  // A replicate waiting 40 min for an engine; a failover an engine took 3 h ago.
  const op = (id: string, pg: string, type: string, at: number) =>
    new Operations(db, () => at).create({ id, project_id: h.projects.demo, pg_id: pg, type, params: {}, request_id: 'req-test', user_id: 'alice' });
  await op(ids.pending, ids.db, 'replicate', T - 40 * MIN);
  await op(ids.running, ids.app, 'failover', T - 180 * MIN);
  assert.ok(await new Operations(db, () => T - 180 * MIN).claim(ids.running, 'test-engine', MIN));
});

test('/metrics reports the records at each scrape: replication health per PG, heartbeats, unfinished operations', async () => {
  const demo = h.projects.demo;
  let m = await scrape();
  const pg = (id: string) => ({ pg_id: id, project_id: demo });
  assert.equal(value(m, 'protector_protection_group_info', { ...pg(ids.app), pg_name: 'app' }), 1);
  assert.deepEqual([ids.db, ids.app, ids.fresh].map((id) => value(m, 'protector_rpo_seconds', pg(id))), [1800, 1800, 1800]);
  assert.deepEqual([ids.db, ids.app, ids.fresh].map((id) => value(m, 'protector_rpo_compliant', pg(id))), [1, 0, 0]);
  assert.deepEqual([ids.db, ids.app, ids.fresh].map((id) => value(m, 'protector_replication_lag_seconds', pg(id))), [60, 7200, undefined]);
  assert.deepEqual([ids.db, ids.app, ids.fresh].map((id) => value(m, 'protector_replication_link_up', pg(id))), [1, 0, undefined]);

  const svc = (id: number, host: string) => ({ service_id: String(id), binary: 'protector-engine', host });
  assert.deepEqual([value(m, 'protector_service_up', svc(ids.engineUp, 'ctl-1')), value(m, 'protector_service_heartbeat_age_seconds', svc(ids.engineUp, 'ctl-1'))], [1, 0]);
  assert.deepEqual([value(m, 'protector_service_up', svc(ids.engineLost, 'ctl-2')), value(m, 'protector_service_heartbeat_age_seconds', svc(ids.engineLost, 'ctl-2'))], [0, 300]);
  assert.deepEqual(samplesOf(m, 'protector_service_up', { host: 'ctl-3' }), [], 'a clean stop is no lost heartbeat');
  assert.deepEqual([value(m, 'protector_services_up', { binary: 'protector-engine' }), value(m, 'protector_services_up', { binary: 'protector-api' })], [1, 1]);

  assert.equal(value(m, 'protector_operation_age_seconds', { operation_id: ids.pending, project_id: demo, pg_id: ids.db, type: 'replicate', status: 'pending' }), 2400);
  assert.equal(value(m, 'protector_operation_age_seconds', { operation_id: ids.running, project_id: demo, pg_id: ids.app, type: 'failover', status: 'running' }), 10800);
  assert.deepEqual([value(m, 'protector_operations_running', { type: 'failover' }), value(m, 'protector_operations_running', { type: 'replicate' })], [1, 0]);

  // Health answers the same as /metrics, from the same records.
  const health = await h.call<{ health: { protection_group_id: string; rpo_compliant: boolean; lag_seconds: number | null }[] }>('GET', `/v1/${demo}/health`, { token: await h.token('alice') });
  for (const x of health.body.health) {
    assert.equal(value(m, 'protector_rpo_compliant', pg(x.protection_group_id)), x.rpo_compliant ? 1 : 0);
    assert.equal(value(m, 'protector_replication_lag_seconds', pg(x.protection_group_id)), x.lag_seconds ?? undefined);
  }

  // What ends or goes away leaves no series behind at the next scrape.
  const extra = await activePg(h, 'short-lived');
  const ops = new Operations(db, () => T);
  await ops.create({ id: 'op-short-0001', project_id: demo, pg_id: extra, type: 'pg_delete', params: {}, request_id: 'req-test', user_id: 'alice' });
  m = await scrape();
  assert.equal(value(m, 'protector_rpo_compliant', pg(extra)), 0);
  assert.equal(value(m, 'protector_operation_age_seconds', { operation_id: 'op-short-0001', status: 'pending' }), 0);
  assert.ok(await ops.cancel('op-short-0001'));
  await new ProtectionGroups(db).delete(extra);
  m = await scrape();
  assert.deepEqual(samplesOf(m, 'protector_rpo_compliant', { pg_id: extra }), []);
  assert.deepEqual(samplesOf(m, 'protector_operation_age_seconds', { operation_id: 'op-short-0001' }), []);
});

test('a database that cannot be read drops the gauges read from it rather than leaving their last values', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  const logs: string[] = [];
  const logger = createLogger({ service: 'protector-api', level: 'info', destination: { write: (line: string) => void logs.push(line) } });
  await databaseGauges({ db, metrics, logger, now: () => T })();
  assert.match(await metrics.registry.metrics(), /protector_rpo_compliant\{/);
  // A database without the schema: every read fails, as after a bad restore.
  const broken = openDatabase(await testDatabaseUrl());
  after(() => broken.destroy());
  await databaseGauges({ db: broken, metrics, logger })();
  assert.doesNotMatch(await metrics.registry.metrics(), /pg_id=|service_id=|operation_id=/);
  assert.ok(logs.some((l) => /reading the gauges of \/metrics from the database failed/.test(l)), logs.join('\n'));
});

test('every series and label the alert rules read is one protector-api exports', async () => {
  const m = await scrape();
  const rules = loadAlertRules(RULES);
  assert.ok(rules.length >= 6, 'the rules file has the alerts');
  const labelsOf = (name: string) => new Set(samplesOf(m, name).flatMap((s) => Object.keys(s.labels)));
  for (const rule of rules) {
    const { series, grouping } = selectors(rule.expr);
    assert.ok(series.length > 0, `${rule.alert} reads some series`);
    // Labels Prometheus adds to every scraped series.
    const known = new Set(['instance', 'job']);
    for (const s of series) {
      assert.ok(m.names.has(s.name), `${rule.alert}: ${s.name} is not exported by protector-api`);
      const labels = labelsOf(s.name);
      assert.ok(labels.size > 0, `${rule.alert}: the test scrape has samples of ${s.name}`);
      for (const l of s.labels) assert.ok(labels.has(l), `${rule.alert}: ${s.name} has no label ${l}`);
      for (const l of labels) known.add(l);
    }
    for (const l of grouping) assert.ok(known.has(l), `${rule.alert}: no series it reads has the label ${l}`);
    for (const text of Object.values(rule.annotations ?? {})) for (const l of templateLabels(text)) assert.ok(known.has(l), `${rule.alert}: its annotations use $labels.${l}, which it has not`);
    assert.match(rule.labels?.severity ?? '', /^(critical|warning)$/, `${rule.alert} has a severity`);
    assert.ok(rule.annotations?.summary && rule.annotations.description, `${rule.alert} has a summary and a description`);
    assert.equal(rule.annotations?.runbook_url, `docs/alerts.md#${rule.alert.toLowerCase()}`, `${rule.alert} points to its section of docs/alerts.md`);
  }
});

test('promtool loads the rules and passes their unit tests', { skip: promtool() ? false : 'promtool is not installed (Debian: the prometheus package)' }, () => {
  const check = runPromtool(['check', 'rules', RULES]);
  assert.equal(check.status, 0, check.output);
  const unit = runPromtool(['test', 'rules', 'protector-alerts.test.yml'], ALERTS);
  assert.equal(unit.status, 0, unit.output);
});

test('on this scrape each rule selects what it should', { skip: promtool() ? false : 'promtool is not installed (Debian: the prometheus package)' }, async (t) => {
  const m = await scrape();
  const rules = loadAlertRules(RULES);
  const used = new Set(rules.flatMap((r) => selectors(r.expr).series.map((s) => s.name)));
  const series = m.samples.filter((s) => used.has(s.name)).map((s) => ({ series: seriesText(s.name, s.labels), values: `${s.value}x10` }));
  const demo = h.projects.demo;
  const pgOf = (id: string, name: string) => seriesText('', { pg_id: id, project_id: demo, pg_name: name });
  // What each rule's expression gives now (its `for` aside): the series an alert fires for, and its value.
  const expected: Record<string, { labels: string; value: number }[]> = {
    ProtectorRpoBreach: [{ labels: pgOf(ids.app, 'app'), value: 7200 }],
    ProtectorRpoUnverified: [{ labels: pgOf(ids.fresh, 'fresh'), value: 0 }],
    ProtectorReplicationLinkDown: [{ labels: pgOf(ids.app, 'app'), value: 0 }],
    ProtectorEngineHeartbeatLost: [{ labels: seriesText('protector_service_heartbeat_age_seconds', { service_id: String(ids.engineLost), binary: 'protector-engine', host: 'ctl-2' }), value: 300 }],
    ProtectorNoEngineUp: [],
    ProtectorOperationStuck: [{ labels: seriesText('protector_operation_age_seconds', { operation_id: ids.running, project_id: demo, pg_id: ids.app, type: 'failover', status: 'running' }), value: 10800 }],
    ProtectorOperationPendingTooLong: [{ labels: seriesText('protector_operation_age_seconds', { operation_id: ids.pending, project_id: demo, pg_id: ids.db, type: 'replicate', status: 'pending' }), value: 2400 }],
  };
  assert.deepEqual(rules.map((r) => r.alert).sort(), Object.keys(expected).sort(), 'every rule has its expectation here');
  const dir = mkdtempSync(join(tmpdir(), 'protector-alerts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tests = {
    rule_files: [RULES],
    tests: [{
      interval: '1m',
      input_series: series,
      promql_expr_test: rules.map((r) => ({ expr: r.expr, eval_time: '5m', exp_samples: expected[r.alert]!.map((x) => ({ labels: x.labels, value: x.value })) })),
    }],
  };
  writeFileSync(join(dir, 'scrape.test.yml'), stringify(tests));
  const r = runPromtool(['test', 'rules', 'scrape.test.yml'], dir);
  assert.equal(r.status, 0, r.output);
});

/** A series in PromQL's notation, `name{label="value",...}`. */
function seriesText(name: string, labels: Record<string, string>): string {
  const inner = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return `${name}{${inner}}`;
}
