// Re-IP rules as the contract reads them: IPv4/IPv6 arithmetic, the checks a schema cannot make
// (each naming the field), canonical text, the reversed rules a failback applies, the CLI notation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalIp, formatIp, formatReipRule, hostRange, normalizeReipRules, parseCidr, parseIp, parseReipRule, reipRulesProblem, reversedReipRules, type ReipRule } from '@protector/contract';

test('addresses: IPv4 and IPv6 parse and print canonically; junk does not parse', () => {
  assert.deepEqual(parseIp('10.20.0.11'), { version: 4, value: 0x0a14000bn });
  assert.equal(parseIp('10.20.0.256'), null);
  assert.equal(parseIp('010.1.1.1'), null, 'a leading zero could be octal');
  assert.equal(parseIp('1.2.3'), null);
  assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalIp('2001:db8:0:1:0:0:0:0'), '2001:db8:0:1::');
  assert.equal(canonicalIp('::'), '::');
  assert.equal(canonicalIp('::ffff:10.0.0.1'), '::ffff:a00:1');
  assert.equal(formatIp(6, 1n), '::1');
  assert.equal(canonicalIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'one zero group is not compressed');
  for (const bad of ['1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9', 'g::1']) assert.equal(parseIp(bad), null, bad);
});

test('CIDRs: host bits must be zero (the reason names the network), prefixes within the version', () => {
  const c = parseCidr('10.30.0.0/24');
  assert.ok(c.ok);
  assert.deepEqual(hostRange(c.cidr), { first: 0x0a1e0001n, last: 0x0a1e00fen });
  const bad = parseCidr('10.30.0.5/24');
  assert.ok(!bad.ok && /the network is 10\.30\.0\.0\/24/.test(bad.reason));
  assert.ok(!parseCidr('10.0.0.0/33').ok);
  assert.ok(!parseCidr('10.0.0.0').ok);
  const v6 = parseCidr('2001:db8:1::/64');
  assert.ok(v6.ok && v6.cidr.version === 6);
  assert.ok(v6.ok && hostRange(v6.cidr).first === v6.cidr.base + 1n, 'the subnet-router anycast address is no host');
  assert.ok(!parseCidr('2001:db8::/129').ok);
});

test('rule checks name the field and say why; valid rules pass', () => {
  const at = (rules: ReipRule[], kind: 'network' | 'subnet' = 'network') => reipRulesProblem(kind, rules, 'resource_mappings.0.reip_rules');
  assert.equal(at([{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24', gateway_ip: '10.30.0.1', dns_nameservers: ['10.30.0.2', '10.30.0.3'] }]), null);
  assert.equal(at([{ source_cidr: '2001:db8:1::/64', target_cidr: '2001:db8:2::/64', gateway_ip: '2001:db8:2::1' }]), null);
  assert.equal(reipRulesProblem('network', [], 'x'), null);
  assert.deepEqual(at([{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24' }], 'subnet'), { field: 'resource_mappings.0.reip_rules', reason: 'Only network mappings carry re-IP rules; this one maps a subnet.' });
  const cases: [ReipRule[], string, RegExp][] = [
    [[{ source_cidr: '10.20.0.1/20', target_cidr: '10.30.0.0/24' }], '0.source_cidr', /host bits set: the network is 10\.20\.0\.0\/20/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.300.0.0/24' }], '0.target_cidr', /not an IPv4 or IPv6 network/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '2001:db8::/64' }], '0.target_cidr', /IPv4 10\.20\.0\.0\/20 to IPv6 2001:db8::\/64: both must be of one IP version/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24', gateway_ip: '2001:db8::1' }], '0.gateway_ip', /2001:db8::1 is an IPv6 address; the rule's networks are IPv4/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24', gateway_ip: '10.30.0.300' }], '0.gateway_ip', /not an IPv4 or IPv6 address/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24', dns_nameservers: ['10.30.0.2', 'x'] }], '0.dns_nameservers.1', /'x' is not an IPv4 or IPv6 address/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24', dns_nameservers: ['2001:db8::53'] }], '0.dns_nameservers.0', /IPv6 address; the rule's networks are IPv4/],
    [[{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24', dns_nameservers: ['10.30.0.2', '10.30.0.2'] }], '0.dns_nameservers.1', /named twice/],
    [[{ source_cidr: '10.0.0.0/8', target_cidr: '10.30.0.0/24' }, { source_cidr: '10.20.0.0/20', target_cidr: '10.40.0.0/24' }], '1.source_cidr', /never applies: the earlier rule resource_mappings\.0\.reip_rules\.0 \(source 10\.0\.0\.0\/8\) contains 10\.20\.0\.0\/20/],
  ];
  for (const [rules, field, reason] of cases) {
    const p = at(rules);
    assert.ok(p, `${field} is refused`);
    assert.equal(p.field, `resource_mappings.0.reip_rules.${field}`);
    assert.match(p.reason, reason);
  }
  // A target narrower than its subnet: the subnet's gateway lies outside it.
  assert.equal(at([{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.8.0/21', gateway_ip: '10.30.0.1' }]), null);
  // A narrower rule first, then the wider one: both apply (to different addresses).
  assert.equal(at([{ source_cidr: '10.20.1.0/24', target_cidr: '10.40.0.0/24' }, { source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/20' }]), null);
});

test('canonical text, reversal for failback, and the CLI notation both ways', () => {
  assert.deepEqual(normalizeReipRules([{ source_cidr: '2001:DB8:1:0::/64', target_cidr: '2001:db8:2:0:0::/64', gateway_ip: '2001:DB8:2::1', dns_nameservers: ['2001:db8:2:0::53'] }]), [
    { source_cidr: '2001:db8:1::/64', target_cidr: '2001:db8:2::/64', gateway_ip: '2001:db8:2::1', dns_nameservers: ['2001:db8:2::53'] },
  ]);
  assert.equal(normalizeReipRules([]), undefined);
  assert.deepEqual(reversedReipRules([{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24', gateway_ip: '10.30.0.1' }]), [{ source_cidr: '10.30.0.0/24', target_cidr: '10.20.0.0/20' }]);
  const rule = { source_cidr: '10.20.0.0/20', target_cidr: '10.30.0.0/24', gateway_ip: '10.30.0.1', dns_nameservers: ['10.30.0.2', '10.30.0.3'] };
  assert.equal(formatReipRule(rule), '10.20.0.0/20=10.30.0.0/24,gateway=10.30.0.1,dns=10.30.0.2;10.30.0.3');
  assert.deepEqual(parseReipRule(formatReipRule(rule)), { ok: true, rule });
  assert.deepEqual(parseReipRule('10.1.0.0/24=10.2.0.0/24'), { ok: true, rule: { source_cidr: '10.1.0.0/24', target_cidr: '10.2.0.0/24' } });
  for (const bad of ['10.1.0.0/24', '10.1.0.0/24=10.2.0.0/24,gw=10.2.0.1', '10.1.0.0/24=10.2.0.0/24,dns=', 'a=b=c']) assert.equal(parseReipRule(bad).ok, false, bad);
});
