// Policy, resource mappings and the cross-site metadata document (DESIGN §5): every change bumps
// the version and marks the PG out_of_sync; out_of_sync refuses changes until acknowledged; a push
// is accepted only on the expected version; a first push creates the PG.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { signDocument, type MetadataDocument } from '../../src/metadata/document.js';
import { PAIRING_SECRET, startApi } from '../helpers/api.js';
import { ack, activePg } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
const peer = h.peer!;
const demo = h.projects.demo;
type Err = { error: { code: number; message: string } };
type Doc = MetadataDocument;
type Meta = { metadata: { version: number; sync_state: string; document: Doc } };
const pgId = await activePg(h, 'meta');
const pgUrl = `/v1/${demo}/protection-groups/${pgId}`;
const policy = { interval_minutes: 10, rpo_minutes: 20, retention: { source: { all_for_sec: 3600, per_day: 6, days: 3 }, target: { all_for_sec: 7200, per_day: 4, days: 14 } } };

test('policy: show, replace (version + 1, out_of_sync), the 400s and the out_of_sync 409', async () => {
  const alice = await h.token('alice');
  const shown = await h.call<{ policy: { interval_minutes: number } }>('GET', `${pgUrl}/policy`, { token: await h.token('bob') });
  assert.equal(shown.status, 200);
  assert.equal(shown.body.policy.interval_minutes, 15, 'the default policy');
  for (const [bad, field] of [
    [{ ...policy, interval_minutes: 0 }, 'policy.interval_minutes'],
    [{ ...policy, rpo_minutes: 10081 }, 'policy.rpo_minutes'],
    [{ ...policy, retention: { source: policy.retention.source } }, 'policy.retention.target'],
    [{ ...policy, interval_minutes: 30 }, 'policy.rpo_minutes'],
  ] as const) {
    const r = await h.call<Err>('PUT', `${pgUrl}/policy`, { token: alice, body: { policy: bad } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.error.message, new RegExp(field.replace('.', '\\.')));
  }
  const bob = await h.call<Err>('PUT', `${pgUrl}/policy`, { token: await h.token('bob'), body: { policy } });
  assert.equal(bob.status, 403);
  assert.match(bob.body.error.message, /protector:policy:update/);
  const put = await h.call<{ policy: { rpo_minutes: number } }>('PUT', `${pgUrl}/policy`, { token: alice, body: { policy } });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.body.policy.rpo_minutes, 20);
  const status = await h.call<{ sync_status: { metadata_version: number; sync_state: string; changes_allowed: boolean } }>('GET', `${pgUrl}/sync-status`, { token: alice });
  assert.equal(status.status, 200);
  assert.equal(status.body.sync_status.metadata_version, 2);
  assert.equal(status.body.sync_status.sync_state, 'out_of_sync');
  assert.equal(status.body.sync_status.changes_allowed, false);
  const again = await h.call<Err>('PUT', `${pgUrl}/policy`, { token: alice, body: { policy } });
  assert.equal(again.status, 409);
  assert.match(again.body.error.message, /out_of_sync at metadata version 2/);
  const wrongAck = await h.call<Err>('POST', `${pgUrl}/metadata/ack`, { token: alice, body: { version: 1 } });
  assert.equal(wrongAck.status, 409);
  assert.match(wrongAck.body.error.message, /version 2, not 1/);
  await ack(h, pgId);
});

test('resource mappings: replace, duplicates and foreign sites are 400s', async () => {
  const alice = await h.token('alice');
  const m = (over: Record<string, string> = {}) => ({ kind: 'network', source_site_id: peer.local.id, source_id: 'net-a', target_id: 'net-b', ...over });
  const dup = await h.call<Err>('PUT', `${pgUrl}/resource-mappings`, { token: alice, body: { resource_mappings: [m(), m({ target_id: 'other' })] } });
  assert.equal(dup.status, 400);
  assert.match(dup.body.error.message, /resource_mappings\.1.*Duplicate/);
  const foreign = await h.call<Err>('PUT', `${pgUrl}/resource-mappings`, { token: alice, body: { resource_mappings: [m({ source_site_id: 'elsewhere' })] } });
  assert.equal(foreign.status, 400);
  assert.match(foreign.body.error.message, /resource_mappings\.0\.source_site_id/);
  const kind = await h.call<Err>('PUT', `${pgUrl}/resource-mappings`, { token: alice, body: { resource_mappings: [m({ kind: 'router' })] } });
  assert.equal(kind.status, 400);
  assert.match(kind.body.error.message, /resource_mappings\.0\.kind/);
  const both = [m(), m({ source_site_id: peer.remote.id, source_id: 'net-b', target_id: 'net-a' }), m({ kind: 'flavor', source_id: 'f1', target_id: 'f2' })];
  const ok = await h.call<{ resource_mappings: unknown[] }>('PUT', `${pgUrl}/resource-mappings`, { token: alice, body: { resource_mappings: both } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.resource_mappings.length, 3);
  const shown = await h.call<{ resource_mappings: unknown[] }>('GET', `${pgUrl}/resource-mappings`, { token: await h.token('bob') });
  assert.equal(shown.body.resource_mappings.length, 3);
  assert.equal((await h.call('GET', `/v1/${h.projects.other}/protection-groups/${pgId}/resource-mappings`, { token: await h.token('carol') })).status, 404);
  await ack(h, pgId);
});

test('metadata: the document, a push on the expected version, a first push creating the PG, divergence is 409', async () => {
  const alice = await h.token('alice');
  const got = await h.call<Meta>('GET', `${pgUrl}/metadata`, { token: await h.token('bob') });
  assert.equal(got.status, 200);
  const { version, sync_state, document } = got.body.metadata;
  assert.equal(version, 3);
  assert.equal(sync_state, 'in_sync');
  assert.equal(document.protection_group.id, pgId);
  assert.equal(document.policy.rpo_minutes, 20);
  assert.equal(document.resource_mappings.length, 3);
  assert.deepEqual(document.sites.map((s) => s.name).sort(), ['site-a', 'site-b']);

  // The peer pushes version 4 of the same PG: accepted on expected_version 3.
  const pushed = { ...document, protection_group: { ...document.protection_group, name: 'meta-renamed' } };
  const push = await h.call<Meta>('PUT', `${pgUrl}/metadata`, { token: alice, body: { metadata: { expected_version: 3, version: 4, document: pushed } } });
  assert.equal(push.status, 200, push.text);
  assert.equal(push.body.metadata.version, 4);
  assert.equal(push.body.metadata.sync_state, 'in_sync');
  assert.equal(push.body.metadata.document.protection_group.name, 'meta-renamed');
  const stale = await h.call<Err>('PUT', `${pgUrl}/metadata`, { token: alice, body: { metadata: { expected_version: 3, version: 5, document: pushed } } });
  assert.equal(stale.status, 409);
  assert.match(stale.body.error.message, /holds version 4.*expected version 3/);

  // Both sides changed: this site is out_of_sync at 5, the peer pushes expecting 4.
  const change = await h.call('PUT', `/v1/${demo}/protection-groups/${pgId}`, { token: alice, body: { protection_group: { description: 'local change' } } });
  assert.equal(change.status, 200);
  const diverged = await h.call<Err>('PUT', `${pgUrl}/metadata`, { token: alice, body: { metadata: { expected_version: 4, version: 5, document: pushed } } });
  assert.equal(diverged.status, 409);
  assert.match(diverged.body.error.message, /holds version 5 \(changed here and not yet pushed\), the push expected version 4/);

  // A PG this site has never seen, as the peer hands it out (its own site ids, signed by it): created, ids translated by name.
  const newId = randomUUID();
  const ids = new Map(document.sites.map((s) => [s.id, randomUUID()]));
  const t = (id: string) => ids.get(id) ?? id;
  const f = document.facts;
  const unsigned: Omit<Doc, 'signature'> = {
    ...document,
    protection_group: { ...document.protection_group, id: newId, name: 'from-peer' },
    sites: document.sites.map((s) => ({ id: t(s.id), name: s.name })),
    resource_mappings: document.resource_mappings.map((m) => ({ ...m, source_site_id: t(m.source_site_id) })),
    facts: {
      ...f,
      signed_by: 'site-b',
      project_id: peer.projects.demo,
      primary_site_id: t(f.primary_site_id),
      secondary_site_id: t(f.secondary_site_id),
      current_primary_site_id: t(f.current_primary_site_id),
      resources: { ...f.resources, sites: Object.fromEntries(Object.entries(f.resources.sites).map(([k, v]) => [t(k), v])) },
    },
  };
  const foreign: Doc = { ...unsigned, signature: signDocument(PAIRING_SECRET, unsigned) };
  const url = `/v1/${demo}/protection-groups/${newId}/metadata`;
  const wrongFirst = await h.call<Err>('PUT', url, { token: alice, body: { metadata: { expected_version: 2, version: 3, document: foreign } } });
  assert.equal(wrongFirst.status, 409);
  const first = await h.call<Meta>('PUT', url, { token: alice, body: { metadata: { expected_version: 0, version: 7, document: foreign } } });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.metadata.version, 7);
  assert.equal(first.body.metadata.document.facts.primary_site_id, document.facts.primary_site_id, 'site ids translated to this site');
  assert.equal(first.body.metadata.document.resource_mappings.length, 3);
  const shown = await h.call<{ protection_group: { name: string; sync_state: string } }>('GET', `/v1/${demo}/protection-groups/${newId}`, { token: alice });
  assert.equal(shown.body.protection_group.name, 'from-peer');
  assert.equal(shown.body.protection_group.sync_state, 'in_sync');

  const mismatch = await h.call<Err>('PUT', `${pgUrl}/metadata`, { token: alice, body: { metadata: { expected_version: 5, version: 6, document: foreign } } });
  assert.equal(mismatch.status, 409);
  assert.match(mismatch.body.error.message, /refused: the document is for protection group .*, not /);
  const carol = await h.call<Err>('GET', `/v1/${h.projects.other}/protection-groups/${pgId}/metadata`, { token: await h.token('carol') });
  assert.equal(carol.status, 404);
  const bob = await h.call<Err>('PUT', `${pgUrl}/metadata`, { token: await h.token('bob'), body: { metadata: { expected_version: 5, version: 6, document: pushed } } });
  assert.equal(bob.status, 403);
});
