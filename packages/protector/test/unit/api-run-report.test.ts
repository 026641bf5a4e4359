// The run report from recorded operations, without sites: RTO to the last server ACTIVE, RPO
// from the recovery point (0 for a planned failover's final snapshot), per-server addresses,
// a plan run's tiers and approval with a rollback's move back left out of RTO and RPO, the
// errors where they happened, and the HTML page escaping whatever a user named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunReport, type ReportInput } from '../../src/api/run-report.js';
import { escapeHtml, renderRunReportHtml } from '../../src/api/run-report-html.js';
import type { OperationRecord, StepRecord } from '../../src/engine/operations.js';

const T0 = Date.UTC(2026, 0, 2, 10, 0, 0);
const at = (s: number) => T0 + s * 1000;

function op(o: Partial<OperationRecord> & { id: string; type: string }): OperationRecord {
  return {
    project_id: 'p', pg_id: null, parent_id: null, hold: null, status: 'completed', progress: 100, params: {}, result: {}, error: null, request_id: 'req-1', user_id: 'u-alice',
    lease_owner: null, lease_expires_at: null, created_at: at(0), started_at: at(2), finished_at: at(60), updated_at: at(60), ...o,
  };
}

let seq = 0;
function step(operation_id: string, name: string, from: number, to: number | null, detail: Record<string, unknown> = {}, o: Partial<StepRecord> = {}): StepRecord {
  return { operation_id, seq: seq++, name, status: to === null ? 'running' : 'completed', started_at: at(from), finished_at: to === null ? null : at(to), duration_ms: to === null ? null : (to - from) * 1000, detail, error: null, ...o };
}

const input = (o: Partial<ReportInput> & Pick<ReportInput, 'op'>): ReportInput => ({ steps: [], children: [], childSteps: new Map(), pgNames: new Map(), reader: { userId: 'u-alice', userName: 'alice' }, now: at(100), ...o });

/** A failover's bring-up steps: two servers in two boot tiers, one port each. */
function bringUp(id: string, rp: { step: string; name: string; time: number }, boot: { db: [number, number]; web: [number, number] }): StepRecord[] {
  return [
    step(id, 'precheck', 2, 3),
    step(id, rp.step, 3, 5, { recovery_point: rp.name, data_as_of: rp.time }),
    step(id, 'create_ports', 6, 7, { ports: [{ server: 'db-1', source_port_id: 'sp-db', port_id: 'tp-db', ips: ['10.20.0.5'], requested_ips: ['10.20.0.5'], same_ip: true }, { server: 'web-1', source_port_id: 'sp-web', port_id: 'tp-web', ips: ['10.20.0.99'], requested_ips: ['10.20.0.6'], same_ip: false }] }),
    step(id, 'boot_servers', 7, 20, {
      booted: [
        { server: 'db-1', member_server_id: 'src-db', server_id: 'tgt-db', tier: 0, boot_order: 0, requested_at: at(boot.db[0]), active_at: at(boot.db[1]), port_ids: ['tp-db'] },
        { server: 'web-1', member_server_id: 'src-web', server_id: 'tgt-web', tier: 1, boot_order: 1, requested_at: at(boot.web[0]), active_at: at(boot.web[1]), port_ids: ['tp-web'] },
      ],
      failed: [],
    }),
  ];
}

test('a planned failover: per-server times and addresses, RTO to the last server ACTIVE, RPO 0 from the final snapshot taken after the start', () => {
  const f = op({ id: 'op-f', type: 'failover', pg_id: 'pg-1', params: { type: 'planned' } });
  const r = buildRunReport(input({ op: f, steps: bringUp('op-f', { step: 'wait_for_transfer', name: 'pg-1-failover-x', time: at(4) }, { db: [7, 11], web: [12, 18.04] }), pgNames: new Map([['pg-1', 'billing']]) }));
  assert.deepEqual([r.type, r.mode, r.status, r.plan, r.started_by], ['failover', 'planned', 'completed', null, { user_id: 'u-alice', user_name: 'alice' }]);
  assert.deepEqual(r.steps, [], "a single action's steps are its protection group's");
  const pg = r.protection_groups[0]!;
  assert.deepEqual([pg.name, pg.operation_id, pg.recovery_point, pg.rpo_seconds, pg.rto_seconds], ['billing', 'op-f', { name: 'pg-1-failover-x', time: '2026-01-02T10:00:04.000000' }, 0, 18]);
  assert.deepEqual(pg.servers.map((s) => [s.name, s.source_server_id, s.target_server_id, s.boot_tier, s.requested_at, s.active_at, s.boot_seconds]), [
    ['db-1', 'src-db', 'tgt-db', 0, '2026-01-02T10:00:07.000000', '2026-01-02T10:00:11.000000', 4],
    ['web-1', 'src-web', 'tgt-web', 1, '2026-01-02T10:00:12.000000', '2026-01-02T10:00:18.040000', 6],
  ]);
  assert.deepEqual(pg.servers[1]!.addresses, [{ port_id: 'tp-web', ips: ['10.20.0.99'], requested_ips: ['10.20.0.6'], same_ip: false }]);
  assert.deepEqual([r.rto_seconds, r.rpo_seconds, r.errors], [18, 0, []]);
  // Someone else reads it: only the id of who started it is known.
  assert.equal(buildRunReport(input({ op: f, reader: { userId: 'u-bob', userName: 'bob' } })).started_by.user_name, null);
});

test('an unplanned failover: RPO is the recovery point age at the start; a server that did not come up is reported with its error', () => {
  const u = op({ id: 'op-u', type: 'failover', pg_id: 'pg-1', status: 'partial', params: { type: 'unplanned' }, started_at: at(2), error: null });
  const steps = bringUp('op-u', { step: 'choose_recovery_point', name: 'pg-1.7', time: at(-298) }, { db: [7, 9], web: [9, 10] });
  const boot = steps.find((s) => s.name === 'boot_servers')!;
  boot.detail = { booted: [(boot.detail.booted as unknown[])[0]], failed: [{ server: 'web-1', member_server_id: 'src-web', server_id: 'tgt-web', requested_at: at(9), error: 'server web-1 (tgt-web) did not become ACTIVE: ERROR' }] };
  const r = buildRunReport(input({ op: u, steps }));
  const pg = r.protection_groups[0]!;
  assert.deepEqual([pg.rpo_seconds, pg.rto_seconds, pg.mode], [300, 9, 'unplanned']);
  assert.deepEqual(pg.servers.map((s) => [s.name, s.status, s.active_at, s.error]), [['db-1', 'active', '2026-01-02T10:00:09.000000', null], ['web-1', 'failed', null, 'server web-1 (tgt-web) did not become ACTIVE: ERROR']]);
  assert.deepEqual(r.errors, [{ operation_id: 'op-u', protection_group_id: 'pg-1', step: 'boot_servers', server: 'web-1', message: 'server web-1 (tgt-web) did not become ACTIVE: ERROR' }]);
  // Point-in-time: a chosen recovery point.
  assert.equal(buildRunReport(input({ op: { ...u, params: { type: 'unplanned', recovery_point_id: 'pg-1.3' } } })).mode, 'point_in_time');
});

test("a failover's commit window: the user's decision as recorded, or the deadline's as await_commit ended; none without a window", () => {
  const base = op({ id: 'op-c', type: 'failover', pg_id: 'pg-1', params: { type: 'planned', recovery_point_id: 'rp-3' } });
  const byUser = buildRunReport(input({ op: { ...base, result: { commit: { deadline: at(3600), on_deadline: 'rollback', decision: { decision: 'commit', by: 'u-alice', at: at(40) } } } } }));
  assert.deepEqual(byUser.protection_groups[0]!.commit, { deadline: '2026-01-02T11:00:00.000000', on_deadline: 'rollback', decision: 'commit', decided_by: { user_id: 'u-alice', user_name: 'alice' }, decided_at: '2026-01-02T10:00:40.000000' });
  const steps = [step('op-c', 'await_commit', 20, 80, { decision: 'commit', by: 'deadline', at: new Date(at(80)).toISOString() })];
  const byDeadline = buildRunReport(input({ op: { ...base, result: { commit: { deadline: at(80), on_deadline: 'commit' } } }, steps }));
  assert.deepEqual(byDeadline.protection_groups[0]!.commit, { deadline: '2026-01-02T10:01:20.000000', on_deadline: 'commit', decision: 'commit', decided_by: null, decided_at: '2026-01-02T10:01:20.000000' });
  const waiting = buildRunReport(input({ op: { ...base, status: 'running', result: { commit: { deadline: at(80), on_deadline: 'commit' } } }, steps: [step('op-c', 'await_commit', 20, null, { awaiting_commit: true })] }));
  assert.deepEqual([waiting.protection_groups[0]!.commit?.decision, waiting.protection_groups[0]!.commit?.decided_at], [null, null]);
  assert.match(renderRunReportHtml(byUser), /Commit window<\/dt><dd>until 2026-01-02 11:00:00\.0 UTC \(then rollback\): committed by alice \(u-alice\) at 2026-01-02 10:00:40\.0 UTC/);
  assert.equal(buildRunReport(input({ op: base })).protection_groups[0]!.commit, null);
});

test('while it runs, boot_servers holds counts: no servers yet, no RTO; a strict failure names its server from the step error', () => {
  const running = op({ id: 'op-r', type: 'test_failover', pg_id: 'pg-1', status: 'running', finished_at: null });
  const r = buildRunReport(input({ op: running, steps: [step('op-r', 'choose_recovery_point', 2, 3, { recovery_point: 'rp', data_as_of: at(1) }), step('op-r', 'boot_servers', 4, null, { tiers_done: 1, booted: 1, failed: 0 })] }));
  assert.deepEqual([r.mode, r.protection_groups[0]!.servers, r.rto_seconds, r.rpo_seconds], ['drill', [], null, 1]);

  const failed = op({ id: 'op-s', type: 'failover', pg_id: 'pg-1', status: 'rolled_back', params: { type: 'planned' }, error: 'boot_servers: server db-1 (tgt-db) did not become ACTIVE: timed out' });
  const s = buildRunReport(input({ op: failed, steps: [step('op-s', 'boot_servers', 4, 9, { server: 'db-1', member_server_id: 'src-db', server_id: 'tgt-db', requested_at: at(4) }, { status: 'failed', error: 'server db-1 (tgt-db) did not become ACTIVE: timed out' })] }));
  assert.deepEqual(s.protection_groups[0]!.servers.map((x) => [x.name, x.status, x.source_server_id, x.requested_at]), [['db-1', 'failed', 'src-db', '2026-01-02T10:00:04.000000']]);
  assert.deepEqual(s.errors.map((e) => [e.step, e.server, e.message]), [['boot_servers', null, 'server db-1 (tgt-db) did not become ACTIVE: timed out']], 'one error, not three copies of it');
});

test('a plan run: tiers with their release and end, the approval with who and when, PGs by tier; a rollback move back is listed but not counted', () => {
  const tiers = [{ name: 'db', protection_groups: ['pg-db'], wait_after: { type: 'approval', prompt: 'check the db' } }, { name: 'web', protection_groups: ['pg-web'] }];
  const run = op({ id: 'run', type: 'plan_run', params: { plan_id: 'plan-1', plan_name: 'three-tier', version: 3, mode: 'unplanned', tiers, action: { type: 'unplanned' }, recovery_points: {} }, result: { approvals: [{ step: 'approval_after_tier_1', by: 'u-bob', at: at(30), comment: 'db ok' }] } });
  const steps = [
    step('run', 'precheck', 2, 3), step('run', 'start_tier_1', 3, 4, { tier: 'db' }), step('run', 'wait_tier_1', 4, 25, { tier: 'db' }),
    step('run', 'approval_after_tier_1', 25, 31, { tier: 'db', approved_by: 'u-bob' }), step('run', 'start_tier_2', 31, 32), step('run', 'wait_tier_2', 32, 60),
  ];
  const dbOp = op({ id: 'c-db', type: 'failover', pg_id: 'pg-db', parent_id: 'run', params: { type: 'unplanned' }, started_at: at(4) });
  const webOp = op({ id: 'c-web', type: 'failover', pg_id: 'pg-web', parent_id: 'run', params: { type: 'unplanned' }, started_at: at(32) });
  const back = op({ id: 'c-back', type: 'failback', pg_id: 'pg-db', parent_id: 'run', params: { revert_of: 'c-db' }, started_at: at(61) });
  const childSteps = new Map([
    ['c-db', bringUp('c-db', { step: 'choose_recovery_point', name: 'db.1', time: at(-56) }, { db: [7, 10], web: [10, 21] })],
    ['c-web', bringUp('c-web', { step: 'choose_recovery_point', name: 'web.1', time: at(12) }, { db: [35, 40], web: [40, 55.5] })],
    ['c-back', bringUp('c-back', { step: 'wait_for_transfer', name: 'back', time: at(62) }, { db: [70, 90], web: [90, 99] })],
  ]);
  const r = buildRunReport(input({ op: run, steps, children: [dbOp, webOp, back], childSteps, pgNames: new Map([['pg-db', 'db-pg'], ['pg-web', 'web-pg']]) }));
  assert.deepEqual([r.mode, r.plan], ['unplanned', { id: 'plan-1', name: 'three-tier', version: 3 }]);
  assert.deepEqual(r.tiers.map((x) => [x.number, x.name, x.status, x.released_at, x.finished_at, x.protection_groups]), [
    [1, 'db', 'completed', '2026-01-02T10:00:04.000000', '2026-01-02T10:00:25.000000', ['pg-db']],
    [2, 'web', 'completed', '2026-01-02T10:00:32.000000', '2026-01-02T10:01:00.000000', ['pg-web']],
  ]);
  assert.deepEqual(r.waits, [{ step: 'approval_after_tier_1', kind: 'approval', after_tier: 'db', status: 'completed', started_at: '2026-01-02T10:00:25.000000', finished_at: '2026-01-02T10:00:31.000000', duration_ms: 6000, prompt: 'check the db', seconds: null, approval: { by: { user_id: 'u-bob', user_name: null }, at: '2026-01-02T10:00:30.000000', comment: 'db ok' } }]);
  assert.deepEqual(r.protection_groups.map((p) => [p.name, p.tier, p.revert_of, p.rto_seconds, p.rpo_seconds]), [['db-pg', 'db', null, 21, 60], ['web-pg', 'web', null, 55.5, 20], ['db-pg', 'db', 'c-db', 99, 0]]);
  // The run: the last forward server ACTIVE at 55.5 s, the worst RPO 60 s (the move back at 99 s not counted).
  assert.deepEqual([r.rto_seconds, r.rpo_seconds], [55.5, 60]);
  assert.deepEqual(r.steps.map((s) => s.name), steps.map((s) => s.name));
});

test('the HTML page: everything escaped (a hostile PG or server name prints as text), no script, the summary and each PG with its servers', () => {
  const evil = '<script>alert(1)</script>';
  const img = '"><img src=x onerror=alert(2)>';
  const f = op({ id: 'op-h', type: 'test_failover', pg_id: 'pg-1', error: `boot_servers: ${img}` });
  const steps = bringUp('op-h', { step: 'choose_recovery_point', name: 'rp', time: at(0) }, { db: [7, 11], web: [12, 18] });
  const boot = steps.find((s) => s.name === 'boot_servers')!;
  (boot.detail.booted as { server: string }[])[0]!.server = img;
  const html = renderRunReportHtml(buildRunReport(input({ op: f, steps, pgNames: new Map([['pg-1', evil]]) })));
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.doesNotMatch(html, /<script|<img|onerror=alert\(2\)>/i, 'no markup from the names');
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;/);
  assert.doesNotMatch(html, /<(link|iframe|object|embed|a)\b|url\(|@import/i, 'self-contained');
  assert.match(html, /@media print/);
  assert.match(html, /<dt>RTO<\/dt><dd>18 s/);
  assert.match(html, /10\.20\.0\.99 \(was 10\.20\.0\.6\)/);
  assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
});

test("a plan run with a commit window: the run's decision at the top, each group's with the run's deadline", () => {
  const run = op({ id: 'op-run', type: 'plan_run', status: 'rolled_back', params: { plan_id: 'plan-1', plan_name: 'ransomware', version: 2, mode: 'point_in_time', tiers: [{ name: 'db', protection_groups: ['pg-1'] }], commit: { seconds: 600, on_deadline: 'commit' } }, result: { commit: { deadline: at(700), on_deadline: 'commit', decision: { decision: 'rollback', by: 'u-alice', at: at(90) } } } });
  const kid = op({ id: 'op-k', type: 'failover', pg_id: 'pg-1', parent_id: 'op-run', status: 'rolled_back', params: { type: 'planned', recovery_point_id: 'rp-1', commit_with_run: true }, result: { commit: { deadline: null, on_deadline: 'commit', decision: { decision: 'rollback', by: 'u-alice', at: at(91) } } } });
  const r = buildRunReport(input({ op: run, steps: [step('op-run', 'await_commit', 60, 95, { decision: 'rollback', by: 'u-alice' })], children: [kid] }));
  const decided = { on_deadline: 'commit', decision: 'rollback', decided_by: { user_id: 'u-alice', user_name: 'alice' } };
  assert.deepEqual(r.commit, { deadline: '2026-01-02T10:11:40.000000', ...decided, decided_at: '2026-01-02T10:01:30.000000' });
  assert.deepEqual(r.protection_groups[0]!.commit, { deadline: '2026-01-02T10:11:40.000000', ...decided, decided_at: '2026-01-02T10:01:31.000000' });
  assert.match(renderRunReportHtml(r), /Commit window<\/dt><dd>until 2026-01-02 10:11:40\.0 UTC \(then commit\): rolled back by alice \(u-alice\) at 2026-01-02 10:01:30\.0 UTC <small>\(one decision for every protection group\)/);
  assert.equal(buildRunReport(input({ op: { ...run, result: {} } })).commit, null, 'a run without a window');
});
