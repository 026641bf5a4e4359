// Protection groups through the tenant API: creation takes trusts on both Keystones and records
// a pg_create operation; isolation between projects; the 400/403/404/409 answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi, type ApiHarness } from '../helpers/api.js';

const h = await startApi({ peer: true });
const peer = h.peer!;
type Err = { error: { code: number; message: string } };
type Pg = { id: string; name: string; status: string; metadata_version: number; sync_state: string; secondary_site_id: string; resources: { sites: Record<string, { trust_id?: string }> } };
type Created = { protection_group: Pg; operation: { id: string; type: string; status: string } };
const demo = h.projects.demo;

export async function createPg(hh: ApiHarness, name: string, replication_type = 'async') {
  return hh.call<Created & Err>('POST', `/v1/${hh.projects.demo}/protection-groups`, {
    token: await hh.token('alice'),
    headers: { 'X-Peer-Auth-Token': await hh.peer!.token('alice') },
    body: { protection_group: { name, description: 'web tier', replication_type } },
  });
}

async function trusts(site: ApiHarness['site'], token: string) {
  const res = await fetch(`${site.url('keystone')}/v3/OS-TRUST/trusts`, { headers: { 'X-Auth-Token': token } });
  return ((await res.json()) as { trusts: { id: string; trustor_user_id: string; trustee_user_id: string; project_id: string; impersonation: boolean }[] }).trusts;
}

test('create: trusts on both sites, PG creating, a pg_create operation published, no token stored', async () => {
  const r = await createPg(h, 'web');
  assert.equal(r.status, 202, r.text);
  const pg = r.body.protection_group;
  assert.equal(pg.status, 'creating');
  assert.equal(pg.secondary_site_id, peer.remote.id);
  assert.equal(r.body.operation.type, 'pg_create');
  assert.equal(r.body.operation.status, 'pending');
  // Trust ids are what the engine acts as the tenant through: never shown to tenants.
  assert.deepEqual(Object.keys(pg.resources.sites).sort(), [peer.local.id, peer.remote.id].sort());
  assert.ok(!r.text.includes('trust_id'), 'no trust id in the tenant answer');
  const shown = await h.call<{ protection_group: Pg } & Err>('GET', `/v1/${demo}/protection-groups/${pg.id}`, { token: await h.token('alice') });
  assert.ok(!shown.text.includes('trust_id'), 'no trust id when a tenant shows the PG');
  const asked = await h.call<Err>('GET', `/v1/${demo}/protection-groups/${pg.id}?show_secrets=true`, { token: await h.token('alice') });
  assert.equal(asked.status, 403, asked.text);
  assert.match(asked.body.error.message, /protector:secrets:show/);
  // An admin allowed protector:secrets:show who asks sees them.
  const secrets = await h.call<{ protection_group: Pg }>('GET', `/v1/${demo}/protection-groups/${pg.id}?show_secrets=true`, { token: await h.token('admin') });
  assert.equal(secrets.status, 200, secrets.text);
  const localTrust = secrets.body.protection_group.resources.sites[peer.local.id]?.trust_id;
  const peerTrust = secrets.body.protection_group.resources.sites[peer.remote.id]?.trust_id;
  assert.ok(localTrust && peerTrust, 'trust ids stored for both sites');

  const adminA = await h.token('admin');
  const adminB = await peer.token('admin');
  const onA = (await trusts(h.site, adminA)).find((t) => t.id === localTrust);
  const onB = (await trusts(peer.site, adminB)).find((t) => t.id === peerTrust);
  assert.ok(onA, 'the trust exists on site-a Keystone');
  assert.ok(onB, 'the trust exists on site-b Keystone');
  assert.equal(onA.project_id, demo);
  assert.equal(onB.project_id, peer.projects.demo);
  assert.equal(onA.impersonation, true);
  assert.equal(onA.trustor_user_id, h.site.keystone.users.find((u) => u.name === 'alice')?.id);
  assert.equal(onB.trustor_user_id, peer.site.keystone.users.find((u) => u.name === 'alice')?.id);
  assert.equal(onA.trustee_user_id, h.site.keystone.users.find((u) => u.name === 'admin')?.id, 'trustee is the site service user');

  // The wake-up is published beside the answer, never holding the 202 up: it may land a moment later.
  const published = async () => (await h.deps.db.selectFrom('bus_messages').select('payload').execute()).some((m) => JSON.parse(m.payload).operation_id === r.body.operation.id);
  for (let i = 0; i < 100 && !(await published()); i++) await new Promise((w) => setTimeout(w, 20));
  assert.ok(await published(), 'operation published on the bus');

  // No token of any kind may reach the database.
  const tokens = [await h.token('alice'), await peer.token('alice')];
  for (const table of ['protection_groups', 'operations', 'bus_messages', 'replication_policies', 'operation_steps'] as const) {
    const rows = JSON.stringify(await h.deps.db.selectFrom(table).selectAll().execute());
    for (const s of tokens) assert.ok(!rows.includes(s), `a token was stored in ${table}`);
  }
  for (const s of tokens) assert.ok(!h.logs.join('\n').includes(s), 'a token was logged');
});

test('create: the 400s, 403 and 409s', async () => {
  const alice = await h.token('alice');
  const noPeer = await h.call<Err>('POST', `/v1/${demo}/protection-groups`, { token: alice, body: { protection_group: { name: 'x', replication_type: 'sync' } } });
  assert.equal(noPeer.status, 400);
  assert.match(noPeer.body.error.message, /X-Peer-Auth-Token/);
  const badPeer = await h.call<Err>('POST', `/v1/${demo}/protection-groups`, { token: alice, headers: { 'X-Peer-Auth-Token': 'garbage' }, body: { protection_group: { name: 'x', replication_type: 'sync' } } });
  assert.equal(badPeer.status, 400, badPeer.text);
  assert.match(badPeer.body.error.message, /X-Peer-Auth-Token/);
  const dup = await createPg(h, 'web');
  assert.equal(dup.status, 409);
  assert.match(dup.body.error.message, /already exists/);
  const badType = await h.call<Err>('POST', `/v1/${demo}/protection-groups`, { token: alice, body: { protection_group: { name: 'y', replication_type: 'semi' } } });
  assert.equal(badType.status, 400);
  assert.match(badType.body.error.message, /protection_group\.replication_type/);
  const extra = await h.call<Err>('POST', `/v1/${demo}/protection-groups`, { token: alice, body: { protection_group: { name: 'y', replication_type: 'sync', colour: 1 } } });
  assert.match(extra.body.error.message, /protection_group\.colour/);
  const bob = await h.call<Err>('POST', `/v1/${demo}/protection-groups`, { token: await h.token('bob'), headers: { 'X-Peer-Auth-Token': 'x' }, body: { protection_group: { name: 'z', replication_type: 'sync' } } });
  assert.equal(bob.status, 403);
  assert.match(bob.body.error.message, /protector:protection_groups:create/);
  // carol's project has no tenant mapping: the field is named.
  const carol = await h.call<Err>('POST', `/v1/${h.projects.other}/protection-groups`, { token: await h.token('carol'), headers: { 'X-Peer-Auth-Token': 'x' }, body: { protection_group: { name: 'z', replication_type: 'sync' } } });
  assert.equal(carol.status, 400);
  assert.match(carol.body.error.message, /project_id.*tenant mapping/);
});

test('peer Keystone down: 503 naming the site, and the local trust is not left behind', async () => {
  const before = (await trusts(h.site, await h.token('admin'))).length;
  const peerToken = await peer.token('alice');
  await peer.site.faults.set('keystone', { down: true });
  try {
    const r = await h.call<Err>('POST', `/v1/${demo}/protection-groups`, { token: await h.token('alice'), headers: { 'X-Peer-Auth-Token': peerToken }, body: { protection_group: { name: 'down', replication_type: 'sync' } } });
    assert.equal(r.status, 503, r.text);
    assert.match(r.body.error.message, /site-b/);
  } finally {
    await peer.site.faults.set('keystone', { down: false });
  }
  assert.equal((await trusts(h.site, await h.token('admin'))).length, before);
});

test('list, show, update and isolation between projects', async () => {
  const alice = await h.token('alice');
  const list = await h.call<{ protection_groups: Pg[] }>('GET', `/v1/${demo}/protection-groups`, { token: await h.token('bob') });
  assert.equal(list.status, 200);
  const web = list.body.protection_groups.find((p) => p.name === 'web')!;
  assert.ok(web);
  const page = await h.call<{ protection_groups: Pg[]; protection_groups_links?: unknown[] }>('GET', `/v1/${demo}/protection-groups?limit=1`, { token: alice });
  assert.equal(page.body.protection_groups.length, 1);
  assert.equal((await h.call('GET', `/v1/${demo}/protection-groups/${web.id}`, { token: alice })).status, 200);

  const carol = await h.token('carol');
  assert.equal((await h.call('GET', `/v1/${h.projects.other}/protection-groups/${web.id}`, { token: carol })).status, 404);
  assert.equal((await h.call('PUT', `/v1/${h.projects.other}/protection-groups/${web.id}`, { token: carol, body: { protection_group: { name: 'mine' } } })).status, 404);
  assert.equal((await h.call('DELETE', `/v1/${h.projects.other}/protection-groups/${web.id}`, { token: carol })).status, 404);
  const mismatch = await h.call<Err>('GET', `/v1/${demo}/protection-groups`, { token: carol });
  assert.equal(mismatch.status, 400);
  assert.match(mismatch.body.error.message, new RegExp(`Malformed request URL: URL's project_id '${demo}' doesn't match Context's project_id '${h.projects.other}'`));
  assert.equal((await h.call('GET', `/v1/${demo}/protection-groups/${web.id}`, { token: await h.token('admin') })).status, 200, 'admin may name any project');
  const bobPut = await h.call<Err>('PUT', `/v1/${demo}/protection-groups/${web.id}`, { token: await h.token('bob'), body: { protection_group: { name: 'x' } } });
  assert.equal(bobPut.status, 403);
  assert.match(bobPut.body.error.message, /protector:protection_groups:update/);

  // Freshly created, the PG is out_of_sync until version 1 has reached the peer: changes wait.
  const early = await h.call<Err>('PUT', `/v1/${demo}/protection-groups/${web.id}`, { token: alice, body: { protection_group: { description: 'new' } } });
  assert.equal(early.status, 409);
  assert.match(early.body.error.message, /out_of_sync at metadata version 1/);
  const ack = await h.call('POST', `/v1/${demo}/protection-groups/${web.id}/metadata/ack`, { token: alice, body: { version: 1 } });
  assert.equal(ack.status, 200, ack.text);
  const upd = await h.call<{ protection_group: Pg }>('PUT', `/v1/${demo}/protection-groups/${web.id}`, { token: alice, body: { protection_group: { description: 'new' } } });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.body.protection_group.metadata_version, 2);
  assert.equal(upd.body.protection_group.sync_state, 'out_of_sync');
  const again = await h.call<Err>('PUT', `/v1/${demo}/protection-groups/${web.id}`, { token: alice, body: { protection_group: { description: 'newer' } } });
  assert.equal(again.status, 409);
  const empty = await h.call<Err>('PUT', `/v1/${demo}/protection-groups/${web.id}`, { token: alice, body: { protection_group: {} } });
  assert.equal(empty.status, 400);
});

test('delete: busy PG → 409, then a pg_delete operation and status deleting', async () => {
  const alice = await h.token('alice');
  const r = await createPg(h, 'db');
  assert.equal(r.status, 202, r.text);
  const id = r.body.protection_group.id;
  await h.call('POST', `/v1/${demo}/protection-groups/${id}/metadata/ack`, { token: alice, body: { version: 1 } });
  const busy = await h.call<Err>('DELETE', `/v1/${demo}/protection-groups/${id}`, { token: alice });
  assert.equal(busy.status, 409, 'the pg_create operation still holds the PG');
  assert.match(busy.body.error.message, new RegExp(r.body.operation.id));
  const cancel = await h.call('POST', `/v1/${demo}/operations/${r.body.operation.id}/cancel`, { token: alice });
  assert.equal(cancel.status, 200, cancel.text);
  const del = await h.call<Created>('DELETE', `/v1/${demo}/protection-groups/${id}`, { token: alice });
  assert.equal(del.status, 202, del.text);
  assert.equal(del.body.operation.type, 'pg_delete');
  assert.equal(del.body.protection_group.status, 'deleting');
});

test('show: each read answers the row as it is now, whoever wrote it (the answer memo of the route)', async () => {
  const pg = (await createPg(h, 'memo')).body.protection_group;
  const path = `/v1/${demo}/protection-groups/${pg.id}`;
  const [alice, admin] = [await h.token('alice'), await h.token('admin')];
  const show = (token: string, query = '') => h.call<{ protection_group: Pg }>('GET', path + query, { token });
  const first = await show(alice);
  const again = await show(alice);
  assert.equal(again.text, first.text);
  assert.equal(again.headers.get('content-type'), first.headers.get('content-type'));
  assert.equal(again.headers.get('content-length'), first.headers.get('content-length'));
  // The same row with secrets asked for is another answer, and asking without them after it shows none.
  assert.ok((await show(admin, '?show_secrets=true')).text.includes('trust_id'));
  assert.ok(!(await show(admin)).text.includes('trust_id'));
  assert.ok(!(await show(alice)).text.includes('trust_id'));
  // The engine (another process) writes the row directly, updated_at untouched: the next read sees it.
  const row = await h.deps.db.selectFrom('protection_groups').selectAll().where('id', '=', pg.id).executeTakeFirstOrThrow();
  const resources = JSON.parse(row.resources) as { sites: Record<string, Record<string, string>> };
  for (const s of Object.values(resources.sites)) s.group_id = 'group-after-write';
  await h.deps.db.updateTable('protection_groups').set({ status: 'active', resources: JSON.stringify(resources) }).where('id', '=', pg.id).execute();
  const after = (await show(alice)).body.protection_group as Pg & { resources: { sites: Record<string, { group_id?: string }> } };
  assert.equal(after.status, 'active');
  assert.ok(Object.values(after.resources.sites).every((s) => s.group_id === 'group-after-write'), JSON.stringify(after.resources));
  assert.equal(after.metadata_version, pg.metadata_version);
  // A version bump alone, seen with and without secrets.
  await h.deps.db.updateTable('protection_groups').set({ metadata_version: pg.metadata_version + 1 }).where('id', '=', pg.id).execute();
  assert.equal((await show(alice)).body.protection_group.metadata_version, pg.metadata_version + 1);
  assert.equal((await show(admin, '?show_secrets=true')).body.protection_group.metadata_version, pg.metadata_version + 1);
  // Another project's caller still gets its 404 whatever was kept.
  const other = await h.call<Err>('GET', `/v1/${h.projects.other}/protection-groups/${pg.id}`, { token: await h.token('carol') });
  assert.equal(other.status, 404, other.text);
});
