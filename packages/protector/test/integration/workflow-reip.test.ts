// Re-IP rules for real on two cloudsim sites: site-a's demo-net is 10.20.0.0/20, site-b's
// demo-net 10.30.0.0/20, mapped with a rule and no subnet mapping. A planned failover gives each
// port the rule's address (the same host offset, the next free one where that is taken) and
// reports it per server; failback applies the rule reversed; a drill's isolated network gets
// the same addresses; and rules that cannot be satisfied are each reported by the pre-check.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ReipRule } from '@protector/contract';
import type { ProtectionGroup, ResourceMapping } from '../../src/db/protection-groups.js';
import { createWorkflowContext } from '../../src/engine/context.js';
import { ALL_CHECKS, runPrechecks } from '../../src/engine/prechecks/index.js';
import type { ServerAddresses } from '../../src/engine/reip/report.js';
import { protectedPg, runOp } from '../helpers/dr.js';
import { startTwoSites, type SiteProtector } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());

// The upper half of site-b's subnet, so a rule's address is never what Neutron would pick anyway.
const RULE: ReipRule = { source_cidr: '10.20.0.0/20', target_cidr: '10.30.8.0/21', gateway_ip: '10.30.0.1', dns_nameservers: ['10.30.0.53'] };

const toInt = (ip: string): number => ip.split('.').reduce((n, x) => n * 256 + Number(x), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
/** The address at the same host offset from `from` in `to`. */
const offsetIn = (ip: string, from: string, to: string): string => toIp(toInt(to) + toInt(ip) - toInt(from));
const next = (ip: string): string => toIp(toInt(ip) + 1);

/** Maps the PG's demo-net (site-a) to site-b's demo-net with `rules` and no subnet mapping, on both sites. */
async function reipMappings(pg: ProtectionGroup, rules: ReipRule[]): Promise<void> {
  const a = t.alice('a');
  const b = t.alice('b');
  const [netA] = await a.neutron.listNetworks({ name: 'demo-net' });
  const [netB] = await b.neutron.listNetworks({ name: 'demo-net' });
  const [sgA] = await a.neutron.listSecurityGroups({ name: 'default' });
  const [sgB] = await b.neutron.listSecurityGroups({ name: 'default' });
  assert.ok(netA && netB && sgA && sgB);
  const mappings: ResourceMapping[] = [
    { kind: 'network', source_site_id: t.siteA.id, source_id: netA.id, target_id: netB.id, reip_rules: rules },
    { kind: 'security_group', source_site_id: t.siteA.id, source_id: sgA.id, target_id: sgB.id },
  ];
  await t.pgs.replaceMappings(pg.id, mappings);
  await t.push(pg.id, 'a');
}

const addressOf = async (p: SiteProtector, pg: ProtectionGroup, name: string): Promise<string> => {
  const m = (await p.pgs.members(pg.id)).find((x) => x.name === name);
  const ip = m?.details.ports[0]?.fixed_ips[0]?.ip_address;
  assert.ok(ip, `${name} has an address`);
  return ip;
};
const portIps = async (which: 'a' | 'b', serverId: string): Promise<string[]> => (await t.alice(which).neutron.listPorts({ device_id: serverId })).flatMap((p) => p.fixed_ips.map((f) => f.ip_address));

test('planned failover re-IPs by the rule (same offset; the next free one where taken), reports every address per server; failback applies the rule reversed', { timeout: 180_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'reip-planned', servers: { 'db-1': 0, 'web-1': 1 } });
  await reipMappings(pg, [RULE]);
  const dbA = await addressOf(t.atA, pg, 'db-1');
  const webA = await addressOf(t.atA, pg, 'web-1');
  // Someone on site-b already holds web-1's counterpart.
  const [netB] = await t.alice('b').neutron.listNetworks({ name: 'demo-net' });
  const [dbB0, webB0] = [offsetIn(dbA, '10.20.0.0', '10.30.8.0'), offsetIn(webA, '10.20.0.0', '10.30.8.0')];
  const squatter = await t.alice('b').neutron.createPort({ network_id: netB!.id, name: 'squatter', fixed_ips: [{ ip_address: webB0 }] });

  // The pre-check: nothing blocks (no subnet mapping is needed), the DNS servers differ from the subnet's (a warning).
  const dry = await runPrechecks(createWorkflowContext(t.atB.deps), { action: 'planned_failover', pg: (await t.atB.pgs.get(pg.id))! }, ALL_CHECKS);
  assert.deepEqual(dry.blockers, [], dry.report);
  assert.deepEqual(dry.warnings.map((w) => w.code), ['reip_dns_differs'], dry.report);
  assert.match(dry.warnings[0]!.message, /re-IP rule 10\.20\.0\.0\/20 -> 10\.30\.8\.0\/21 of protection group reip-planned names DNS servers 10\.30\.0\.53, but subnet .* hands out no DNS servers/);

  const op = await runOp(t.atB, pg, 'failover', { type: 'planned' });
  const dbB = (await t.atB.pgs.members(pg.id)).find((m) => m.name === 'db-1')!;
  const webB = (await t.atB.pgs.members(pg.id)).find((m) => m.name === 'web-1')!;
  assert.deepEqual(await portIps('b', dbB.server_id), [dbB0], 'same host offset in the target CIDR');
  assert.deepEqual(await portIps('b', webB.server_id), [next(webB0)], 'the counterpart was taken: the next free one');
  assert.equal(dbB.details.ports[0]?.fixed_ips[0]?.ip_address, dbB0, 'the member records its new address');

  // The operation's result names every address per server: from, to, and the rule that gave it.
  const ports = op.result.create_ports as { vm_addresses: ServerAddresses[]; new_addresses: number };
  assert.equal(ports.new_addresses, 2);
  const rows = ports.vm_addresses.map((s) => [s.server, s.addresses.map((a) => [a.from, a.to, a.via, a.rule?.index, a.rule?.target_cidr])]);
  assert.deepEqual(rows, [
    ['db-1', [[dbA, dbB0, 're_ip', 0, '10.30.8.0/21']]],
    ['web-1', [[webA, next(webB0), 're_ip', 0, '10.30.8.0/21']]],
  ]);
  assert.deepEqual(ports.vm_addresses.map((s) => s.server_id), servers.map((x) => x.serverId), 'each server named by its id on the source');

  // Failback: the mapping stored for site-a serves the way back with its rule reversed (same offset back).
  await t.alice('b').neutron.deletePort(squatter.id);
  await t.push(pg.id, 'b');
  const back = await runOp(t.atA, pg, 'failback');
  const home = await t.atA.pgs.members(pg.id);
  assert.deepEqual(await portIps('a', home.find((m) => m.name === 'db-1')!.server_id), [dbA], 'db-1 is home at its old address');
  assert.deepEqual(await portIps('a', home.find((m) => m.name === 'web-1')!.server_id), [next(webA)], 'web-1 at the offset it had on site-b');
  const returned = (back.result.create_ports as { vm_addresses: ServerAddresses[] }).vm_addresses;
  assert.deepEqual(returned.map((s) => s.addresses.map((a) => [a.via, a.rule?.source_cidr, a.rule?.target_cidr])), [[['re_ip', '10.30.8.0/21', '10.20.0.0/20']], [['re_ip', '10.30.8.0/21', '10.20.0.0/20']]]);
  assert.equal(returned[0]!.addresses[0]!.rule?.gateway_ip, undefined, 'gateway and DNS describe the other side: not reversed');
});

test('a drill on the isolated network gives the addresses a failover would; cleanup removes them', { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'reip-drill', servers: { 'app-1': 0 } });
  await reipMappings(pg, [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20' }]);
  const ip = await addressOf(t.atA, pg, 'app-1');
  const drill = await runOp(t.atB, pg, 'test_failover');
  const rec = (await t.atB.pgs.get(pg.id))!.resources.drill!;
  const drillServer = rec.servers[servers[0]!.serverId]!;
  const there = offsetIn(ip, '10.20.0.0', '10.30.0.0');
  assert.deepEqual(await portIps('b', drillServer), [there], 'the rule\'s address, not the first of the empty network');
  const subnet = (await t.alice('b').neutron.listSubnets({ network_id: rec.networks[0]! }))[0];
  assert.equal(subnet?.cidr, '10.30.0.0/20', "the isolated network copies the target subnet the rule's addresses are in");
  assert.notEqual(there, '10.30.0.1');
  const rows = (drill.result.create_ports as { vm_addresses: ServerAddresses[] }).vm_addresses;
  assert.deepEqual(rows.map((s) => [s.server, s.addresses.map((a) => [a.from, a.to, a.via])]), [['app-1', [[ip, there, 're_ip']]]]);
  await t.push(pg.id, 'b');
  await runOp(t.atB, pg, 'test_cleanup');
  assert.equal((await t.alice('b').neutron.listNetworks()).some((n) => n.id === rec.networks[0]), false);
});

test('rules that cannot be satisfied: each problem reported at once, naming the PG, the server and the port; nothing changes', { timeout: 120_000 }, async () => {
  const { pg } = await protectedPg(t, { name: 'reip-broken', servers: { 's-1': 0, 's-2': 0, 's-3': 0, 's-4': 0 } });
  const ip = Object.fromEntries(await Promise.all(['s-1', 's-2', 's-3', 's-4'].map(async (n) => [n, await addressOf(t.atA, pg, n)] as const)));
  // s-1: a target network with no subnet there; s-2 and s-3: one target address for both; s-4: no rule at all.
  await reipMappings(pg, [
    { source_cidr: `${ip['s-1']}/32`, target_cidr: '10.99.0.0/24' },
    { source_cidr: `${ip['s-2']}/32`, target_cidr: '10.30.0.2/32', gateway_ip: '10.30.0.2' },
    { source_cidr: `${ip['s-3']}/32`, target_cidr: '10.30.0.2/32' },
  ]);
  const before = (await t.atB.pgs.get(pg.id))!;
  const r = await runPrechecks(createWorkflowContext(t.atB.deps), { action: 'planned_failover', pg: before }, ALL_CHECKS);
  assert.equal(r.ok, false);
  const reip = r.blockers.filter((f) => f.check === 'reip');
  assert.deepEqual(reip.map((f) => f.code).sort(), ['reip_exhausted', 'reip_no_rule', 'reip_no_target_subnet']);
  const by = (code: string) => reip.find((f) => f.code === code)!.message;
  assert.match(by('reip_no_rule'), new RegExp(`server s-4 \\(\\S+\\) port \\S+ \\(${ip['s-4']!.replace(/\./g, '\\.')}\\) of protection group reip-broken: the address cannot be kept on network \\S+ of site site-b \\(none of its subnets contains it\\) and no re-IP rule`));
  assert.match(by('reip_no_target_subnet'), new RegExp(`re-IP rule ${ip['s-1']}/32 -> 10\\.99\\.0\\.0/24 of protection group reip-broken: no subnet of network \\S+ on site site-b lies in or around 10\\.99\\.0\\.0/24 \\(its subnets: 10\\.30\\.0\\.0/20\\); needed by server s-1`));
  assert.match(by('reip_exhausted'), new RegExp(`no free address left in 10\\.30\\.0\\.2/32 .* for 1 port\\(s\\): server s-3 \\(\\S+\\) port \\S+ \\(${ip['s-3']!.replace(/\./g, '\\.')}\\)`));
  // s-2 got .2, and the rule's gateway is not the subnet's: a warning, the subnet is left alone.
  assert.deepEqual(r.warnings.filter((w) => w.check === 'reip').map((w) => [w.code, w.detail.subnet_gateway_ip]), [['reip_gateway_differs', '10.30.0.1']]);
  // No subnet mapping was needed: the mapping check has nothing to say.
  assert.deepEqual(r.blockers.filter((f) => f.check === 'mappings'), []);
  const detail = reip.find((f) => f.code === 'reip_no_rule')!.detail;
  assert.equal(detail.server, 's-4');
  assert.equal(typeof detail.port_id, 'string');

  // Run for real, the failover stops at its pre-check and nothing changes.
  await runOp(t.atB, pg, 'failover', { type: 'planned' }, 'failed');
  const after = (await t.atB.pgs.get(pg.id))!;
  assert.equal(after.status, before.status);
  assert.equal(after.current_primary_site_id, t.atB.siteA.id);
});

test('without rules, as before them: the same address where free; one taken meanwhile makes Neutron pick (409 met, planned again), reported as allocated', { timeout: 120_000 }, async () => {
  // protectedPg maps demo-net to site-b's dr-net, same addressing (10.20.0.0/20), with a subnet mapping and no rules.
  const { pg } = await protectedPg(t, { name: 'reip-none', servers: { 'k-1': 0, 'k-2': 0 } });
  const [k1, k2] = [await addressOf(t.atA, pg, 'k-1'), await addressOf(t.atA, pg, 'k-2')];
  const [drNet] = await t.alice('b').neutron.listNetworks({ name: 'dr-net' });
  // Not listed first (a network without rules is not read for what is taken): the create meets the 409.
  await t.alice('b').neutron.createPort({ network_id: drNet!.id, name: 'squatter', fixed_ips: [{ ip_address: k2 }] });
  const op = await runOp(t.atB, pg, 'failover', { type: 'planned' });
  const rows = (op.result.create_ports as { vm_addresses: ServerAddresses[] }).vm_addresses.map((s) => [s.server, s.addresses.map((a) => [a.from, a.via, a.rule ?? null])]);
  assert.deepEqual(rows, [['k-1', [[k1, 'kept', null]]], ['k-2', [[k2, 'allocated', null]]]]);
  const members = await t.atB.pgs.members(pg.id);
  assert.deepEqual(await portIps('b', members.find((m) => m.name === 'k-1')!.server_id), [k1]);
  const moved = await portIps('b', members.find((m) => m.name === 'k-2')!.server_id);
  assert.equal(moved.length, 1);
  assert.notEqual(moved[0], k2);
});

test("a drill on the tenant's test network applies the rules against that network's subnets, pre-checked there too", { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'reip-testnet', servers: { 't-1': 0 } });
  const ip = await addressOf(t.atA, pg, 't-1');
  const [demoB] = await t.alice('b').neutron.listNetworks({ name: 'demo-net' });
  const [drNet] = await t.alice('b').neutron.listNetworks({ name: 'dr-net' });
  // Mapped to dr-net (which would keep the address), drilled on site-b's demo-net (10.30.0.0/20), which cannot.
  const [netA] = await t.alice('a').neutron.listNetworks({ name: 'demo-net' });
  const [sgA] = await t.alice('a').neutron.listSecurityGroups({ name: 'default' });
  const [sgB] = await t.alice('b').neutron.listSecurityGroups({ name: 'default' });
  const map = async (target: string) => {
    await t.pgs.replaceMappings(pg.id, [
      { kind: 'network', source_site_id: t.siteA.id, source_id: netA!.id, target_id: drNet!.id, reip_rules: [{ source_cidr: '10.20.0.0/20', target_cidr: target }] },
      { kind: 'security_group', source_site_id: t.siteA.id, source_id: sgA!.id, target_id: sgB!.id },
    ]);
    await t.push(pg.id, 'a');
  };
  await map('10.99.0.0/24');
  const on = async () => runPrechecks(createWorkflowContext(t.atB.deps), { action: 'test_failover', pg: (await t.atB.pgs.get(pg.id))!, testNetworkId: demoB!.id }, ALL_CHECKS);
  const bad = await on();
  assert.deepEqual(bad.blockers.map((f) => f.code), ['reip_no_target_subnet'], bad.report);
  assert.match(bad.blockers[0]!.message, new RegExp(`network ${demoB!.id} on site site-b .*its subnets: 10\\.30\\.0\\.0/20`));
  const isolated = await runPrechecks(createWorkflowContext(t.atB.deps), { action: 'test_failover', pg: (await t.atB.pgs.get(pg.id))! }, ALL_CHECKS);
  assert.deepEqual(isolated.blockers, [], 'on an isolated copy of dr-net the address is kept');

  await map('10.30.8.0/21');
  assert.deepEqual((await on()).blockers, []);
  await runOp(t.atB, pg, 'test_failover', { network_id: demoB!.id });
  const drillServer = (await t.atB.pgs.get(pg.id))!.resources.drill!.servers[servers[0]!.serverId]!;
  assert.deepEqual(await portIps('b', drillServer), [offsetIn(ip, '10.20.0.0', '10.30.8.0')]);
  await t.push(pg.id, 'b');
  await runOp(t.atB, pg, 'test_cleanup');
});

test("after an unplanned failover, failback's pre-check counts the old copies' addresses free (it removes them first): a mapping back onto exactly them passes", { timeout: 180_000 }, async () => {
  const { pg } = await protectedPg(t, { name: 'reip-back', servers: { 'h-1': 0 } });
  await reipMappings(pg, [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.8.0/21' }]);
  const home = await addressOf(t.atA, pg, 'h-1');
  const down = async (yes: boolean) => {
    await t.a.faults.set('all', { down: yes });
    t.a.arrays.setArrayDown('site-a-array', yes);
  };
  await down(true);
  try {
    await runOp(t.atB, pg, 'failover', { type: 'unplanned' });
  } finally {
    await down(false);
  }
  const away = await addressOf(t.atB, pg, 'h-1');
  assert.equal(away, offsetIn(home, '10.20.0.0', '10.30.8.0'));
  // The fenced old copy still holds `home` on site-a; a mapping stored from site-b sends h-1 back onto exactly that address.
  const stored = await t.atB.pgs.mappings(pg.id);
  const net = stored.find((m) => m.kind === 'network')!;
  const [netB] = await t.alice('b').neutron.listNetworks({ name: 'demo-net' });
  await t.atB.pgs.replaceMappings(pg.id, [...stored, { kind: 'network', source_site_id: t.atB.siteB.id, source_id: netB!.id, target_id: net.source_id, reip_rules: [{ source_cidr: `${away}/32`, target_cidr: `${home}/32` }] }]);
  await t.push(pg.id, 'b');
  const pgA = (await t.atA.pgs.get(pg.id))!;
  assert.ok(pgA.resources.leftovers?.fenced, 'the old copy is there, fenced');
  const r = await runPrechecks(createWorkflowContext(t.atA.deps), { action: 'failback', pg: pgA }, ALL_CHECKS);
  assert.deepEqual(r.blockers, [], r.report);
  const back = await runOp(t.atA, pg, 'failback');
  assert.deepEqual((back.result.create_ports as { vm_addresses: ServerAddresses[] }).vm_addresses[0]!.addresses.map((a) => [a.from, a.to, a.via]), [[away, home, 're_ip']]);
  assert.deepEqual(await portIps('a', (await t.atA.pgs.members(pg.id))[0]!.server_id), [home]);
});

test("a drill's isolated network does not hand out the target subnet's gateway, which a failover would not give either", { timeout: 120_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'reip-gw', servers: { 'g-1': 0 } });
  const ip = await addressOf(t.atA, pg, 'g-1');
  // 10.30.0.0/30 in site-b's 10.30.0.0/20: .1 is the gateway, so .2 is the first address to give.
  await reipMappings(pg, [{ source_cidr: `${ip}/32`, target_cidr: '10.30.0.0/30' }]);
  await runOp(t.atB, pg, 'test_failover');
  const drillServer = (await t.atB.pgs.get(pg.id))!.resources.drill!.servers[servers[0]!.serverId]!;
  assert.deepEqual(await portIps('b', drillServer), ['10.30.0.2']);
  await t.push(pg.id, 'b');
  await runOp(t.atB, pg, 'test_cleanup');
});
