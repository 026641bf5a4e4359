// Re-IP rules on the wire: a network mapping carries them (stored, answered in canonical text,
// absent when none); every wrong rule is a 400 naming its field, whether the shape is wrong (the
// schema) or the content (families, host bits, order: the contract's checks), in a mapping
// replace, in a pushed metadata document and in an action's mapping overrides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi } from '../helpers/api.js';
import { ack, activePg } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
const peer = h.peer!;
const demo = h.projects.demo;
type Err = { error: { code: number; message: string } };
type Mappings = { resource_mappings: Record<string, unknown>[] };
const pgId = await activePg(h, 'reip');
const pgUrl = `/v1/${demo}/protection-groups/${pgId}`;
const net = (rules?: unknown) => ({ kind: 'network', source_site_id: peer.local.id, source_id: 'net-a', target_id: 'net-b', ...(rules === undefined ? {} : { reip_rules: rules }) });

test('a network mapping with rules is stored and answered in canonical text; without rules it answers as before', async () => {
  const alice = await h.token('alice');
  const rules = [
    { source_cidr: '10.20.1.0/24', target_cidr: '10.40.0.0/24' },
    { source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20', gateway_ip: '10.30.0.1', dns_nameservers: ['10.30.0.53', '10.30.0.54'] },
    { source_cidr: '2001:DB8:1::/64', target_cidr: '2001:db8:2:0::/64', gateway_ip: '2001:db8:2::1' },
  ];
  const put = await h.call<Mappings>('PUT', `${pgUrl}/resource-mappings`, { token: alice, body: { resource_mappings: [net(rules), { kind: 'flavor', source_site_id: peer.local.id, source_id: 'f1', target_id: 'f2' }] } });
  assert.equal(put.status, 200, put.text);
  const shown = await h.call<Mappings>('GET', `${pgUrl}/resource-mappings`, { token: await h.token('bob') });
  const network = shown.body.resource_mappings.find((m) => m.kind === 'network')!;
  assert.deepEqual(network.reip_rules, [rules[0], rules[1], { source_cidr: '2001:db8:1::/64', target_cidr: '2001:db8:2::/64', gateway_ip: '2001:db8:2::1' }]);
  assert.equal('reip_rules' in shown.body.resource_mappings.find((m) => m.kind === 'flavor')!, false);
  await ack(h, pgId);
  // An empty list is no rules.
  const none = await h.call<Mappings>('PUT', `${pgUrl}/resource-mappings`, { token: alice, body: { resource_mappings: [net([])] } });
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.body.resource_mappings, [{ kind: 'network', source_site_id: peer.local.id, source_id: 'net-a', target_id: 'net-b' }]);
  await ack(h, pgId);
});

test('wrong rules are 400s naming the field, and nothing is stored', async () => {
  const alice = await h.token('alice');
  const before = await h.call<Mappings>('GET', `${pgUrl}/resource-mappings`, { token: alice });
  const cases: [unknown, string, RegExp][] = [
    [[{ source_cidr: 'ten/8', target_cidr: '10.30.0.0/20' }], 'resource_mappings.0.reip_rules.0.source_cidr', /Must match pattern/],
    [[{ source_cidr: '10.20.0.0/20' }], 'resource_mappings.0.reip_rules.0.target_cidr', /Required and missing/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20', gw: '10.30.0.1' }], 'resource_mappings.0.reip_rules.0.gw', /Additional properties/],
    [[{ source_cidr: '10.20.0.9/20', target_cidr: '10.30.0.0/20' }], 'resource_mappings.0.reip_rules.0.source_cidr', /host bits set: the network is 10\.20\.0\.0\/20/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '2001:db8::/64' }], 'resource_mappings.0.reip_rules.0.target_cidr', /both must be of one IP version/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20', gateway_ip: '2001:db8::1' }], 'resource_mappings.0.reip_rules.0.gateway_ip', /is an IPv6 address; the rule's networks are IPv4/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20', dns_nameservers: ['10.30.0.53', '10.30.0.53'] }], 'resource_mappings.0.reip_rules.0.dns_nameservers.1', /named twice/],
    [[{ source_cidr: '10.0.0.0/8', target_cidr: '10.30.0.0/20' }, { source_cidr: '10.20.0.0/20', target_cidr: '10.40.0.0/20' }], 'resource_mappings.0.reip_rules.1.source_cidr', /never applies/],
  ];
  for (const [rules, field, reason] of cases) {
    const r = await h.call<Err>('PUT', `${pgUrl}/resource-mappings`, { token: alice, body: { resource_mappings: [net(rules)] } });
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.ok(r.body.error.message.startsWith(`Invalid input for field/attribute ${field}.`), r.body.error.message);
    assert.match(r.body.error.message, reason);
  }
  const onFlavor = await h.call<Err>('PUT', `${pgUrl}/resource-mappings`, { token: alice, body: { resource_mappings: [{ kind: 'flavor', source_site_id: peer.local.id, source_id: 'f1', target_id: 'f2', reip_rules: [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20' }] }] } });
  assert.equal(onFlavor.status, 400);
  assert.match(onFlavor.body.error.message, /resource_mappings\.0\.reip_rules\. Only network mappings carry re-IP rules/);
  assert.deepEqual((await h.call<Mappings>('GET', `${pgUrl}/resource-mappings`, { token: alice })).body, before.body, 'nothing changed');
  const status = await h.call<{ sync_status: { sync_state: string } }>('GET', `${pgUrl}/sync-status`, { token: alice });
  assert.equal(status.body.sync_status.sync_state, 'in_sync', 'a refused change bumps no version');
});

test("an action's network override is checked the same way, before anything is run", async () => {
  const alice = await h.token('alice');
  const bad = await h.call<Err>('POST', `${pgUrl}/action`, {
    token: alice,
    body: { test_failover: { dry_run: true, mappings: [{ kind: 'network', source_id: 'net-a', target_id: 'net-b', reip_rules: [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.1/20' }] }] } },
  });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.body.error.message, /^Invalid input for field\/attribute test_failover\.mappings\.0\.reip_rules\.0\.target_cidr\. '10\.30\.0\.1\/20' has host bits set/);
  const bulk = await h.call<Err>('POST', `/v1/${demo}/actions`, {
    token: alice,
    body: { protection_groups: [pgId], failover: { type: 'planned', dry_run: true, mappings: [{ kind: 'subnet', source_id: 's-a', target_id: 's-b', reip_rules: [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20' }] }] } },
  });
  assert.equal(bulk.status, 400, bulk.text);
  assert.match(bulk.body.error.message, /failover\.mappings\.0\.reip_rules\. Only network mappings/);
});

test('a pushed metadata document carries the rules: checked as a replace is, stored, handed out again', async () => {
  const alice = await h.token('alice');
  type Meta = { metadata: { version: number; document: { resource_mappings: Record<string, unknown>[] } } };
  const got = await h.call<Meta>('GET', `${pgUrl}/metadata`, { token: alice });
  assert.equal(got.status, 200, got.text);
  const { version, document } = got.body.metadata;
  const push = (rules: unknown) => h.call<Err & Meta>('PUT', `${pgUrl}/metadata`, { token: alice, body: { metadata: { expected_version: version, version: version + 1, document: { ...document, resource_mappings: [net(rules)] } } } });
  const bad = await push([{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20', dns_nameservers: ['2001:db8::53'] }]);
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.body.error.message, /metadata\.document\.resource_mappings\.0\.reip_rules\.0\.dns_nameservers\.0\. 2001:db8::53 is an IPv6 address/);
  const good = await push([{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20' }]);
  assert.equal(good.status, 200, good.text);
  assert.deepEqual(good.body.metadata.document.resource_mappings[0]!.reip_rules, [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20' }]);
});
