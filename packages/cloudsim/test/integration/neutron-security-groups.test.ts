import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();

interface Rule {
  id: string;
  security_group_id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
}
interface Group {
  id: string;
  name: string;
  project_id: string;
  security_group_rules: Rule[];
}
interface NeutronError {
  NeutronError: { type: string; message: string };
}

test('listing creates the default group once; it cannot be deleted', async () => {
  const demo = await ts.tenant('demo');
  const first = await ts.call<{ security_groups: Group[] }>('neutron', 'GET', '/v2.0/security-groups', { token: demo.token });
  assert.deepEqual(first.body.security_groups.map((g) => g.name), ['default']);
  const again = await ts.call<{ security_groups: Group[] }>('neutron', 'GET', '/v2.0/security-groups', { token: demo.token });
  assert.equal(again.body.security_groups.length, 1);
  const del = await ts.call<NeutronError>('neutron', 'DELETE', `/v2.0/security-groups/${first.body.security_groups[0]!.id}`, { token: demo.token });
  assert.equal(del.status, 409);
  assert.equal(del.body.NeutronError.type, 'SecurityGroupCannotRemoveDefault');
  const dup = await ts.call('neutron', 'POST', '/v2.0/security-groups', { token: demo.token, body: { security_group: { name: 'default' } } });
  assert.equal(dup.status, 409);
});

test('group CRUD with egress defaults; rules create, duplicate 409, list, delete', async () => {
  const created = await ts.call<{ security_group: Group }>('neutron', 'POST', '/v2.0/security-groups', { body: { security_group: { name: 'web', description: 'web' } } });
  assert.equal(created.status, 201);
  const sg = created.body.security_group;
  assert.deepEqual(sg.security_group_rules.map((r) => `${r.direction}/${r.ethertype}`).sort(), ['egress/IPv4', 'egress/IPv6']);
  const ruleBody = { security_group_rule: { security_group_id: sg.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' } };
  const rule = await ts.call<{ security_group_rule: Rule }>('neutron', 'POST', '/v2.0/security-group-rules', { body: ruleBody });
  assert.equal(rule.status, 201);
  assert.equal(rule.body.security_group_rule.protocol, 'tcp');
  const dup = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/security-group-rules', { body: ruleBody });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.NeutronError.type, 'SecurityGroupRuleExists');
  const listed = await ts.call<{ security_group_rules: Rule[] }>('neutron', 'GET', `/v2.0/security-group-rules?security_group_id=${sg.id}&direction=ingress`);
  assert.deepEqual(listed.body.security_group_rules.map((r) => r.id), [rule.body.security_group_rule.id]);
  const prefix = await ts.call<{ security_group_rule: Rule }>('neutron', 'POST', '/v2.0/security-group-rules', {
    body: { security_group_rule: { security_group_id: sg.id, direction: 'ingress', protocol: 'icmp', remote_ip_prefix: '10.1.2.3/8' } },
  });
  assert.equal(prefix.body.security_group_rule.remote_ip_prefix, '10.0.0.0/8');
  const upd = await ts.call<{ security_group: Group }>('neutron', 'PUT', `/v2.0/security-groups/${sg.id}`, { body: { security_group: { name: 'web2' } } });
  assert.equal(upd.body.security_group.name, 'web2');
  assert.equal((await ts.call('neutron', 'DELETE', `/v2.0/security-group-rules/${rule.body.security_group_rule.id}`)).status, 204);
  assert.equal((await ts.call('neutron', 'DELETE', `/v2.0/security-group-rules/${rule.body.security_group_rule.id}`)).status, 404);
  assert.equal((await ts.call('neutron', 'DELETE', `/v2.0/security-groups/${sg.id}`)).status, 204);
  assert.equal((await ts.call('neutron', 'GET', `/v2.0/security-groups/${sg.id}`)).status, 404);
});

test('bad rules are 400: unknown protocol, ports without protocol, bad direction, wrong types', async () => {
  const sg = (await ts.call<{ security_group: Group }>('neutron', 'POST', '/v2.0/security-groups', { body: { security_group: { name: 'bad' } } })).body.security_group;
  const base = { security_group_id: sg.id, direction: 'ingress' };
  const cases: [Record<string, unknown>, number, RegExp][] = [
    [{ ...base, protocol: 'bogus' }, 400, /protocol/],
    [{ ...base, port_range_min: 22 }, 400, /protocol/],
    [{ ...base, direction: 'sideways' }, 400, /direction/],
    [{ ...base, port_range_min: 'twenty' }, 400, /port_range_min/],
    [{ ...base, port_range_max: 70000, protocol: 'tcp' }, 400, /port_range_max/],
    [{ ...base, protocol: 'tcp', port_range_min: 30, port_range_max: 20 }, 409, /port_range_min/],
    [{ ...base, remote_ip_prefix: 'nonsense' }, 400, /remote_ip_prefix/],
    [{ direction: 'ingress' }, 400, /security_group_id/],
  ];
  for (const [rule, status, text] of cases) {
    const res = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/security-group-rules', { body: { security_group_rule: rule } });
    assert.equal(res.status, status, JSON.stringify(rule));
    assert.match(res.body.NeutronError.message, text);
  }
  const name = await ts.call<NeutronError>('neutron', 'POST', '/v2.0/security-groups', { body: { security_group: { name: 'n'.repeat(256) } } });
  assert.equal(name.status, 400);
  assert.match(name.body.NeutronError.message, /security_group\.name/);
});

test("isolation: another project's group is 404 and its rules invisible", async () => {
  const demo = await ts.tenant('demo');
  const other = await ts.tenant('other');
  const sg = (await ts.call<{ security_group: Group }>('neutron', 'POST', '/v2.0/security-groups', { token: demo.token, body: { security_group: { name: 'mine' } } })).body.security_group;
  assert.equal(sg.project_id, demo.projectId);
  assert.equal((await ts.call('neutron', 'GET', `/v2.0/security-groups/${sg.id}`, { token: other.token })).status, 404);
  const rule = await ts.call('neutron', 'POST', '/v2.0/security-group-rules', { token: other.token, body: { security_group_rule: { security_group_id: sg.id, direction: 'ingress' } } });
  assert.equal(rule.status, 404);
  const rules = await ts.call<{ security_group_rules: Rule[] }>('neutron', 'GET', '/v2.0/security-group-rules', { token: other.token });
  assert.ok(!rules.body.security_group_rules.some((r) => r.security_group_id === sg.id));
  assert.equal(ts.site.neutron.findSecurityGroup(demo.projectId, 'mine')?.id, sg.id);
  assert.equal(ts.site.neutron.findSecurityGroup(other.projectId, 'mine'), undefined);
  assert.equal(ts.site.neutron.findSecurityGroup(other.projectId, sg.id), undefined);
});
