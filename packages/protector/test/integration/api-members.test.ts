// Members: added only after the server and every volume's replication type check out on the
// local site, each offending volume named; additions and removals are operations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { startApi } from '../helpers/api.js';
import { ack, activePg, completeOperation } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
const peer = h.peer!;
const demo = h.projects.demo;
type Err = { error: { code: number; message: string } };
type OpAnswer = { operation: { id: string; type: string; status: string; params: Record<string, unknown> } };
const pgId = await activePg(h, 'app', 'async');
const members = `/v1/${demo}/protection-groups/${pgId}/members`;

test('add a server whose volumes are all async-replicated: 202 member_add, version bumped, out_of_sync', async () => {
  const alice = await h.token('alice');
  const { serverId } = await peer.bootServer('web-1', ['replicated-async', 'replicated-async']);
  const r = await h.call<OpAnswer>('POST', members, { token: alice, body: { member: { server_id: serverId, boot_order: 2 } } });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.body.operation.type, 'member_add');
  assert.deepEqual(r.body.operation.params, { server_id: serverId, boot_order: 2 });
  const pg = await new ProtectionGroups(h.deps.db).get(pgId);
  assert.equal(pg?.metadata_version, 2);
  assert.equal(pg?.sync_state, 'out_of_sync');

  // Out of sync: the next change waits for the acknowledgement.
  const { serverId: other } = await peer.bootServer('web-2', ['replicated-async']);
  const oos = await h.call<Err>('POST', members, { token: alice, body: { member: { server_id: other } } });
  assert.equal(oos.status, 409);
  assert.match(oos.body.error.message, /out_of_sync/);
  await ack(h, pgId);
  // In sync but the member_add still runs: busy.
  const busy = await h.call<Err>('POST', members, { token: alice, body: { member: { server_id: other } } });
  assert.equal(busy.status, 409);
  assert.match(busy.body.error.message, new RegExp(`busy with operation ${r.body.operation.id}`));

  // The engine records the member; adding it again is a conflict.
  await completeOperation(h, r.body.operation.id);
  await new ProtectionGroups(h.deps.db).putMember({
    id: 'm-1', pg_id: pgId, server_id: serverId, name: 'web-1', boot_order: 2,
    details: { flavor_id: 'f', flavor_name: 'm1.tiny', image_id: null, availability_zone: null, key_name: null, ports: [], volumes: [] },
  });
  const dup = await h.call<Err>('POST', members, { token: alice, body: { member: { server_id: serverId } } });
  assert.equal(dup.status, 409);
  assert.match(dup.body.error.message, /already a member/);

  const list = await h.call<{ members: { server_id: string }[] }>('GET', members, { token: await h.token('bob') });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.members.map((m) => m.server_id), [serverId]);
});

test('every offending volume is named; unknown servers are 404', async () => {
  const alice = await h.token('alice');
  const { serverId, volumeIds } = await peer.bootServer('mixed', ['replicated-async', 'standard', 'replicated-sync']);
  const r = await h.call<Err>('POST', members, { token: alice, body: { member: { server_id: serverId } } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.error.message, /member\.server_id/);
  assert.ok(!r.body.error.message.includes(volumeIds[0]!), 'the good volume is not named');
  assert.match(r.body.error.message, new RegExp(`${volumeIds[1]}.*'standard', which is not replication-enabled`));
  assert.match(r.body.error.message, new RegExp(`${volumeIds[2]}.*'replicated-sync', which is sync-replicated`));
  const none = await h.call<Err>('POST', members, { token: alice, body: { member: { server_id: '00000000-0000-0000-0000-000000000000' } } });
  assert.equal(none.status, 404, none.text);
  const bad = await h.call<Err>('POST', members, { token: alice, body: { member: { server_id: 'no spaces!' } } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /member\.server_id/);
});

test('isolation and policy', async () => {
  const { serverId } = await peer.bootServer('iso', ['replicated-async']);
  const carol = await h.token('carol');
  assert.equal((await h.call('GET', `/v1/${h.projects.other}/protection-groups/${pgId}/members`, { token: carol })).status, 404);
  assert.equal((await h.call('POST', `/v1/${h.projects.other}/protection-groups/${pgId}/members`, { token: carol, body: { member: { server_id: serverId } } })).status, 404);
  assert.equal((await h.call('GET', members, { token: carol })).status, 400);
  const bob = await h.call<Err>('POST', members, { token: await h.token('bob'), body: { member: { server_id: serverId } } });
  assert.equal(bob.status, 403);
  assert.match(bob.body.error.message, /protector:members:add/);
});

test('remove: a member_remove operation; a server that is not a member is 404', async () => {
  const alice = await h.token('alice');
  const list = await h.call<{ members: { server_id: string }[] }>('GET', members, { token: alice });
  const serverId = list.body.members[0]!.server_id;
  assert.equal((await h.call('DELETE', `${members}/00000000-0000-0000-0000-000000000000`, { token: alice })).status, 404);
  assert.equal((await h.call('DELETE', `/v1/${h.projects.other}/protection-groups/${pgId}/members/${serverId}`, { token: await h.token('carol') })).status, 404);
  const r = await h.call<OpAnswer>('DELETE', `${members}/${serverId}`, { token: alice });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.body.operation.type, 'member_remove');
});
