// The SDK coordinator's rules for a document one site holds and the other not yet (DESIGN §5):
// which copy is newer, when it may be pushed (nothing running on either, the other unchanged
// since), and how it is said; a PG one site does not know and divergent copies are never pushed.
// Two fake sites answer sync-status and the operations list; every request is recorded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncStatus } from '../../src/api/index.js';
import { catchUp, describePending, pendingMetadata } from '../../src/coordinator/index.js';
import { fakeSite, operation, type FakeAnswer } from '../helpers/fake-site.js';

const PG = 'pg-1';
const OP = '0b5e0000-0000-4000-8000-0000000000aa';

function status(version: number, syncState: 'in_sync' | 'out_of_sync', over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    protection_group_id: PG,
    site_id: 's',
    site_name: 's',
    metadata_version: version,
    sync_state: syncState,
    status: 'active',
    current_primary_site_id: 's',
    active_operation_id: null,
    changes_allowed: syncState === 'in_sync',
    updated_at: '2026-01-01T00:00:10.000000',
    rpo_minutes: null,
    interval_minutes: null,
    ...over,
  };
}

/** A site answering its sync-status (or 404), its operations newest first, and anything else 409 (so a push would show). */
function site(name: string, st: SyncStatus | null, ops: ReturnType<typeof operation>[] = []) {
  return fakeSite(name, (path): FakeAnswer => {
    if (path.endsWith('/sync-status')) return st ? { status: 200, body: { sync_status: st } } : { status: 404 };
    if (path === '/operations') return { status: 200, body: { operations: ops } };
    if (path.startsWith('/operations/')) return { status: 200, body: { operation: ops.find((o) => path.endsWith(o.id)) ?? operation(OP, 'running') } };
    return { status: 409 };
  });
}

test('both at one version, acknowledged: nothing to say or do', async () => {
  const [a, b] = [site('site-a', status(4, 'in_sync')), site('site-b', status(4, 'in_sync'))];
  const r = await catchUp(PG, a.site, b.site);
  assert.deepEqual(r, { pending: { state: 'in_sync', version: 4 } });
  assert.equal(describePending(r.pending, 'app'), null);
});

test('both changed since they agreed: diverged, named with both versions and --source-site, never pushed', async () => {
  const [a, b] = [site('site-a', status(5, 'out_of_sync')), site('site-b', status(6, 'out_of_sync'))];
  const r = await catchUp(PG, a.site, b.site);
  assert.equal(r.pending.state, 'diverged');
  assert.equal(r.stored, undefined);
  assert.equal(
    describePending(r.pending, 'app'),
    "protection group app diverged: site-a holds version 5 (out_of_sync), site-b holds version 6 (out_of_sync); run 'protector protection-group sync app --source-site SITE' to pick the one to keep",
  );
  assert.ok(![...a.paths, ...b.paths].some((p) => p.endsWith('/metadata')), 'nothing read for a push');
});

test('a site that does not know the PG (deleted there, or never stored) is never pushed to by a catch-up', async () => {
  const [a, b] = [site('site-a', null), site('site-b', status(3, 'out_of_sync'))];
  const r = await catchUp(PG, a.site, b.site);
  assert.equal(describePending(r.pending, 'app'), `site-a cannot be compared: it does not know protection group ${PG}`);
  assert.equal(r.stored, undefined);
});

test('an operation running on either site: wait, naming it and where it runs', async () => {
  const running = operation(OP, 'running', [], { type: 'failover' });
  // The newer copy's own operation is still running.
  const [a1, b1] = [site('site-a', status(2, 'in_sync')), site('site-b', status(3, 'out_of_sync', { active_operation_id: OP }), [running])];
  const r1 = await catchUp(PG, a1.site, b1.site);
  assert.equal(
    describePending(r1.pending, 'app'),
    `site-b holds version 3, site-a 2: operation ${OP} (failover, running) is running on site-b; it is stored on site-a once that operation has finished, by the next command or 'protector protection-group sync app'`,
  );
  // The older copy's site is busy (a replication, say): it refuses pushes until it has finished.
  const [a2, b2] = [site('site-a', status(2, 'in_sync', { active_operation_id: OP }), [{ ...running, type: 'replicate' }]), site('site-b', status(3, 'out_of_sync'))];
  const r2 = await catchUp(PG, a2.site, b2.site);
  assert.equal(r2.stored, undefined);
  assert.match(describePending(r2.pending, 'app') ?? '', new RegExp(`^site-b holds version 3, site-a 2: operation ${OP} \\(replicate, running\\) is running on site-a; site-a takes it once that operation has finished`));
});

test('the newer copy names the operation that left it, unless something changed it after that operation finished', async () => {
  const done = operation(OP, 'completed', [], { type: 'test_cleanup', finished_at: '2026-01-01T00:00:11.000000' });
  const replicated = operation('0b5e0000-0000-4000-8000-0000000000bb', 'completed', [], { type: 'replicate', finished_at: '2026-01-01T00:00:12.000000' });
  const p = await pendingMetadata(PG, site('site-a', status(2, 'in_sync')).site, site('site-b', status(3, 'out_of_sync'), [replicated, done]).site);
  assert.equal(
    describePending(p, 'app'),
    `site-b holds version 3, site-a 2: the document of operation ${OP} (test_cleanup, completed) is not stored on site-a yet; it will be pushed by the next command, or run 'protector protection-group sync app'`,
  );
  // A policy change through the API at 00:00:10 came after an operation that finished at 00:00:05.
  const earlier = { ...done, finished_at: '2026-01-01T00:00:05.000000' };
  const q = await pendingMetadata(PG, site('site-a', status(2, 'in_sync')).site, site('site-b', status(3, 'out_of_sync'), [earlier]).site);
  assert.match(describePending(q, 'app') ?? '', /^site-b holds version 3, site-a 2: its document is not stored on site-a yet;/);
});
