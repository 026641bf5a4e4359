import assert from 'node:assert/strict';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { Operations } from '../../src/engine/operations.js';
import type { ApiHarness } from './api.js';

type Created = { protection_group: { id: string; metadata_version: number }; operation: { id: string } };

/**
 * A PG of alice's as the API creates it, then brought to what the engine and the client leave
 * behind: pg_create completed (PG active, slot free) and version 1 acknowledged (in_sync).
 */
export async function activePg(h: ApiHarness, name: string, replication_type: 'async' | 'sync' = 'async'): Promise<string> {
  const r = await h.call<Created>('POST', `/v1/${h.projects.demo}/protection-groups`, {
    token: await h.token('alice'),
    headers: { 'X-Peer-Auth-Token': await h.peer!.token('alice') },
    body: { protection_group: { name, replication_type } },
  });
  assert.equal(r.status, 202, r.text);
  await completeOperation(h, r.body.operation.id);
  await new ProtectionGroups(h.deps.db).update(r.body.protection_group.id, { status: 'active' });
  await ack(h, r.body.protection_group.id);
  return r.body.protection_group.id;
}

/** What an engine does with an operation: claim it, then finish it (freeing the PG). */
export async function completeOperation(h: ApiHarness, id: string, status: 'completed' | 'failed' = 'completed'): Promise<void> {
  const ops = new Operations(h.deps.db);
  assert.ok(await ops.claim(id, 'test-engine', 60_000), `claim ${id}`);
  await ops.stepStarted(id, 1, 'do_it');
  await ops.stepFinished(id, 1, { status: 'completed', detail: { ok: true } });
  await ops.finish(id, 'test-engine', { status });
}

/** The client's acknowledgement after pushing the current version to the peer. */
export async function ack(h: ApiHarness, pgId: string): Promise<void> {
  const pg = await new ProtectionGroups(h.deps.db).get(pgId);
  const r = await h.call('POST', `/v1/${h.projects.demo}/protection-groups/${pgId}/metadata/ack`, { token: await h.token('alice'), body: { version: pg?.metadata_version } });
  assert.equal(r.status, 200, r.text);
}
