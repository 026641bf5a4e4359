// The SDK coordinator's rules for recovery plans (DESIGN §5), against two fake sites that record
// every request: a plan is made where the user talks and stored on the peer at its version (with
// the hook secrets the user gave: no site shows them), and nothing is made without the peer; copies left apart are brought together (the newer wins)
// before a change; a run is posted to the one site every PG's action runs on, refused naming the
// PGs and sites when they differ; an unplanned run goes ahead from the surviving site alone; after
// a run each started PG's document is stored on the peer (or the sync to run named); a run is
// found by its id on either site.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Operation, RecoveryPlan, SyncStatus } from '../../src/api/index.js';
import { Coordinator, LookupError, NoRunningSiteError, PeerUnreachableError } from '../../src/coordinator/index.js';
import { FAKE_PROJECT, fakeSite, operation, type FakeAnswer, type FakeRequest } from '../helpers/fake-site.js';

const PLAN = '0c0c0000-0000-4000-8000-000000000001';
const RUN = '0c0c0000-0000-4000-8000-0000000000ff';
const PG = { db: '0c0c0000-0000-4000-8000-0000000000a1', app: '0c0c0000-0000-4000-8000-0000000000a2', web: '0c0c0000-0000-4000-8000-0000000000a3' };
const T = '2026-01-01T00:00:00.000000';

const tiers = [
  { name: 'db', protection_groups: [PG.db], wait_after: { type: 'approval' as const, prompt: 'check the database' } },
  { name: 'app', protection_groups: [PG.app] },
  { name: 'web', protection_groups: [PG.web] },
];
const plan = (version: number, over: Partial<RecoveryPlan> = {}): RecoveryPlan => ({ id: PLAN, project_id: FAKE_PROJECT, name: 'three-tier', description: '', version, tiers, hooks: [], commit_window: null, active_run_id: null, created_at: T, updated_at: T, ...over });

interface SiteState {
  plan: RecoveryPlan | null;
  /** Which registration (on this site) each PG's current primary is: `self` or `peer`. */
  primary: Record<string, 'self' | 'peer'>;
  run?: Operation;
}

/** One site of the pair: its plan, its PGs (in sync at version 3) and whatever a run answers. */
function site(name: string, st: SiteState, o: { down?: () => boolean } = {}) {
  const status = (pg: string): SyncStatus => ({
    protection_group_id: pg, site_id: `${name}-id`, site_name: name, metadata_version: 3, sync_state: 'in_sync', status: st.primary[pg] === 'self' ? 'active' : 'active',
    current_primary_site_id: st.primary[pg] === 'self' ? `${name}-id` : 'other-id', active_operation_id: null, changes_allowed: true, updated_at: T, rpo_minutes: null, interval_minutes: null,
  });
  const pgs = Object.entries(PG).map(([n, id]) => ({ id, name: n }));
  return fakeSite(name, (path: string, req: FakeRequest): FakeAnswer => {
    const body = req.body as { recovery_plan?: Partial<RecoveryPlan> & { expected_version?: number } } | undefined;
    // A site shows hooks without their secrets.
    const shown = (p: Partial<RecoveryPlan> | undefined) => ({ ...p, ...(p?.hooks ? { hooks: p.hooks.map(({ secret: _s, ...h }: { secret?: string } & RecoveryPlan['hooks'][number]) => h) } : {}) });
    if (path === '/recovery-plans' && req.method === 'POST') return { status: 201, body: { recovery_plan: (st.plan = plan(1, shown(body?.recovery_plan))) } };
    if (path === '/recovery-plans') return { status: 200, body: { recovery_plans: st.plan ? [st.plan] : [] } };
    if (path === `/recovery-plans/${PLAN}/metadata`) {
      if (st.plan && st.plan.version >= (body?.recovery_plan?.version ?? 0)) return { status: 409 };
      return { status: 200, body: { recovery_plan: (st.plan = plan(body?.recovery_plan?.version ?? 1, shown(body?.recovery_plan))) } };
    }
    if (path === `/recovery-plans/${PLAN}` && req.method === 'PUT') {
      if (!st.plan || body?.recovery_plan?.expected_version !== st.plan.version) return { status: 409 };
      const { expected_version: _e, ...change } = body.recovery_plan;
      return { status: 200, body: { recovery_plan: (st.plan = { ...st.plan, ...shown(change), version: st.plan.version + 1 }) } };
    }
    if (path === `/recovery-plans/${PLAN}`) return st.plan ? { status: 200, body: { recovery_plan: st.plan } } : { status: 404 };
    if (path === `/recovery-plans/${PLAN}/run`) return { status: 202, body: { operation: (st.run = operation(RUN, 'pending', [], { type: 'plan_run', protection_group_id: null })), children: [] } };
    if (path === `/operations/${RUN}`) return st.run ? { status: 200, body: { operation: st.run } } : { status: 404 };
    if (path === '/protection-groups') return { status: 200, body: { protection_groups: pgs } };
    const m = /^\/protection-groups\/([^/]+)(\/sync-status)?$/.exec(path);
    if (m?.[2]) return { status: 200, body: { sync_status: status(m[1] as string) } };
    if (m) return { status: 200, body: { protection_group: pgs.find((p) => p.id === m[1]) } };
    return { status: 409 };
  }, o);
}

/** A coordinator over sites a and b; its notes are kept. */
function pair(a: ReturnType<typeof site>, b: ReturnType<typeof site> | null) {
  const notes: string[] = [];
  const c = new Coordinator(a.site, b?.site ?? null, { syncHint: (pg) => `sync ${pg}`, peerHint: 'name the peer', planHint: (p) => `show ${p}`, note: (_l, m) => void notes.push(m) });
  return { c, notes };
}
const changes = (s: ReturnType<typeof site>) => s.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
const everyPgOn = (where: 'self' | 'peer') => Object.fromEntries(Object.values(PG).map((id) => [id, where]));

test('a plan is made where the user talks and stored on the peer at its version; without the peer nothing is made', async () => {
  const a = site('site-a', { plan: null, primary: everyPgOn('self') });
  const bState: SiteState = { plan: null, primary: everyPgOn('peer') };
  const b = site('site-b', bState);
  const made = await pair(a, b).c.plans.create({ name: 'three-tier', tiers });
  assert.deepEqual(changes(a), ['POST /recovery-plans']);
  assert.deepEqual(changes(b), [`PUT /recovery-plans/${PLAN}/metadata`]);
  assert.deepEqual(b.requests.at(-1)?.body, { recovery_plan: { name: 'three-tier', description: '', tiers, hooks: [], commit_window: null, version: made.version } });
  assert.equal(bState.plan?.version, made.version);

  let down = true;
  const a2 = site('site-a', { plan: null, primary: everyPgOn('self') });
  const gone = site('site-b', { plan: null, primary: everyPgOn('peer') }, { down: () => down });
  await assert.rejects(pair(a2, gone).c.plans.create({ name: 'three-tier', tiers }), PeerUnreachableError);
  assert.deepEqual(changes(a2), [], 'nothing was made on site-a');
  down = false;
});

test("a hook's secret, never shown by a site, goes to the peer with the plan when the user gives it; a change without hooks leaves the peer's own", async () => {
  const a = site('site-a', { plan: null, primary: everyPgOn('self') });
  const b = site('site-b', { plan: null, primary: everyPgOn('peer') });
  const { c } = pair(a, b);
  const hook = { name: 'notify', event: 'before_tier' as const, tier: 'db', url: 'https://hooks.example/plan' };
  await c.plans.create({ name: 'three-tier', tiers, hooks: [{ ...hook, secret: 'sixteen-chars-secret' }] });
  const copied = (b.requests.at(-1)?.body as { recovery_plan: { hooks: unknown[] } }).recovery_plan.hooks;
  assert.deepEqual(copied, [{ ...hook, secret: 'sixteen-chars-secret' }]);

  await c.plans.update('three-tier', () => ({ description: 'no hook change' }));
  const kept = (b.requests.at(-1)?.body as { recovery_plan: { hooks: unknown[]; version: number } }).recovery_plan;
  assert.deepEqual([kept.version, kept.hooks], [2, [hook]]);
});

test('copies left apart: the newer is stored on the other site first, the change made with its expected version, the new version stored on the peer', async () => {
  const aState: SiteState = { plan: plan(1), primary: everyPgOn('self') };
  const bState: SiteState = { plan: plan(2, { description: 'changed from site-b' }), primary: everyPgOn('peer') };
  const a = site('site-a', aState);
  const b = site('site-b', bState);
  const { c, notes } = pair(a, b);
  const updated = await c.plans.update('three-tier', (cur) => ({ description: `${cur.description}, then site-a` }));
  assert.equal(updated.version, 3);
  assert.equal(updated.description, 'changed from site-b, then site-a');
  assert.deepEqual(changes(a), [`PUT /recovery-plans/${PLAN}/metadata`, `PUT /recovery-plans/${PLAN}`]);
  assert.deepEqual((a.requests.findLast((r) => r.method === 'PUT')?.body as { recovery_plan: { expected_version: number } }).recovery_plan.expected_version, 2);
  assert.deepEqual(changes(b), [`PUT /recovery-plans/${PLAN}/metadata`]);
  assert.equal(bState.plan?.version, 3);
  assert.deepEqual(notes, ['stored version 2 of recovery plan three-tier from site-b on site-a']);
});

test('a run is posted to the site every PG runs on; PGs running on different sites refuse it, naming them, with nothing posted', async () => {
  const a = site('site-a', { plan: plan(1), primary: everyPgOn('self') });
  const b = site('site-b', { plan: plan(1), primary: everyPgOn('peer') });
  const r = await pair(a, b).c.plans.run('three-tier', { mode: 'drill' });
  assert.equal(r.target.name, 'site-b');
  assert.equal(r.other?.name, 'site-a');
  assert.deepEqual(changes(b), [`POST /recovery-plans/${PLAN}/run`]);
  assert.deepEqual(changes(a), []);
  assert.equal(r.names.get(PG.web), 'web');

  // web failed over alone: its failback runs on site-a, db's and app's on site-b.
  const a2 = site('site-a', { plan: plan(1), primary: { ...everyPgOn('self'), [PG.web]: 'peer' } });
  const b2 = site('site-b', { plan: plan(1), primary: { ...everyPgOn('peer'), [PG.web]: 'self' } });
  await assert.rejects(
    pair(a2, b2).c.plans.run('three-tier', { mode: 'failback' }),
    (e: unknown) => e instanceof NoRunningSiteError && /recovery plan three-tier cannot run from one site: .*\(db, app on site-b; web on site-a\)/.test(e.message),
  );
  assert.deepEqual([...changes(a2), ...changes(b2)], []);
});

test('an unplanned run goes ahead from the surviving site with the other lost; a planned one is refused', async () => {
  const a = site('site-a', { plan: plan(1), primary: everyPgOn('self') }, { down: () => true });
  const b = site('site-b', { plan: plan(1), primary: everyPgOn('peer') });
  const r = await pair(a, b).c.plans.run('three-tier', { mode: 'unplanned' });
  assert.equal(r.target.name, 'site-b');
  assert.equal(r.other, null);
  assert.deepEqual(changes(b), [`POST /recovery-plans/${PLAN}/run`]);
  await assert.rejects(pair(a, b).c.plans.run('three-tier', { mode: 'planned' }), (e: unknown) => e instanceof PeerUnreachableError && e.site === 'site-a');
  assert.equal(changes(b).length, 1);
});

test('after a run, each PG a child started is stored on the peer (here: the sync to run named); a run is found by id on either site', async () => {
  const a = site('site-a', { plan: plan(1), primary: everyPgOn('self') });
  const bState: SiteState = { plan: plan(1), primary: everyPgOn('peer') };
  const b = site('site-b', bState);
  const { c, notes } = pair(a, b);
  const child = (pg: string, status: Operation['status'], started: boolean): Operation => ({ ...operation(`op-${pg}`, status), protection_group_id: pg, parent_id: RUN, started_at: started ? T : null });
  await c.plans.storeAfterRun({ children: [child(PG.db, 'completed', true), child(PG.app, 'failed', true), child(PG.web, 'cancelled', false)] }, b.site, null, new Map([[PG.db, 'db'], [PG.app, 'app']]));
  assert.deepEqual(notes, [
    'the peer site did not answer: sync db when it is back, to store the result of operation op-' + PG.db + ' there',
    'the peer site did not answer: sync app when it is back, to store the result of operation op-' + PG.app + ' there',
  ]);

  await c.plans.run('three-tier', { mode: 'drill' });
  const found = await c.plans.findRun(RUN);
  assert.deepEqual([found.site.name, found.other?.name, found.run.type], ['site-b', 'site-a', 'plan_run']);
  bState.run = { ...operation(RUN, 'running'), type: 'failover' } as Operation;
  await assert.rejects(c.plans.findRun(RUN), (e: unknown) => e instanceof LookupError && /is a failover operation, not a recovery plan run/.test(e.message));
  bState.run = undefined;
  await assert.rejects(c.plans.findRun(RUN), (e: unknown) => e instanceof LookupError && e.message === `no recovery plan run ${RUN}: not on site-a; not on site-b`);
});
