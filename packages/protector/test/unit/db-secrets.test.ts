import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretBox } from '../../src/db/secrets.js';

test('sealed secrets open with the same key only, and never contain the plain text', () => {
  const box = new SecretBox('a-long-enough-secret-key');
  const sealed = box.sealJson({ password: 'hunter2-password' });
  assert.ok(!sealed.includes('hunter2'));
  assert.notEqual(sealed, box.sealJson({ password: 'hunter2-password' }), 'a fresh IV every time');
  assert.deepEqual(box.openJson(sealed), { password: 'hunter2-password' });
  assert.throws(() => new SecretBox('another-long-secret-key').open(sealed), /secret_key differs/);
  const [v, iv, tag, data] = sealed.split(':');
  const flipped = Buffer.from(data!, 'base64');
  flipped[0]! ^= 1;
  assert.throws(() => box.open([v, iv, tag, flipped.toString('base64')].join(':')), /cannot be decrypted/);
  assert.throws(() => box.open('plain text'), /not in a format/);
  assert.throws(() => new SecretBox('short'), /at least 16/);
});
