import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credentials } from '../../src/policy/checks.js';
import { BASE_RULES, DEFAULT_POLICIES, PROTECTOR_ACTIONS, type ProtectorAction } from '../../src/policy/defaults.js';
import { Enforcer } from '../../src/policy/enforcer.js';
import { compilePolicy } from '../../src/policy/rules.js';

type Level = 'admin' | 'member' | 'reader';

// Written out independently of defaults.ts, so a changed default fails here.
const EXPECTED: Record<ProtectorAction, Level> = {
  'protector:sites:list': 'admin',
  'protector:sites:show': 'admin',
  'protector:sites:create': 'admin',
  'protector:sites:update': 'admin',
  'protector:sites:delete': 'admin',
  'protector:sites:validate': 'admin',
  'protector:sites:pair': 'admin',
  'protector:sites:list_volume_types': 'admin',
  'protector:tenant_mappings:list': 'admin',
  'protector:tenant_mappings:show': 'admin',
  'protector:tenant_mappings:create': 'admin',
  'protector:tenant_mappings:delete': 'admin',
  'protector:protection_groups:list': 'reader',
  'protector:protection_groups:show': 'reader',
  'protector:protection_groups:create': 'member',
  'protector:protection_groups:update': 'member',
  'protector:protection_groups:delete': 'member',
  'protector:members:list': 'reader',
  'protector:members:add': 'member',
  'protector:members:remove': 'member',
  'protector:policy:show': 'reader',
  'protector:policy:update': 'member',
  'protector:resource_mappings:show': 'reader',
  'protector:resource_mappings:update': 'member',
  'protector:metadata:show': 'reader',
  'protector:metadata:push': 'member',
  'protector:metadata:ack': 'member',
  'protector:sync_status:show': 'reader',
  'protector:recovery_points:list': 'reader',
  'protector:actions:failover': 'member',
  'protector:actions:failback': 'member',
  'protector:actions:test_failover': 'member',
  'protector:actions:test_cleanup': 'member',
  'protector:actions:sync': 'member',
  'protector:operations:list': 'reader',
  'protector:operations:show': 'reader',
  'protector:operations:report': 'reader',
  'protector:operations:cleanup': 'member',
  'protector:operations:resume': 'member',
  'protector:operations:cancel': 'member',
  'protector:operations:approve': 'member',
  'protector:operations:commit': 'member',
  'protector:operations:rollback': 'member',
  'protector:site:failover': 'admin',
  'protector:operations:pause': 'member',
  'protector:recovery_plans:list': 'reader',
  'protector:recovery_plans:show': 'reader',
  'protector:recovery_plans:create': 'member',
  'protector:recovery_plans:update': 'member',
  'protector:recovery_plans:delete': 'member',
  'protector:recovery_plans:copy': 'member',
  'protector:recovery_plans:run': 'member',
  'protector:health:show': 'reader',
  'protector:secrets:show': 'admin',
};

// Tokens as Keystone issues them: implied roles included (admin > member > reader).
const personas: Record<string, { creds: Credentials; allowed: readonly Level[] }> = {
  'admin of another project': { creds: { user_id: 'u1', project_id: 'p-admin', roles: ['admin', 'member', 'reader'] }, allowed: ['admin', 'member', 'reader'] },
  'member of the project': { creds: { user_id: 'u2', project_id: 'p1', roles: ['member', 'reader'] }, allowed: ['member', 'reader'] },
  'member of another project': { creds: { user_id: 'u3', project_id: 'p2', roles: ['member', 'reader'] }, allowed: [] },
  'reader of the project': { creds: { user_id: 'u4', project_id: 'p1', roles: ['reader'] }, allowed: ['reader'] },
  'no role in the project': { creds: { user_id: 'u5', project_id: 'p1', roles: [] }, allowed: [] },
};

test('every registered action has an expectation, and every expectation an action', () => {
  assert.deepEqual([...PROTECTOR_ACTIONS].sort(), Object.keys(EXPECTED).sort());
  assert.equal(new Set(DEFAULT_POLICIES.map((d) => d.name)).size, DEFAULT_POLICIES.length, 'names are unique');
});

test('the defaults compile without any issue', () => {
  assert.deepEqual(compilePolicy(DEFAULT_POLICIES, new Map()).issues, []);
});

test('every default action, evaluated for admin, member, member elsewhere, reader and nobody', () => {
  const e = new Enforcer();
  const target = { project_id: 'p1' };
  for (const action of PROTECTOR_ACTIONS) {
    for (const [who, { creds, allowed }] of Object.entries(personas)) {
      assert.equal(e.check(action, target, creds), allowed.includes(EXPECTED[action]), `${action} for ${who}`);
    }
  }
});

test('project-scoped rules need the target project: missing project_id denies non-admins', () => {
  const e = new Enforcer();
  assert.equal(e.check('protector:protection_groups:show', {}, personas['member of the project']!.creds), false);
  assert.equal(e.check('protector:protection_groups:show', {}, personas['admin of another project']!.creds), true);
});

test('base rules are the ones DESIGN.md and the brief name', () => {
  const base = Object.fromEntries(BASE_RULES.map((r) => [r.name, r.check_str]));
  assert.deepEqual(base, {
    admin_required: 'role:admin',
    project_member: 'role:member and project_id:%(project_id)s',
    project_reader: 'role:reader and project_id:%(project_id)s',
    admin_or_member: 'rule:admin_required or rule:project_member',
    admin_or_reader: 'rule:admin_required or rule:project_reader',
  });
});

test('every action documents at least one API operation and a description', () => {
  for (const d of DEFAULT_POLICIES) {
    assert.ok(d.description.length > 0, d.name);
    if (d.name.startsWith('protector:')) assert.ok(d.operations.length > 0, d.name);
  }
});
