import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, tryLoadConfig } from '../../src/config/index.js';

/** Writes the files into a fresh directory and returns their paths, in the order given. */
function files(contents: Record<string, string>): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'protector-config-'));
  const paths = Object.entries(contents).map(([name, text]) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  });
  return { dir, paths };
}

const load = (text: string) => loadConfig({ files: files({ 'protector.conf': text }).paths });

test('no files: every option has its documented default', () => {
  const cfg = loadConfig();
  assert.equal(cfg.DEFAULT.host, hostname());
  assert.equal(cfg.DEFAULT.debug, false);
  assert.equal(cfg.DEFAULT.transport_url, '');
  assert.equal(cfg.api.bind_host, '127.0.0.1');
  assert.equal(cfg.api.bind_port, 8788);
  assert.equal(cfg.api.max_limit, 1000);
  assert.equal(cfg.api.default_limit, 100);
  assert.equal(cfg.database.connection, 'sqlite:////var/lib/protector/protector.db');
  assert.equal(cfg.database.max_pool_size, 5);
  assert.equal(cfg.database.connection_recycle_time, 3600);
  assert.equal(cfg.keystone_authtoken.interface, 'internal');
  assert.equal(cfg.keystone_authtoken.token_cache_time, 300);
  assert.deepEqual(cfg.keystone_authtoken.service_token_roles, ['service']);
  assert.equal(cfg.keystone_authtoken.user_domain_name, 'Default');
  assert.equal(cfg.oslo_policy.policy_file, 'policy.yaml');
  assert.equal(cfg.oslo_policy.enforce_scope, false);
  assert.equal(cfg.storage.driver, 'mock');
  assert.equal(cfg.storage.pure_verify_ssl, true);
  assert.equal(cfg.storage.pure_api_version, '2.20');
  assert.equal(cfg.engine.dr_concurrency, 32);
  assert.equal(cfg.engine.lifecycle_concurrency, 8);
  assert.equal(cfg.engine.lease_seconds, 30);
  assert.equal(cfg.engine.heartbeat_seconds, 10);
  assert.equal(cfg.engine.poll_interval, 1);
  assert.equal(cfg.engine.step_timeout, 600);
  assert.equal(cfg.engine.server_boot_timeout, 600);
  assert.equal(cfg.metrics.enabled, true);
  assert.deepEqual(cfg.config_file, []);
});

test('values are typed and the result is deeply frozen', () => {
  const cfg = load('[api]\nbind_port = 9999\n[keystone_authtoken]\nservice_token_roles = service, admin\n[engine]\npoll_interval = 0.25\n[metrics]\nenabled = off\n');
  assert.equal(cfg.api.bind_port, 9999);
  assert.deepEqual(cfg.keystone_authtoken.service_token_roles, ['service', 'admin']);
  assert.equal(cfg.engine.poll_interval, 0.25);
  assert.equal(cfg.metrics.enabled, false);
  assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.api) && Object.isFrozen(cfg.keystone_authtoken.service_token_roles));
  assert.throws(() => {
    (cfg.api as { bind_port: number }).bind_port = 1;
  }, TypeError);
});

test('single-valued options: the last occurrence in a file wins', () => {
  assert.equal(load('[api]\nbind_port = 1\nbind_port = 2\n[engine]\n[api]\nbind_port = 3\n').api.bind_port, 3);
});

test('multi-valued options accumulate, and setting one replaces its default', () => {
  const cfg = load('[oslo_policy]\npolicy_dirs = a\npolicy_dirs = b\n');
  assert.deepEqual(cfg.oslo_policy.policy_dirs, ['a', 'b']);
  assert.deepEqual(loadConfig().oslo_policy.policy_dirs, ['policy.d']);
});

test('an option not set in its own section falls back to [DEFAULT]; its own section wins', () => {
  const r = tryLoadConfig({ files: files({ 'p.conf': '[DEFAULT]\nbind_port = 1234\n[api]\n' }).paths });
  assert.equal(r.config?.api.bind_port, 1234);
  assert.equal(load('[DEFAULT]\nbind_port = 1234\n[api]\nbind_port = 4321\n').api.bind_port, 4321);
  // A section's value in an older file still beats a [DEFAULT] value in a newer one.
  const two = files({ 'a.conf': '[api]\nbind_port = 1111\n', 'b.conf': '[DEFAULT]\nbind_port = 2222\n' }).paths;
  assert.equal(tryLoadConfig({ files: two }).config?.api.bind_port, 1111);
  // and a [DEFAULT] option is not read from another section
  assert.equal(load('[api]\ndebug = true\n').DEFAULT.debug, false);
  assert.equal(load('[DEFAULT]\ndebug = true\n').DEFAULT.debug, true);
});

test('continuation lines, quotes and "key: value" reach typed values', () => {
  const cfg = load('[keystone_authtoken]\nusername: "protector"\nservice_token_roles = service,\n  admin\n');
  assert.equal(cfg.keystone_authtoken.username, 'protector');
  assert.deepEqual(cfg.keystone_authtoken.service_token_roles, ['service', 'admin']);
});

test('section names are case-sensitive, except DEFAULT', () => {
  const cfg = load('[default]\ndebug = yes\n[API]\nbind_port = 1\n');
  assert.equal(cfg.DEFAULT.debug, true);
  assert.equal(cfg.api.bind_port, 8788);
});

test('an empty number, boolean or choice means its default; an empty string is empty', () => {
  const cfg = load('[api]\nbind_port =\nbind_host =\n[storage]\ndriver =\n[database]\nconnection =\n');
  assert.equal(cfg.api.bind_port, 8788);
  assert.equal(cfg.database.connection, 'sqlite:////var/lib/protector/protector.db');
  assert.equal(cfg.api.bind_host, '');
  assert.equal(cfg.storage.driver, 'mock');
});

test('later --config-file overrides earlier, option by option; multi-values add up across files', () => {
  const { paths } = files({
    'a.conf': '[api]\nbind_port = 1\nbind_host = 10.0.0.1\n[oslo_policy]\npolicy_dirs = a\n',
    'b.conf': '[api]\nbind_port = 2\n[oslo_policy]\npolicy_dirs = b\n',
  });
  const cfg = loadConfig({ files: paths });
  assert.equal(cfg.api.bind_port, 2);
  assert.equal(cfg.api.bind_host, '10.0.0.1');
  assert.deepEqual(cfg.oslo_policy.policy_dirs, ['a', 'b']);
  assert.deepEqual(cfg.config_file, paths);
  assert.equal(loadConfig({ files: [...paths].reverse() }).api.bind_port, 1);
});

test('--config-dir: *.conf files in name order, after (so over) the config files', () => {
  const { dir, paths } = files({
    'protector.conf': '[api]\nbind_port = 1\nbind_host = main\n',
    'conf.d/20-late.conf': '[api]\nbind_port = 20\n',
    'conf.d/10-early.conf': '[api]\nbind_port = 10\nmax_limit = 500\n',
    'conf.d/99-ignored.conf.bak': '[api]\nbind_port = 99\n',
  });
  const cfg = loadConfig({ files: [paths[0] ?? ''], dirs: [join(dir, 'conf.d')] });
  assert.equal(cfg.api.bind_port, 20);
  assert.equal(cfg.api.max_limit, 500);
  assert.equal(cfg.api.bind_host, 'main');
  assert.deepEqual(cfg.config_file.map((p) => p.slice(dir.length + 1)), ['protector.conf', 'conf.d/10-early.conf', 'conf.d/20-late.conf']);
  assert.deepEqual(cfg.config_dir, [join(dir, 'conf.d')]);
});

test('deprecated names are read, the new name wins within a file, a newer file wins over both', () => {
  assert.equal(load('[engine]\nworkers = 7\n').engine.lifecycle_concurrency, 7);
  assert.equal(load('[engine]\nconcurrency = 5\n').engine.lifecycle_concurrency, 5, 'the old single limit now bounds lifecycle work');
  assert.equal(load('[engine]\nlifecycle_concurrency = 3\nconcurrency = 5\nworkers = 7\n').engine.lifecycle_concurrency, 3);
  assert.equal(load('[DEFAULT]\nsecret_key = k\nsql_connection = mysql://u:p@db/protector\n').database.connection, 'mysql://u:p@db/protector');
  const { paths } = files({ 'a.conf': '[engine]\nlifecycle_concurrency = 3\n', 'b.conf': '[engine]\nworkers = 9\n' });
  assert.equal(loadConfig({ files: paths }).engine.lifecycle_concurrency, 9);
  const r = tryLoadConfig({ files: paths });
  assert.deepEqual(r.problems.filter((p) => p.key !== 'secret_key').map((p) => [p.severity, p.key, p.line]), [['warning', 'workers', 2]]);
});

test('every error is collected into one ConfigError, with file and line', () => {
  const { paths } = files({ 'bad.conf': '[api]\nbind_port = 70000\nmax_limit = many\n[storage]\ndriver = netapp\n[DEFAULT]\ndebug = perhaps\n' });
  const err = (() => {
    try {
      loadConfig({ files: paths });
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(err instanceof ConfigError);
  const errors = err.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map((p) => [p.file === paths[0], p.line, p.section, p.key]), [
    [true, 7, 'DEFAULT', 'debug'],
    [true, 2, 'api', 'bind_port'],
    [true, 3, 'api', 'max_limit'],
    [true, 5, 'storage', 'driver'],
  ]);
  assert.match(err.message, /4 errors/);
  assert.match(err.message, /bad\.conf:2 \[api\] bind_port: error: 70000 is greater than the maximum 65535/);
});

test('a bad value overridden by a later file does not stop loading', () => {
  const { paths } = files({ 'a.conf': '[api]\nbind_port = oops\n', 'b.conf': '[api]\nbind_port = 8000\n' });
  assert.equal(loadConfig({ files: paths }).api.bind_port, 8000);
});

test('a missing --config-file or --config-dir is an error, as in oslo.config', () => {
  assert.throws(() => loadConfig({ files: ['/nonexistent/protector.conf'] }), /protector\.conf:0: error: cannot read config file: not found/);
  assert.throws(() => loadConfig({ dirs: ['/nonexistent/conf.d'] }), /cannot read config directory: not found/);
});

test('cross-option rules: default_limit <= max_limit, heartbeat shorter than the lease, report_interval shorter than service_down_time', () => {
  assert.throws(() => load('[api]\nmax_limit = 10\n'), /\[api\] default_limit: error: default_limit 100 is greater than max_limit 10/);
  assert.throws(() => load('[engine]\nheartbeat_seconds = 30\n'), /protector\.conf:2 \[engine\] heartbeat_seconds: error: .*less than lease_seconds 30/);
  assert.throws(() => load('[DEFAULT]\nservice_down_time = 10\n'), /\[DEFAULT\] report_interval: error: report_interval 10 must be less than service_down_time 10/);
  assert.equal(load('[DEFAULT]\nreport_interval = 2\nservice_down_time = 5\n').DEFAULT.service_down_time, 5);
});

test('secret_key: a warning with the embedded defaults, an error in production', () => {
  const dev = tryLoadConfig();
  assert.ok(dev.config);
  assert.deepEqual(dev.problems.map((p) => [p.severity, p.section, p.key]), [['warning', 'DEFAULT', 'secret_key']]);
  assert.throws(() => load('[database]\nconnection = mysql+pymysql://protector:pw@db:3306/protector\n'), /\[DEFAULT\] secret_key: error: required option is not set/);
  assert.throws(() => load('[storage]\ndriver = pure\n'), /secret_key: error/);
  const prod = load('[DEFAULT]\nsecret_key = s3cr3t\n[storage]\ndriver = pure\n');
  assert.equal(prod.DEFAULT.secret_key, 's3cr3t');
});

test('CRLF line ends and a byte-order mark are accepted', () => {
  assert.equal(load('\uFEFF[api]\r\nbind_port = 1234\r\n').api.bind_port, 1234);
});
