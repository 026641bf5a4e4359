import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { allOptions, describeConfig, describeOption, loadConfig, redacted, REDACTED } from '../../src/config/index.js';

const SECRETS = {
  secret_key: 'k3y-material',
  transport_url: 'rabbit://protector:rabbitpw@mq:5672/',
  connection: 'mysql+pymysql://protector:dbpw@db:3306/protector',
  password: 'keystonepw',
};

function cfg() {
  const dir = mkdtempSync(join(tmpdir(), 'protector-redact-'));
  const path = join(dir, 'protector.conf');
  writeFileSync(
    path,
    `[DEFAULT]\nsecret_key = ${SECRETS.secret_key}\ntransport_url = ${SECRETS.transport_url}\n[database]\nconnection = ${SECRETS.connection}\n[keystone_authtoken]\nusername = protector\npassword = ${SECRETS.password}\n`,
  );
  return loadConfig({ files: [path] });
}

test('the registry marks passwords, keys and URLs with credentials secret', () => {
  const secret = allOptions().filter((o) => o.spec.secret).map((o) => `${o.group}.${o.name}`);
  assert.deepEqual(secret, ['DEFAULT.transport_url', 'DEFAULT.secret_key', 'database.connection', 'keystone_authtoken.password']);
});

test('redacted() replaces every set secret and keeps everything else', () => {
  const c = cfg();
  const r = redacted(c);
  assert.equal(r.DEFAULT?.secret_key, REDACTED);
  assert.equal(r.DEFAULT?.transport_url, REDACTED);
  assert.equal(r.database?.connection, REDACTED);
  assert.equal(r.keystone_authtoken?.password, REDACTED);
  assert.equal(r.keystone_authtoken?.username, 'protector');
  assert.equal(r.api?.bind_port, 8788);
  const text = JSON.stringify(r);
  for (const s of Object.values(SECRETS)) assert.ok(!text.includes(s), `${s} leaked`);
  assert.ok(!text.includes('dbpw') && !text.includes('rabbitpw'));
  // the config itself still holds the real values
  assert.equal(c.keystone_authtoken.password, SECRETS.password);
});

test('an unset secret is shown as unset', () => {
  assert.equal(redacted(loadConfig()).DEFAULT?.secret_key, '');
});

test('describeConfig() lists every option, never a secret', () => {
  const lines = describeConfig(cfg());
  assert.equal(lines.filter((l) => l.startsWith('[')).length, allOptions().length);
  assert.ok(lines.includes('[keystone_authtoken] password = ***'));
  assert.ok(lines.includes('[keystone_authtoken] service_token_roles = service'));
  for (const s of Object.values(SECRETS)) assert.ok(!lines.join('\n').includes(s), `${s} leaked`);
});

test('describeOption() redacts secrets and anything it does not know', () => {
  assert.equal(describeOption('keystone_authtoken', 'password', 'pw'), '[keystone_authtoken] password = ***');
  assert.equal(describeOption('api', 'bind_port', 8788), '[api] bind_port = 8788');
  assert.equal(describeOption('api', 'no_such_option', 'x'), '[api] no_such_option = ***');
});
