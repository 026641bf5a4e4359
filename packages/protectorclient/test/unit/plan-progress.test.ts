// `plan run --wait` progress: one line per change of the run's step (tier started, up, waiting for
// approval with the command that approves it, approved, paused by whom and resumed, a pre-check's
// every blocker, a rollback moving tiers back) and per child status change, in the order they
// happened (a tier's PGs' news before the tier is said up, even within one poll), from the run's
// details as successive polls answer them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OperationDetail, OperationStep } from '../../src/api/index.js';
import { planProgress } from '../../src/cli/plan-progress.js';
import { operation } from '../helpers/fake-site.js';

const RUN = 'run-1';
const params = { plan_name: 'three-tier', mode: 'planned', tiers: [{ name: 'db', protection_groups: ['pg-db'], wait_after: { type: 'approval', prompt: 'check the database' } }, { name: 'app', protection_groups: ['pg-app'] }, { name: 'web', protection_groups: ['pg-web'] }] };
const names = new Map([['pg-db', 'db'], ['pg-app', 'app'], ['pg-web', 'web']]);

type StepSpec = [string, OperationStep['status'], Record<string, unknown>?, string?];
function poll(status: OperationDetail['status'], steps: StepSpec[], children: [string, OperationDetail['status'], Record<string, unknown>?][], over: Partial<OperationDetail> = {}): OperationDetail {
  const d = operation(RUN, status, steps.map(([n, s]) => [n, s]), { type: 'plan_run', protection_group_id: null, params, ...over });
  d.steps = d.steps.map((s, i) => ({ ...s, detail: steps[i]?.[2] ?? {}, error: steps[i]?.[3] ?? null }));
  d.children = children.map(([pg, s, p], i) => ({ ...operation(`child-${i}`, s), type: p?.revert_of ? 'failback' : 'failover', protection_group_id: pg, parent_id: RUN, params: p ?? {} }));
  return d;
}

function watch() {
  const out: string[] = [];
  const f = planProgress({ id: RUN, params }, 'site-b', { write: (t: string) => (out.push(...t.trimEnd().split('\n')), true) } as unknown as NodeJS.WritableStream, { names, who: (id) => (id === 'u1' ? 'alice' : id) });
  return { out, poll: (d: OperationDetail) => f.onPoll(d) };
}

test('tiers in order, the approval wait naming the command, a pause by whom and the resume, then the end', () => {
  const w = watch();
  const db = { tier: 'db', protection_groups: ['pg-db'] };
  w.poll(poll('running', [['precheck', 'running']], [['pg-db', 'pending'], ['pg-app', 'pending'], ['pg-web', 'pending']]));
  w.poll(poll('running', [['precheck', 'completed', { warnings: 1 }], ['start_tier_1', 'completed', db], ['wait_tier_1', 'running']], [['pg-db', 'running'], ['pg-app', 'pending'], ['pg-web', 'pending']]));
  // The approval step is recorded before its detail says what it waits for: nothing said yet.
  const upTo1 = (extra: StepSpec[]): StepSpec[] => [['precheck', 'completed'], ['start_tier_1', 'completed', db], ['wait_tier_1', 'completed', { tier: 'db', completed: ['pg-db'], failed: [] }], ...extra];
  w.poll(poll('running', upTo1([['approval_after_tier_1', 'running']]), [['pg-db', 'completed'], ['pg-app', 'pending'], ['pg-web', 'pending']]));
  w.poll(poll('running', upTo1([['approval_after_tier_1', 'running', { waiting_for: 'approval', prompt: 'check the database' }]]), [['pg-db', 'completed'], ['pg-app', 'pending'], ['pg-web', 'pending']], { result: { paused: { by: 'u1', at: 1 } } }));
  w.poll(poll('running', upTo1([['approval_after_tier_1', 'completed', { approved_by: 'u1', comment: 'ok' }], ['start_tier_2', 'running', { paused_by: 'u1' }]]), [['pg-db', 'completed'], ['pg-app', 'pending'], ['pg-web', 'pending']], { result: { paused: { by: 'u1', at: 1 } } }));
  // Resumed and the next tier started in one poll: said in that order.
  w.poll(poll('running', upTo1([['approval_after_tier_1', 'completed', { approved_by: 'u1' }], ['start_tier_2', 'completed', { tier: 'app', protection_groups: ['pg-app'] }], ['wait_tier_2', 'running']]), [['pg-db', 'completed'], ['pg-app', 'running'], ['pg-web', 'pending']]));
  w.poll(poll('completed', upTo1([['approval_after_tier_1', 'completed', { approved_by: 'u1' }], ['start_tier_2', 'completed', { tier: 'app', protection_groups: ['pg-app'] }], ['wait_tier_2', 'completed', { failed: [] }], ['start_tier_3', 'completed', { tier: 'web', protection_groups: ['pg-web'] }], ['wait_tier_3', 'completed', { failed: [] }]]), [['pg-db', 'completed'], ['pg-app', 'completed'], ['pg-web', 'completed']]));
  assert.deepEqual(w.out, [
    'plan three-tier: planned run run-1 on site-b: 3 tiers, 3 protection groups',
    'plan three-tier: pre-checking every protection group',
    'plan three-tier: db failover pending',
    'plan three-tier: app failover pending',
    'plan three-tier: web failover pending',
    'plan three-tier: pre-check passed (1 warning)',
    'plan three-tier: tier db (1/3) started: db',
    'plan three-tier: db failover running',
    'plan three-tier: db failover completed',
    'plan three-tier: tier db (1/3) up',
    "plan three-tier: paused by alice: no further tier starts until 'protector plan resume run-1'; what has started goes on",
    "plan three-tier: waiting for approval: check the database — run 'protector plan approve run-1'",
    'plan three-tier: approved by alice (ok)',
    'plan three-tier: resumed',
    'plan three-tier: tier app (2/3) started: app',
    'plan three-tier: app failover running',
    'plan three-tier: app failover completed',
    'plan three-tier: tier app (2/3) up',
    'plan three-tier: tier web (3/3) started: web',
    'plan three-tier: web failover completed',
    'plan three-tier: tier web (3/3) up',
    'plan three-tier: run completed',
  ]);
});

test("a pre-check's every blocker is said; a rollback says each tier moved back and the children moving back", () => {
  const w = watch();
  w.poll(poll('failed', [['precheck', 'failed', {}, 'the pre-check of 1 of 3 protection groups found blockers:\nweb (pg-web):\n1. [blocker] no_recovery_point: none']], [['pg-web', 'cancelled']], { error: 'precheck: the pre-check of 1 of 3 protection groups found blockers:\n…' }));
  assert.deepEqual(w.out.slice(1), [
    'plan three-tier: pre-check failed: the pre-check of 1 of 3 protection groups found blockers:',
    '    web (pg-web):',
    '    1. [blocker] no_recovery_point: none',
    'plan three-tier: web failover cancelled',
    'plan three-tier: run failed: precheck: the pre-check of 1 of 3 protection groups found blockers:',
  ]);

  const r = watch();
  const failed = { failed: [{ protection_group_id: 'pg-app', status: 'failed' }] };
  r.poll(poll('rolling_back', [['precheck', 'completed'], ['start_tier_1', 'completed', { protection_groups: ['pg-db'] }], ['wait_tier_1', 'completed', { failed: [] }], ['approval_after_tier_1', 'completed', { approved_by: 'bob' }], ['start_tier_2', 'completed', { protection_groups: ['pg-app'] }], ['wait_tier_2', 'failed', failed, 'tier app: protection group pg-app failed'], ['cancel_unstarted', 'completed', { cancelled: 1 }], ['wait_started', 'completed'], ['revert_tier_1', 'running']], [['pg-db', 'completed'], ['pg-app', 'failed'], ['pg-web', 'cancelled'], ['pg-db', 'running', { revert_of: 'child-0' }]]));
  assert.deepEqual(r.out.slice(1), [
    'plan three-tier: pre-check passed',
    'plan three-tier: tier db (1/3) started: db',
    'plan three-tier: db failover completed',
    'plan three-tier: tier db (1/3) up',
    'plan three-tier: approved by bob',
    'plan three-tier: tier app (2/3) started: app',
    'plan three-tier: app failover failed',
    'plan three-tier: tier app (2/3) failed: tier app: protection group pg-app failed',
    'plan three-tier: rolling back: 1 protection groups not started were cancelled',
    'plan three-tier: moving tier db (1/3) back',
    'plan three-tier: web failover cancelled',
    'plan three-tier: db failback (moving back) running',
  ]);
});

test('hooks called and a readiness check are said; a failed hook names the moment it belonged to', () => {
  const w = watch();
  const ready = { ...params, tiers: [params.tiers[0], { name: 'app', protection_groups: ['pg-app'], wait_after: { type: 'ready', url: 'http://app.example/health' } }, params.tiers[2]] };
  const f = planProgress({ id: RUN, params: ready }, 'site-b', { write: (t: string) => (w.out.push(...t.trimEnd().split('\n')), true) } as unknown as NodeJS.WritableStream, { names });
  f.onPoll(poll('running', [['precheck', 'completed'], ['hooks_before_run', 'completed', { hooks: [{ hook: 'page', ok: true }, { hook: 'chat', ok: false }] }], ['ready_after_tier_2', 'running']], [], { params: ready }));
  f.onPoll(poll('failed', [['precheck', 'completed'], ['hooks_before_run', 'completed', { hooks: [{ hook: 'page', ok: true }, { hook: 'chat', ok: false }] }], ['ready_after_tier_2', 'completed', { ready_after_seconds: 2.5 }], ['hooks_after_tier_3', 'failed', {}, 'hook notify failed after 3 attempt(s): HTTP 500']], [], { params: ready }));
  assert.deepEqual(w.out.slice(1), [
    'plan three-tier: pre-check passed',
    'plan three-tier: hooks before the run called: page ok, chat failed (passed)',
    'plan three-tier: waiting until http://app.example/health answers after tier app (2/3)',
    'plan three-tier: http://app.example/health ready after 2.5 s',
    'plan three-tier: hooks after tier web (3/3) failed: hook notify failed after 3 attempt(s): HTTP 500',
    'plan three-tier: run failed',
  ]);
});
