// The address choice of a failover (engine/reip): kept where the target subnet holds it free,
// else the first matching re-IP rule (same host offset, else the next free one, wrapping), else
// Neutron's pick when there are no rules; and the problems a pre-check reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reversedReipRules, type ReipRule } from '@protector/contract';
import { AddressPlanner, subnetDiffers, type AddressNeed, type AddressOutcome, type PlanNetwork } from '../../src/engine/reip/addresses.js';
import { describePort } from '../../src/engine/reip/report.js';

const subnet = (id: string, cidr: string, gateway_ip: string | null = null, dns_nameservers: string[] = []) => ({ id, cidr, gateway_ip, dns_nameservers });
const net = (id: string, subnets: PlanNetwork['subnets'], taken: string[] = []): PlanNetwork => ({ id, subnets, taken });
const need = (ip: string, o: Partial<AddressNeed> = {}): AddressNeed => ({ server_id: `srv-${ip}`, server: `vm-${ip}`, port_id: `port-${ip}`, ip_address: ip, network_id: 'net-b', mapped_subnet: null, rules: [], ...o });
const RULE: ReipRule = { source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24' };
const got = (o: AddressOutcome) => (o.ok ? [o.choice.via, 'ip_address' in o.choice ? o.choice.ip_address : null, o.choice.subnet_id] : ['problem', o.problem.code, o.problem.rule ?? null]);

test('an address the target subnet holds free is kept; taken, the rule gives the same host offset; taken too, the next free one', () => {
  const b = net('net-b', [subnet('sub-30', '10.30.0.0/24', '10.30.0.1'), subnet('sub-20', '10.20.0.0/24')], ['10.20.0.12', '10.30.0.12', '10.30.0.13']);
  const out = new AddressPlanner([b]).plan([need('10.20.0.11', { rules: [RULE] }), need('10.20.0.12', { rules: [RULE] }), need('10.20.0.12', { rules: [RULE], server: 'again' })]);
  assert.deepEqual(out.map(got), [
    ['kept', '10.20.0.11', 'sub-20'],
    ['re_ip', '10.30.0.14', 'sub-30'],
    ['re_ip', '10.30.0.15', 'sub-30'],
  ]);
  assert.equal(out[1]!.ok && out[1]!.choice.via === 're_ip' && out[1]!.choice.same_offset, false);
});

test('a subnet mapping decides where an address is kept; without one, the network subnet that contains it', () => {
  const b = net('net-b', [subnet('sub-a', '10.20.0.0/24'), subnet('sub-c', '10.30.0.0/24')]);
  const p = new AddressPlanner([b]);
  assert.deepEqual(got(p.one(need('10.20.0.5', { mapped_subnet: 'sub-c', rules: [RULE] }))), ['re_ip', '10.30.0.5', 'sub-c'], 'the mapped subnet does not hold it: re-IP');
  assert.deepEqual(got(p.one(need('10.20.0.6', { mapped_subnet: 'sub-a', rules: [RULE] }))), ['kept', '10.20.0.6', 'sub-a']);
  assert.deepEqual(got(p.one(need('10.20.0.7', { rules: [RULE] }))), ['kept', '10.20.0.7', 'sub-a']);
});

test('rules: the first whose source contains the address applies; same offset, the gateway and network address never given; offsets past the target start at its beginning', () => {
  const b = net('net-b', [subnet('sub-30', '10.30.0.0/24', '10.30.0.1'), subnet('sub-40', '10.40.0.0/24', '10.40.0.1')]);
  const rules: ReipRule[] = [{ source_cidr: '10.20.1.0/24', target_cidr: '10.40.0.0/24' }, RULE];
  const p = new AddressPlanner([b]);
  const out = p.plan([need('10.20.1.9', { rules }), need('10.20.0.9', { rules }), need('10.20.0.1', { rules }), need('10.20.0.0', { rules }), need('10.20.5.3', { rules })]);
  assert.deepEqual(out.map(got), [
    ['re_ip', '10.40.0.9', 'sub-40'],
    ['re_ip', '10.30.0.9', 'sub-30'],
    ['re_ip', '10.30.0.2', 'sub-30'],
    ['re_ip', '10.30.0.3', 'sub-30'],
    ['re_ip', '10.30.0.4', 'sub-30'],
  ]);
  assert.deepEqual(out.map((o) => (o.ok && o.choice.via === 're_ip' ? [o.choice.rule, o.choice.same_offset] : null)), [[0, true], [1, true], [1, false], [1, false], [1, false]]);
});

test('kept addresses are reserved before any rule hands one out', () => {
  const b = net('net-b', [subnet('sub-30', '10.30.0.0/24')]);
  // web re-IPs to .11 by offset, but db keeps .11 (it is already in the target range): db wins, web takes .12.
  const out = new AddressPlanner([b]).plan([need('10.20.0.11', { rules: [RULE] }), need('10.30.0.11', { rules: [RULE] })]);
  assert.deepEqual(out.map(got), [['re_ip', '10.30.0.12', 'sub-30'], ['kept', '10.30.0.11', 'sub-30']]);
});

test('the search wraps round the target CIDR, and a full one is exhausted', () => {
  const small: ReipRule = { source_cidr: '10.20.0.0/24', target_cidr: '10.30.0.0/29' };
  const b = net('net-b', [subnet('sub-30', '10.30.0.0/24', '10.30.0.1')], ['10.30.0.5', '10.30.0.6']);
  const p = new AddressPlanner([b]);
  // Hosts of 10.30.0.0/29 in the subnet: .1 (gateway) to .7; .5 and .6 taken.
  const out = p.plan(['10.20.0.5', '10.20.0.200', '10.20.0.7', '10.20.0.4', '10.20.0.2', '10.20.0.3'].map((ip) => need(ip, { rules: [small] })));
  assert.deepEqual(out.map(got), [
    ['re_ip', '10.30.0.7', 'sub-30'],
    ['re_ip', '10.30.0.2', 'sub-30'],
    ['re_ip', '10.30.0.3', 'sub-30'],
    ['re_ip', '10.30.0.4', 'sub-30'],
    ['problem', 'reip_exhausted', 0],
    ['problem', 'reip_exhausted', 0],
  ]);
});

test('a target CIDR wider than the subnets uses their host addresses; narrower subnets elsewhere are no match', () => {
  const wide: ReipRule = { source_cidr: '10.20.0.0/16', target_cidr: '10.30.0.0/16' };
  const b = net('net-b', [subnet('sub-5', '10.30.5.0/24', '10.30.5.1'), subnet('sub-x', '192.168.0.0/24')]);
  const out = new AddressPlanner([b]).plan([need('10.20.5.9', { rules: [wide] }), need('10.20.0.9', { rules: [wide] })]);
  assert.deepEqual(out.map(got), [['re_ip', '10.30.5.9', 'sub-5'], ['re_ip', '10.30.5.2', 'sub-5']]);
});

test('problems: no matching rule, no subnet in the target CIDR, another IP version, an unreadable rule', () => {
  const v4 = net('net-b', [subnet('sub-30', '10.30.0.0/24')]);
  const p = new AddressPlanner([v4]);
  assert.deepEqual(got(p.one(need('172.16.0.4', { rules: [RULE] }))), ['problem', 'reip_no_rule', null]);
  assert.deepEqual(got(p.one(need('10.20.0.4', { rules: [{ source_cidr: '10.20.0.0/20', target_cidr: '10.50.0.0/24' }] }))), ['problem', 'reip_no_target_subnet', 0]);
  assert.deepEqual(got(p.one(need('2001:db8:1::4', { rules: [{ source_cidr: '2001:db8:1::/64', target_cidr: '2001:db8:2::/64' }] }))), ['problem', 'reip_ip_version_mismatch', 0]);
  assert.deepEqual(got(p.one(need('10.20.0.4', { rules: [{ source_cidr: 'nonsense', target_cidr: '10.30.0.0/24' }] }))), ['problem', 'reip_invalid_rule', 0]);
});

test('without rules, as before them: kept when it can be, else Neutron picks on the mapped subnet (or the first of the network)', () => {
  const b = net('net-b', [subnet('sub-30', '10.30.0.0/24')], ['10.30.0.8']);
  const p = new AddressPlanner([b]);
  assert.deepEqual(p.plan([need('10.30.0.7', { mapped_subnet: 'sub-30' }), need('10.20.0.7', { mapped_subnet: 'sub-30' }), need('10.20.0.9')]).map(got), [
    ['kept', '10.30.0.7', 'sub-30'],
    ['allocated', null, 'sub-30'],
    ['allocated', null, 'sub-30'],
  ]);
  // A taken address the listing did not show (someone else's port): excluded, then planned again.
  const q = new AddressPlanner([net('net-b', [subnet('sub-30', '10.30.0.0/24')])]);
  const n = need('10.30.0.7', { mapped_subnet: 'sub-30' });
  assert.deepEqual(got(q.one(n)), ['kept', '10.30.0.7', 'sub-30']);
  q.exclude('net-b', '10.30.0.7');
  assert.deepEqual(got(q.one(n)), ['allocated', null, 'sub-30']);
  const r = need('10.20.0.7', { rules: [RULE] });
  assert.deepEqual(got(q.one(r)), ['re_ip', '10.30.0.8', 'sub-30'], '.7 is out');
});

test('IPv6: same host offset in the target prefix; the reversed rule gives the original address back (failback)', () => {
  const v6: ReipRule = { source_cidr: '2001:db8:1::/64', target_cidr: '2001:db8:2::/64' };
  const there = new AddressPlanner([net('net-b', [subnet('sub-6', '2001:db8:2::/64', '2001:db8:2::1')])]);
  assert.deepEqual(got(there.one(need('2001:db8:1::abcd', { rules: [v6] }))), ['re_ip', '2001:db8:2::abcd', 'sub-6']);
  const back = new AddressPlanner([net('net-a', [subnet('sub-20', '10.20.0.0/20', '10.20.0.1')])]);
  assert.deepEqual(got(back.one(need('10.30.0.11', { network_id: 'net-a', rules: reversedReipRules([RULE]) }))), ['re_ip', '10.20.0.11', 'sub-20']);
});

test('the report pairs each address with the new one and the rule that gave it, told from the addresses alone', () => {
  const p = { id: 'src-port', network_id: 'net-a', mac_address: 'fa:16:3e:00:00:01', security_group_ids: [], fixed_ips: [{ subnet_id: 'a1', ip_address: '10.20.0.11' }, { subnet_id: 'a2', ip_address: '192.168.7.4' }, { subnet_id: 'a3', ip_address: '172.16.0.9' }] };
  const rows = describePort(p, 'new-port', [{ subnet_id: 'b3', ip_address: '172.16.0.9' }, { subnet_id: 'b1', ip_address: '10.30.0.11' }, { subnet_id: 'b2', ip_address: '192.168.9.50' }], [RULE]);
  assert.deepEqual(rows.map((r) => [r.from, r.to, r.via, r.rule?.index ?? null, r.subnet_id]), [
    ['10.20.0.11', '10.30.0.11', 're_ip', 0, 'b1'],
    ['192.168.7.4', '192.168.9.50', 'allocated', null, 'b2'],
    ['172.16.0.9', '172.16.0.9', 'kept', null, 'b3'],
  ]);
  assert.deepEqual(rows[0]!.rule, { index: 0, ...RULE });
});

test('a subnet differs from a rule where the rule names a gateway or DNS servers (as sets, any spelling)', () => {
  const s = subnet('s', '2001:db8:2::/64', '2001:db8:2::1', ['2001:db8:2::53', '2001:db8:2::54']);
  assert.deepEqual(subnetDiffers({ source_cidr: '2001:db8:1::/64', target_cidr: '2001:db8:2::/64' }, s), { gateway: false, dns: false });
  assert.deepEqual(subnetDiffers({ source_cidr: '2001:db8:1::/64', target_cidr: '2001:db8:2::/64', gateway_ip: '2001:DB8:2:0::1', dns_nameservers: ['2001:db8:2::54', '2001:db8:2::53'] }, s), { gateway: false, dns: false });
  assert.deepEqual(subnetDiffers({ source_cidr: '2001:db8:1::/64', target_cidr: '2001:db8:2::/64', gateway_ip: '2001:db8:2::fe', dns_nameservers: ['2001:db8:2::53'] }, s), { gateway: true, dns: true });
  assert.deepEqual(subnetDiffers({ ...RULE, gateway_ip: '10.30.0.1' }, subnet('n', '10.30.0.0/24', null)), { gateway: true, dns: false });
});
