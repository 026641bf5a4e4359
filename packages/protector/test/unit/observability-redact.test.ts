import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, redactText, scrubValue } from '../../src/observability/redact.js';

const FERNET = 'gAAAAABpZ3xQk2Vt7aB_c-9fJd0Lr1sT8uVwXyZ0123456789abcdefghijKLMNOP_qrstu-vwxyz==';

test('redactText strips Fernet tokens, key=value and quoted password fragments', () => {
  const cases: [string, string][] = [
    [`Could not find token: ${FERNET}.`, FERNET],
    ['login failed password=hunter2 for admin', 'hunter2'],
    ['GET /v3/x?token=abc123&limit=5', 'abc123'],
    ['{"auth": {"password": "s3cr\\"et", "name": "admin"}}', 's3cr'],
    ["{'password': 'pyrepr-pw', 'user': 'x'}", 'pyrepr-pw'],
    ['X-Auth-Token: opaque-token-1', 'opaque-token-1'],
    ['Authorization: Bearer bearer-xyz', 'bearer-xyz'],
    ['connect mysql+pymysql://protector:dbpw@db:3306/protector failed', 'dbpw'],
    ['rabbit://protector:rabbitpw@mq:5672/', 'rabbitpw'],
    ['password="quoted with spaces" rest', 'quoted with spaces'],
  ];
  for (const [input, secret] of cases) {
    const out = redactText(input);
    assert.ok(!out.includes(secret), `${secret} leaked from ${input}: ${out}`);
    assert.ok(out.includes(REDACTED), out);
  }
  // ordinary text and ids are left alone
  assert.equal(redactText('volume 3f1c2a7e-0000-4000-8000-000000000001 attached'), 'volume 3f1c2a7e-0000-4000-8000-000000000001 attached');
  assert.equal(redactText('{"name": "admin"}'), '{"name": "admin"}');
  assert.equal(redactText('mysql+pymysql://db-host/protector'), 'mysql+pymysql://db-host/protector');
});

test('scrubValue replaces secret keys at any depth, case-insensitively, without mutating', () => {
  const input = {
    user: 'admin',
    auth: { identity: { password: { user: { name: 'admin', password: 'deep-pw' } } } },
    list: [{ Token: 't1' }, { nested: { api_token: 't2', Credentials: { a: 1 } } }],
    headers: { 'X-Auth-Token': 'hdr', Authorization: 'Basic abc' },
    note: `token ${FERNET}`,
  };
  const copy = structuredClone(input);
  const out = JSON.stringify(scrubValue(input));
  for (const s of ['deep-pw', 't1', 't2', '"a":1', 'hdr', 'Basic abc', FERNET]) assert.ok(!out.includes(s), `${s} leaked: ${out}`);
  assert.ok(out.includes('"user":"admin"'));
  assert.deepEqual(input, copy);
});

test('scrubValue survives cycles and turns Errors into scrubbed plain objects', () => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  assert.deepEqual(scrubValue(a), { name: 'a', self: '[Circular]' });
  const shared = { x: 1 };
  assert.deepEqual(scrubValue({ p: shared, q: shared }), { p: { x: 1 }, q: { x: 1 } });

  const err = new Error(`Could not find token: ${FERNET}`, { cause: { password: 'cause-pw' } });
  const s = scrubValue({ err }) as { err: { type: string; message: string; stack: string; cause: unknown } };
  assert.equal(s.err.type, 'Error');
  assert.equal(s.err.message, `Could not find token: ${REDACTED}`);
  assert.ok(!s.err.stack.includes(FERNET));
  assert.deepEqual(s.err.cause, { password: REDACTED });
});
