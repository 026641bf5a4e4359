// The tenant boundary, tried as an attacker would (issue [6]): a member of project tenant-b takes
// the metadata document of its own PG and pushes it to either site with project demo's array
// construct, members or trust in it. Every push is refused with 409 and changes nothing; B's
// recovery points, health, drill and delete never touch A's objects; A's PG stays healthy and
// deletable. Two sites, each with its own protector-api and database, paired for real.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createSiteClients } from '@protector/openstack';
import type { MetadataDocument } from '../../src/metadata/document.js';
import { seal, sign } from '../../src/metadata/signing.js';
import { replicationGroupName } from '../../src/storage/index.js';
import { createWorkflowContext } from '../../src/engine/context.js';
import { expectStatus, protectedPg, runOp } from '../helpers/dr.js';
import { refreshReplicationState } from '../helpers/recorded-pgs.js';
import { startSiteApis } from '../helpers/two-site-apis.js';
import { MALLORY, startTwoSites } from '../helpers/two-sites.js';

const PAIRING = 'tenant-boundary-pairing-secret-0123456789abcdef';
const t = await startTwoSites();
const apis = await startSiteApis(t, PAIRING);
after(async () => {
  await apis.a.close();
  await apis.b.close();
  await t.close();
});

type Err = { error: { code: number; message: string } };
type Meta = { metadata: { version: number; sync_state: string; document: MetadataDocument } };
type OpAnswer = { operation: { id: string } };

/** A server of mallory's in tenant-b on site-a, booted from a replicated volume, without networks. */
async function mallorysServer(name: string): Promise<string> {
  const c = createSiteClients({
    authUrl: `${t.a.url('keystone')}/v3`,
    credentials: { type: 'password', username: MALLORY.name, password: MALLORY.password, userDomainName: 'Default', scope: { projectName: 'tenant-b', projectDomainName: 'Default' } },
  });
  const vol = await c.cinder.createVolume({ size: 1, volume_type: 'replicated-async', name: `${name}-root` });
  await c.cinder.waitForVolumeStatus(vol.id, 'available', { intervalMs: 50, timeoutMs: 10_000 });
  const flavor = await c.nova.findFlavorByName('m1.tiny');
  assert.ok(flavor);
  const { id } = await c.nova.createServer({ name, flavorRef: flavor.id, networks: 'none', block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', uuid: vol.id, boot_index: 0 }] });
  await c.nova.waitForServerStatus(id, 'ACTIVE', { intervalMs: 50, timeoutMs: 10_000 });
  return id;
}

/** Runs the operation an API call recorded with that site's engine; it must complete. */
async function finish(site: 'a' | 'b', answer: { status: number; text: string; body: OpAnswer }): Promise<void> {
  assert.equal(answer.status, 202, answer.text);
  const p = site === 'a' ? t.atA : t.atB;
  await p.run(answer.body.operation.id);
  await expectStatus(p, (await p.ops.get(answer.body.operation.id))!, 'completed');
}

/** What each site holds of a PG: the row and its members, to prove a refused push changed nothing. */
async function snapshotOf(pgId: string) {
  const at = async (p: typeof t.atA) => ({ pg: await p.pgs.get(pgId), members: await p.pgs.members(pgId), policy: await p.pgs.policy(pgId), mappings: await p.pgs.mappings(pgId) });
  return { a: await at(t.atA), b: await at(t.atB) };
}

test('a tenant cannot forge another project\'s array, members or trust into its document; its own objects never reach the other project\'s', { timeout: 240_000 }, async () => {
  // Project demo (alice): a protected PG with a member, replicated, known on both sites.
  const { pg: pgA, servers: serversA } = await protectedPg(t, { name: 'victim', servers: { 'a-db': 0 } });
  const arrayA = replicationGroupName(pgA.id);
  assert.equal(pgA.resources.array?.name, arrayA);
  const memberA = (await t.atA.pgs.members(pgA.id))[0]!;
  const trustA = pgA.resources.sites[t.siteB.id]?.trust_id;
  assert.ok(trustA);

  // Project tenant-b (mallory): its own PG through the API, a member, a recovery point, pushed to site-b as the CLI does.
  const tbA = apis.a.project('tenant-b');
  const tbB = apis.b.project('tenant-b');
  const mA = await apis.a.token('mallory');
  const mB = await apis.b.token('mallory');
  const created = await apis.a.call<OpAnswer & { protection_group: { id: string } }>('POST', `/v1/${tbA}/protection-groups`, {
    token: mA,
    headers: { 'X-Peer-Auth-Token': mB },
    body: { protection_group: { name: 'intruder', replication_type: 'async' } },
  });
  await finish('a', created);
  const pgB = created.body.protection_group.id;
  const urlA = `/v1/${tbA}/protection-groups/${pgB}`;
  const urlB = `/v1/${tbB}/protection-groups/${pgB}`;
  const ack = async () => {
    const v = (await t.atA.pgs.get(pgB))!.metadata_version;
    assert.equal((await apis.a.call('POST', `${urlA}/metadata/ack`, { token: mA, body: { version: v } })).status, 200);
  };
  await ack();
  await finish('a', await apis.a.call<OpAnswer>('POST', `${urlA}/members`, { token: mA, body: { member: { server_id: await mallorysServer('b-app'), boot_order: 0 } } }));
  await runOp(t.atA, (await t.atA.pgs.get(pgB))!, 'replicate');
  const own = await apis.a.call<Meta>('GET', `${urlA}/metadata`, { token: mA });
  assert.equal(own.status, 200, own.text);
  const doc = own.body.metadata.document;
  assert.equal(doc.facts.signed_by, 'site-a');
  assert.match(doc.signature ?? '', /^hmac-sha256:[0-9a-f]{64}$/);
  assert.doesNotMatch(own.text, new RegExp(trustA), 'no trust id in the clear');
  const first = await apis.b.call<Meta>('PUT', `${urlB}/metadata`, { token: mB, body: { metadata: { expected_version: 0, version: own.body.metadata.version, document: doc } } });
  assert.equal(first.status, 200, first.text);
  await ack();
  const v = own.body.metadata.version;
  assert.equal((await t.atB.pgs.get(pgB))?.resources.sites[t.atB.siteA.id]?.trust_id, (await t.atA.pgs.get(pgB))?.resources.sites[t.siteA.id]?.trust_id, 'site-b learned the trusts from the sealed facts');

  // The forgeries, each pushed to both sites as the next version.
  const forgeries: [string, MetadataDocument, RegExp][] = [
    ["A's array construct", { ...doc, facts: { ...doc.facts, resources: { ...doc.facts.resources, array: { ...doc.facts.resources.array!, name: arrayA } } } }, /signature over its site facts does not verify/],
    [
      "A's member, with its recorded volumes",
      { ...doc, members: [...doc.members, { server_id: memberA.server_id, name: memberA.name, boot_order: 0 }], facts: { ...doc.facts, members: { ...doc.facts.members, [memberA.server_id]: memberA.details } } },
      /signature over its site facts does not verify/,
    ],
    ["A's member in the member list only", { ...doc, members: [...doc.members, { server_id: memberA.server_id, name: memberA.name, boot_order: 0 }] }, /member .* is not among the members site-a recorded/],
    ["A's trust id, sealed under a guessed secret", { ...doc, facts: { ...doc.facts, trusts: seal('a-guessed-secret-that-is-long-enough-000', { [t.siteB.id]: trustA }) } }, /signature over its site facts does not verify/],
    [
      "A's trust id in the clear",
      { ...doc, facts: { ...doc.facts, resources: { ...doc.facts.resources, sites: { ...doc.facts.resources.sites, [t.siteB.id]: { ...doc.facts.resources.sites[t.siteB.id], trust_id: trustA } } } } } as MetadataDocument,
      /trust ids only travel sealed/,
    ],
    ["A's array, re-signed under a guessed secret", (() => {
      const d = { ...doc, facts: { ...doc.facts, resources: { ...doc.facts.resources, array: { ...doc.facts.resources.array!, name: arrayA } } } };
      return { ...d, signature: sign('a-guessed-secret-that-is-long-enough-000', { pg_id: d.protection_group.id, replication_type: d.protection_group.replication_type, sites: d.sites, facts: d.facts }) };
    })(), /signature over its site facts does not verify/],
    ["project demo's facts claimed for tenant-b", { ...doc, facts: { ...doc.facts, project_id: pgA.project_id } }, /signature over its site facts does not verify/],
    ['no signature', { ...doc, signature: null }, /facts are not signed/],
  ];
  const before = await snapshotOf(pgB);
  const victimBefore = await snapshotOf(pgA.id);
  for (const [what, forged, reason] of forgeries) {
    for (const [api, url, token] of [[apis.b, urlB, mB], [apis.a, urlA, mA]] as const) {
      const r = await api.call<Err>('PUT', `${url}/metadata`, { token, body: { metadata: { expected_version: v, version: v + 1, document: forged } } });
      assert.equal(r.status, 409, `${what}: ${r.text}`);
      assert.match(r.body.error.message, /^The metadata document for protection group .* was refused: /, what);
      assert.match(r.body.error.message, reason, what);
    }
  }
  // A first push of a PG unknown here, carrying A's construct: refused too, and nothing is created.
  const fresh = '0b5e7a1c-0000-4000-8000-000000000001';
  const planted = { ...doc, protection_group: { ...doc.protection_group, id: fresh }, facts: { ...doc.facts, resources: { ...doc.facts.resources, array: { ...doc.facts.resources.array!, name: arrayA } } } };
  const plant = await apis.b.call<Err>('PUT', `/v1/${tbB}/protection-groups/${fresh}/metadata`, { token: mB, body: { metadata: { expected_version: 0, version: 1, document: planted } } });
  assert.equal(plant.status, 409, plant.text);
  assert.equal(await t.atB.pgs.get(fresh), undefined);
  // Its own document pushed onto A's PG id: not the PG the document is for.
  const onto = await apis.b.call<Err>('PUT', `/v1/${tbB}/protection-groups/${pgA.id}/metadata`, { token: mB, body: { metadata: { expected_version: v, version: v + 1, document: doc } } });
  assert.equal(onto.status, 409);
  assert.match(onto.body.error.message, /the document is for protection group/);
  assert.deepEqual(await snapshotOf(pgB), before, "tenant-b's PG is unchanged on both sites");
  assert.deepEqual(await snapshotOf(pgA.id), victimBefore, "demo's PG is unchanged on both sites");

  // B's reads and work stay in B's objects.
  const points = await apis.a.call<{ recovery_points: { id: string }[] }>('GET', `${urlA}/recovery-points`, { token: mA });
  assert.equal(points.status, 200, points.text);
  assert.ok(points.body.recovery_points.length > 0);
  assert.ok(points.body.recovery_points.every((p) => p.id.includes(replicationGroupName(pgB)) && !p.id.includes(arrayA)), JSON.stringify(points.body));
  const health = await apis.a.call<{ health: { protection_group_id: string }[] }>('GET', `/v1/${tbA}/health`, { token: mA });
  assert.deepEqual(health.body.health.map((h) => h.protection_group_id), [pgB]);
  const arrayVolumesA = t.a.arrays.listVolumes('site-a-array').filter((x) => serversA.some((s) => x.name.includes(s.volumeId))).map((x) => x.name);
  assert.ok(arrayVolumesA.length > 0);
  const siteBVolumes = () => t.b.arrays.listVolumes('site-b-array').length;
  const drill = await apis.b.call<OpAnswer>('POST', `${urlB}/action`, { token: mB, body: { test_failover: {} } });
  await finish('b', drill);
  const onB = (await t.atB.pgs.get(pgB))!;
  const restored = Object.keys(onB.resources.drill?.array_volumes ?? {});
  assert.equal(restored.length, 1, 'one volume restored: tenant-b\'s');
  assert.ok(!restored.some((id) => serversA.some((s) => s.volumeId === id)), 'none of demo\'s volumes');
  const withDrill = siteBVolumes();
  const pushB = async () => {
    const m = await apis.b.call<Meta>('GET', `${urlB}/metadata`, { token: mB });
    const held = (await t.atA.pgs.get(pgB))!.metadata_version;
    const r = await apis.a.call('PUT', `${urlA}/metadata`, { token: mA, body: { metadata: { expected_version: held, version: m.body.metadata.version, document: m.body.metadata.document } } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await apis.b.call('POST', `${urlB}/metadata/ack`, { token: mB, body: { version: m.body.metadata.version } })).status, 200);
  };
  await pushB(); // a document signed by site-b is accepted on site-a
  await finish('b', await apis.b.call<OpAnswer>('POST', `${urlB}/action`, { token: mB, body: { test_cleanup: {} } }));
  assert.ok(siteBVolumes() < withDrill, 'the drill copy is gone');
  await pushB();
  await finish('a', await apis.a.call<OpAnswer>('DELETE', urlA, { token: mA }));
  assert.equal(await t.atA.pgs.get(pgB), undefined);

  // demo's PG: its array construct and volumes untouched, healthy, and it deletes cleanly.
  assert.ok(t.a.arrays.listProtectionGroups('site-a-array').some((g) => g.name === arrayA), "demo's protection group is still on site-a-array");
  assert.deepEqual(t.a.arrays.listVolumes('site-a-array').filter((x) => arrayVolumesA.includes(x.name)).map((x) => x.name), arrayVolumesA);
  // Health answers from the state the engine records: one refresh, as protector-engine does every interval.
  await refreshReplicationState(t.atA);
  const healthA = await apis.a.call<{ health: { protection_group_id: string; failover_ready: boolean; reasons: unknown[] }[] }>('GET', `/v1/${apis.a.project('demo')}/health`, { token: await apis.a.token('alice') });
  const mine = healthA.body.health.find((h) => h.protection_group_id === pgA.id);
  assert.ok(mine?.failover_ready, JSON.stringify(healthA.body));
  await runOp(t.atA, (await t.atA.pgs.get(pgA.id))!, 'pg_delete');
  assert.ok(!t.a.arrays.listProtectionGroups('site-a-array').some((g) => g.name === arrayA), "demo's PG deleted its own construct");
});

test("the engine refuses a trust that acts in another project, however it reached the database", { timeout: 60_000 }, async () => {
  const { pg } = await protectedPg(t, { name: 'trusting', servers: {} });
  // mallory's trust on site-b, for tenant-b: a real trust, of the wrong project.
  const c = createSiteClients({
    authUrl: `${t.b.url('keystone')}/v3`,
    credentials: { type: 'password', username: MALLORY.name, password: MALLORY.password, userDomainName: 'Default', scope: { projectName: 'tenant-b', projectDomainName: 'Default' } },
  });
  const me = await c.session.auth();
  const trustee = t.b.keystone.findUser('protector', 'default')!;
  const trust = await c.keystone.createTrust({ trustorUserId: me.userId, trusteeUserId: trustee.id, projectId: me.projectId!, roles: me.roles, impersonation: true });
  const forged = { ...pg, resources: { ...pg.resources, sites: { ...pg.resources.sites, [t.siteB.id]: { ...pg.resources.sites[t.siteB.id], trust_id: trust.id } } } };
  const ctx = createWorkflowContext(t.atA.deps);
  await assert.rejects(ctx.clientsFor(t.siteB.id, { asTenantOf: forged }), /trust of protection group .* on site site-b acts in project .*, not in .*; refusing to use it/);
  // The PG's own trust is accepted.
  await ctx.clientsFor(t.siteB.id, { asTenantOf: pg });
});
