// `protector mapping set --reip` on two real sites: the rules are stored on both, shown, kept when
// the network is mapped again, refused with the API's 400 naming the field; a dry run warns where
// the target subnet hands out other DNS servers; `failover --wait` and `operation show` print
// every address per server, old -> new and the rule that gave it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../helpers/cli-lab.js';

const lab = await startCliLab();
after(() => lab.close());
const { t } = lab;
const { pg, servers } = await protectedPg(t, { name: 'reip-cli', servers: { 'db-1': 0 } });
lab.startEngines();

const json = <T>(s: string): T => JSON.parse(s) as T;
const one = async <T>(p: Promise<T[]>): Promise<T> => {
  const [x] = await p;
  assert.ok(x);
  return x;
};
const netA = await one(t.alice('a').neutron.listNetworks({ name: 'demo-net' }));
const netB = await one(t.alice('b').neutron.listNetworks({ name: 'demo-net' }));
const sgA = await one(t.alice('a').neutron.listSecurityGroups({ name: 'default' }));
const sgB = await one(t.alice('b').neutron.listSecurityGroups({ name: 'default' }));
type Row = { Kind: string; Source: string; Target: string; 'Re-IP rules': string[] };
const networkRow = async (from: 'a' | 'b' = 'a'): Promise<Row | undefined> => json<Row[]>((await lab.protector(['mapping', 'show', 'reip-cli', '-f', 'json'], { from })).stdout).find((r) => r.Kind === 'network');

test('mapping set --reip: stored on both sites, shown as given, kept when the network is set again, cleared on request; bad rules name the field', { timeout: 60_000 }, async () => {
  const set = await lab.protector(['mapping', 'set', 'reip-cli', '--replace', '--network', `${netA.id}=${netB.id}`, '--security-group', `${sgA.id}=${sgB.id}`, '--reip', '10.20.0.0/20=10.30.8.0/21,gateway=10.30.0.1,dns=10.30.0.53', '--reip', '172.16.0.0/24=10.30.9.0/24']);
  assert.equal(set.code, 0, set.stderr);
  const rules = ['10.20.0.0/20=10.30.8.0/21,gateway=10.30.0.1,dns=10.30.0.53', '172.16.0.0/24=10.30.9.0/24'];
  assert.deepEqual((await networkRow())?.['Re-IP rules'], rules);
  assert.deepEqual((await networkRow('b'))?.['Re-IP rules'], rules, 'the peer stores them too');
  const table = await lab.protector(['mapping', 'show', 'reip-cli']);
  assert.match(table.stdout, /\| Re-IP rules +\|/);
  assert.match(table.stdout, /10\.20\.0\.0\/20=10\.30\.8\.0\/21,gateway=10\.30\.0\.1,dns=10\.30\.0\.53/);

  // Mapped again without --reip: the rules stay.
  assert.equal((await lab.protector(['mapping', 'set', 'reip-cli', '--network', `${netA.id}=${netB.id}`])).code, 0);
  assert.deepEqual((await networkRow())?.['Re-IP rules'], rules);

  const bad = await lab.protector(['mapping', 'set', 'reip-cli', '--network', `${netA.id}=${netB.id}`, '--reip', '10.20.0.1/20=10.30.8.0/21']);
  assert.equal(bad.code, 1, bad.stdout);
  assert.match(bad.stderr, /reip_rules\.0\.source_cidr\. '10\.20\.0\.1\/20' has host bits set: the network is 10\.20\.0\.0\/20/);
  const notation = await lab.protector(['mapping', 'set', 'reip-cli', '--network', `${netA.id}=${netB.id}`, '--reip', '10.20.0.0/20']);
  assert.equal(notation.code, 2);
  assert.match(notation.stderr, /expected SOURCE_CIDR=TARGET_CIDR/);
  const noNetwork = await lab.protector(['mapping', 'set', 'reip-cli', '--reip', '10.20.0.0/20=10.30.8.0/21']);
  assert.equal(noNetwork.code, 2);
  assert.match(noNetwork.stderr, /apply to the one --network mapping given with them \(0 given\)/);

  // A JSON file gives the same, and --clear-reip drops them.
  const file = join(t.dir, 'rules.json');
  writeFileSync(file, JSON.stringify([{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.8.0/21', gateway_ip: '10.30.0.1', dns_nameservers: ['10.30.0.53'] }]));
  assert.equal((await lab.protector(['mapping', 'set', 'reip-cli', '--network', `${netA.id}=${netB.id}`, '--clear-reip'])).code, 0);
  assert.deepEqual((await networkRow())?.['Re-IP rules'], []);
  assert.equal((await lab.protector(['mapping', 'set', 'reip-cli', '--network', `${netA.id}=${netB.id}`, '--reip-file', file])).code, 0);
  assert.deepEqual((await networkRow())?.['Re-IP rules'], [rules[0]]);
});

test('failover --dry-run warns of the DNS servers; failover --wait and operation show print each address, old -> new, and its rule', { timeout: 120_000 }, async () => {
  const dry = await lab.protector(['failover', 'reip-cli', '--dry-run', '-f', 'json']);
  assert.equal(dry.code, 0, dry.stderr);
  const findings = json<{ Severity: string; Code: string; Message: string }[]>(dry.stdout);
  assert.deepEqual(findings.map((f) => [f.Severity, f.Code]), [['warning', 'reip_dns_differs']]);

  const before = (await t.atA.pgs.members(pg.id))[0]!.details.ports[0]!.fixed_ips[0]!.ip_address;
  const offset = Number(before.split('.')[3]) + 256 * Number(before.split('.')[2]);
  const after_ = `10.30.${8 + Math.floor(offset / 256)}.${offset % 256}`;
  const fo = await lab.protector(['failover', 'reip-cli', '--wait']);
  assert.equal(fo.code, 0, fo.stderr);
  const line = `db-1: ${before} -> ${after_} (re-IP 10.20.0.0/20 -> 10.30.8.0/21)`;
  assert.ok(fo.stdout.includes(line), fo.stdout);
  const id = json<{ ID: string; Type: string }[]>((await lab.protector(['operation', 'list', '--type', 'failover', '-f', 'json'], { from: 'b' })).stdout)[0]!.ID;
  const show = json<{ addresses: string[] }>((await lab.protector(['operation', 'show', id, '-f', 'json'], { from: 'b' })).stdout);
  assert.deepEqual(show.addresses, [line]);
  const newServer = (await t.atB.pgs.members(pg.id))[0]!.server_id;
  assert.notEqual(newServer, servers[0]!.serverId);
  assert.deepEqual((await t.alice('b').neutron.listPorts({ device_id: newServer })).map((p) => p.fixed_ips.map((f) => f.ip_address)), [[after_]]);
});
