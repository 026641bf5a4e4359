import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkConfig, configCheck, configSample, type Problem } from '../../src/config/index.js';

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'protector-check-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const summary = (problems: readonly Problem[]) => problems.map((p) => `${p.line} [${p.section}] ${p.key} ${p.severity}: ${p.message}`);

const GOOD = '[DEFAULT]\nsecret_key = k\n';

test('a clean file has no problems and `config check` says OK', () => {
  const path = write('ok.conf', `${GOOD}[api]\nbind_port = 8788\n`);
  assert.deepEqual(checkConfig({ files: [path] }), []);
  assert.deepEqual(configCheck([path]), { output: 'OK\n', exitCode: 0 });
});

test('every problem is reported with its file, line, section and key', () => {
  const path = write(
    'bad.conf',
    [
      '[DEFAULT]', //                          1
      'secret_key = k', //                     2
      'debug = perhaps', //                    3
      'connection = sqlite://', //             4  [database] connection falls back to it: fine
      'use_stderr = true', //                  5  an oslo.log option: warning
      '[api]', //                              6
      'bnd_port = 1', //                       7  typo
      'bind_port = 99999', //                  8
      'bind_port = 8788', //                   9  duplicate: warning
      '[API]', //                              10 case
      '[databse]', //                          11 typo
      'connection = x', //                     12 (inside an unknown section: not reported again)
      '[oslo_messaging_rabbit]', //            13 library: warning
      'rabbit_ha_queues = true', //            14
      '[storage]', //                          15
      'driver = netapp', //                    16
      'no separator here', //                  17
      '[engine]', //                           18
      'workers = 0', //                        19 deprecated and out of range
      'frobnicate = 1', //                     20 no suggestion
      '',
    ].join('\n'),
  );
  const problems = checkConfig({ files: [path] });
  assert.ok(problems.every((p) => p.file === path));
  assert.deepEqual(summary(problems), [
    '3 [DEFAULT] debug error: invalid boolean "perhaps" (use true/false, yes/no, on/off or 1/0) (boolean value)',
    '5 [DEFAULT] use_stderr warning: option of an oslo library Protector does not use; ignored',
    '7 [api] bnd_port error: unknown option; did you mean bind_port?',
    '8 [api] bind_port error: 99999 is greater than the maximum 65535 (port value)',
    '9 [api] bind_port warning: set more than once in this file; this value overrides line 8',
    '10 [API]  error: unknown section; did you mean [api]? (section names are case-sensitive)',
    '11 [databse]  error: unknown section; did you mean [database]?',
    '13 [oslo_messaging_rabbit]  warning: section of a library Protector does not use; ignored',
    '16 [storage] driver error: invalid choice "netapp"; valid choices are mock, pure (string value)',
    "17 [storage]  error: no '=' or ':' found in assignment",
    '19 [engine] workers warning: deprecated name; use [engine] lifecycle_concurrency',
    '19 [engine] workers error: 0 is less than the minimum 1 (integer value)',
    '20 [engine] frobnicate error: unknown option',
  ]);
});

test('`config check` prints FILE:LINE [section] key: message and exits 1 on errors', () => {
  const path = write('p.conf', `${GOOD}[api]\nbind_port = x\n[cache]\n`);
  const r = configCheck([path]);
  assert.equal(r.exitCode, 1);
  assert.deepEqual(r.output.trimEnd().split('\n'), [
    `${path}:4 [api] bind_port: error: invalid integer "x" (port value)`,
    `${path}:5 [cache]: warning: section of a library Protector does not use; ignored`,
  ]);
});

test('warnings alone exit 0 with the count', () => {
  const path = write('w.conf', `${GOOD}[oslo_concurrency]\nlock_path = /tmp\n`);
  assert.deepEqual(configCheck([path]), { output: `${path}:3 [oslo_concurrency]: warning: section of a library Protector does not use; ignored\nOK (1 warning)\n`, exitCode: 0 });
});

test('overridden values are still checked, in every file, in file order', () => {
  const a = write('a.conf', `${GOOD}[api]\nbind_port = bad\n`);
  const b = write('b.conf', '[api]\nbind_port = 1\nmax_limit = -5\n');
  const problems = checkConfig({ files: [a, b] });
  assert.deepEqual(problems.map((p) => [p.file, p.line, p.key]), [[a, 4, 'bind_port'], [b, 3, 'max_limit']]);
});

test('a repeated multi-valued option is not a duplicate', () => {
  const path = write('m.conf', `${GOOD}[oslo_policy]\npolicy_dirs = a\npolicy_dirs = b\n`);
  assert.deepEqual(checkConfig({ files: [path] }), []);
});

test('missing secret_key in production is an error located in the last file', () => {
  const path = write('prod.conf', '[database]\nconnection = mysql+pymysql://protector:pw@db:3306/protector\n');
  const problems = checkConfig({ files: [path] });
  assert.deepEqual(problems.map((p) => [p.file, p.line, p.section, p.key, p.severity]), [[path, 0, 'DEFAULT', 'secret_key', 'error']]);
  assert.equal(configCheck([path]).exitCode, 1);
});

test('unreadable and missing files and directories are reported, not thrown', () => {
  const missing = '/nonexistent/protector.conf';
  assert.deepEqual(summary(checkConfig({ files: [missing] }).filter((p) => p.file === missing)), ['0 []  error: cannot read config file: not found']);
  const dirAsFile = mkdtempSync(join(tmpdir(), 'protector-check-dir-'));
  assert.match(checkConfig({ files: [dirAsFile] })[0]?.message ?? '', /cannot read config file/);
  const notADir = write('x.conf', GOOD);
  assert.match(checkConfig({ files: [], dirs: [notADir] })[0]?.message ?? '', /not a directory/);
  if (process.getuid?.() !== 0) {
    const locked = write('locked.conf', GOOD);
    chmodSync(locked, 0o000);
    assert.match(checkConfig({ files: [locked] })[0]?.message ?? '', /permission denied/);
  }
});

test('config dirs are checked file by file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'protector-check-d-'));
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'conf.d', '10.conf'), `${GOOD}[api]\nbind_prot = 1\n`);
  const problems = checkConfig({ dirs: [join(dir, 'conf.d')] });
  assert.deepEqual(problems.map((p) => [p.file, p.line, p.message]), [[join(dir, 'conf.d', '10.conf'), 4, 'unknown option; did you mean bind_port?']]);
});

test('`config check` without files is a usage error; `config sample` prints the sample', () => {
  assert.equal(configCheck([]).exitCode, 2);
  const s = configSample();
  assert.equal(s.exitCode, 0);
  assert.match(s.output, /^\[database\]$/m);
});

test('a pure storage configuration is accepted when complete, and what it lacks is named', () => {
  const ca = write('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const pureBase = `${GOOD}[database]\nconnection = mysql+pymysql://protector:pw@127.0.0.1/protector\n[storage]\ndriver = pure\n`;
  const complete = write('pure.conf', `${pureBase}pure_ca_file = ${ca}\n`);
  assert.deepEqual(summary(checkConfig({ files: [complete] })), []);
  assert.deepEqual(configCheck([complete]), { output: 'OK\n', exitCode: 0 });

  const bare = write('pure-bare.conf', pureBase);
  assert.deepEqual(summary(checkConfig({ files: [bare] })).map((s) => s.replace(/:.*/, '')), ['0 [storage] pure_ca_file warning']);

  const bad = write('pure-bad.conf', `${pureBase}pure_ca_file = /nonexistent/ca.pem\npure_api_version = 2.1\nmock_storage_path = /tmp/x.db\n`);
  const found = summary(checkConfig({ files: [bad] }));
  assert.deepEqual(found, [
    '7 [storage] pure_ca_file error: cannot read the CA file: ENOENT',
    '8 [storage] pure_api_version error: 2.1 is below 2.4, the oldest FlashArray REST version the pure driver can work with',
    "9 [storage] mock_storage_path warning: ignored with driver = pure (it is the mock driver's simulated arrays)",
  ]);
  assert.equal(configCheck([bad]).exitCode, 1);

  const notPem = write('not-pem.pem', 'hello');
  const unverified = write('pure-insecure.conf', `${pureBase}pure_verify_ssl = false\npure_ca_file = ${notPem}\n`);
  assert.deepEqual(summary(checkConfig({ files: [unverified] })).map((s) => s.replace(/:.*/, '')), ['7 [storage] pure_verify_ssl warning', '8 [storage] pure_ca_file error']);
});
