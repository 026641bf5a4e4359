// The Coordinator speaks through its face: what to tell a user (notes) and how to name the sync
// and the peer are the face's words (the CLI's commands, the dashboard's buttons); the rules are
// the Coordinator's. No process or terminal is touched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OperationDetail } from '../../src/api/index.js';
import { Coordinator, PeerRequiredError, type SiteHandle } from '../../src/coordinator/index.js';

const site = (name: string): SiteHandle => ({ name, client: {} as SiteHandle['client'] });
const face = () => {
  const notes: [string, string][] = [];
  return { notes, syncHint: (pg: string) => `press Sync on ${pg}`, peerHint: 'log in to the other site', note: (level: 'info' | 'warning', m: string) => void notes.push([level, m]) };
};

test('a change without a peer is refused before anything is tried, in the face\'s words', async () => {
  const f = face();
  const c = new Coordinator(site('site-a'), null, f);
  await assert.rejects(c.reachablePeer(), (e: unknown) => e instanceof PeerRequiredError && e.message === 'every change needs the peer site to answer first: log in to the other site');
  let changed = false;
  await assert.rejects(c.change(site('site-a'), () => 'pg', async () => (changed = true)), PeerRequiredError);
  assert.equal(changed, false);
  assert.deepEqual(c.both().map((s) => s.name), ['site-a']);
});

test('an operation ended while the peer was away is noted with the face\'s sync hint, not thrown', async () => {
  const f = face();
  const c = new Coordinator(site('site-b'), site('site-a'), f);
  const done = { id: 'op-1', type: 'failover', status: 'completed' } as OperationDetail;
  await c.storeAfterOperation(done, 'pg-id', 'web', site('site-b'), null);
  assert.deepEqual(f.notes, [['info', 'the peer site did not answer: press Sync on web when it is back, to store the result of operation op-1 there']]);
});
