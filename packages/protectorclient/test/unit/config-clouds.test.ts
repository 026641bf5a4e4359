import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { CloudConfigError, configSearchDirs, loadCloud, loadCloudFiles, resolveClouds, type Env, type RawCloud } from '../../src/config/index.js';

/** A sandbox: cwd, home, XDG and "/etc/openstack" all under one temp dir; the real ones are never read. */
const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'protector-clouds-'));
  roots.push(root);
  const dirs = { cwd: join(root, 'work'), home: join(root, 'home'), xdg: join(root, 'xdg'), systemDir: join(root, 'etc', 'openstack') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const opts = (env: Env = {}) => ({ env, cwd: dirs.cwd, home: dirs.home, systemDir: dirs.systemDir });
  const write = (dir: string, file: string, clouds: Record<string, RawCloud>) => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, file);
    writeFileSync(path, stringify({ clouds }));
    return path;
  };
  return { root, ...dirs, opts, write };
}

const pw = (url: string, extra: Record<string, unknown> = {}): RawCloud => ({
  auth: { auth_url: url, username: 'admin', password: 'admin-secret-pw', project_name: 'admin', user_domain_name: 'Default', project_domain_name: 'Default', ...extra },
  region_name: 'RegionOne',
});

describe('clouds.yaml search order (openstacksdk)', () => {
  it('current directory, then $XDG_CONFIG_HOME/openstack, ~/.config/openstack, /etc/openstack; the first file wins', () => {
    const s = sandbox();
    const env = { XDG_CONFIG_HOME: s.xdg };
    assert.deepEqual(configSearchDirs(s.opts(env)), [s.cwd, join(s.xdg, 'openstack'), join(s.home, '.config', 'openstack'), s.systemDir]);

    s.write(s.systemDir, 'clouds.yaml', { c: pw('http://etc:5000') });
    assert.equal(loadCloud('c', s.opts(env)).authUrl, 'http://etc:5000');
    s.write(join(s.home, '.config', 'openstack'), 'clouds.yaml', { c: pw('http://home:5000') });
    assert.equal(loadCloud('c', s.opts(env)).authUrl, 'http://home:5000');
    s.write(join(s.xdg, 'openstack'), 'clouds.yaml', { c: pw('http://xdg:5000') });
    assert.equal(loadCloud('c', s.opts(env)).authUrl, 'http://xdg:5000');
    // Without XDG_CONFIG_HOME the XDG directory is not searched.
    assert.equal(loadCloud('c', s.opts({})).authUrl, 'http://home:5000');
    const cwdFile = s.write(s.cwd, 'clouds.yml', { c: pw('http://cwd:5000') });
    const c = loadCloud('c', s.opts(env));
    assert.equal(c.authUrl, 'http://cwd:5000');
    assert.equal(c.source.file, cwdFile);
    // Files are not merged across locations: the first one found is the whole configuration.
    assert.throws(() => loadCloud('other', s.opts(env)), /cloud other not found/);
  });

  it('OS_CLIENT_CONFIG_FILE goes in front of the search; a missing one falls through', () => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { c: pw('http://cwd:5000') });
    const custom = s.write(join(s.root, 'elsewhere'), 'my-clouds.yaml', { c: pw('http://custom:5000') });
    assert.equal(loadCloud('c', s.opts({ OS_CLIENT_CONFIG_FILE: custom })).authUrl, 'http://custom:5000');
    assert.equal(loadCloud('c', s.opts({ OS_CLIENT_CONFIG_FILE: join(s.root, 'nope.yaml') })).authUrl, 'http://cwd:5000');
    assert.equal(loadCloudFiles(s.opts({ OS_CLIENT_CONFIG_FILE: custom })).searched[0], custom);
  });

  it('a clouds.yaml that is not YAML is an error naming the file', () => {
    const s = sandbox();
    writeFileSync(join(s.cwd, 'clouds.yaml'), 'clouds: [unclosed');
    assert.throws(() => loadCloud('c', s.opts()), (e: Error) => e instanceof CloudConfigError && e.message.includes(join(s.cwd, 'clouds.yaml')));
  });
});

describe('secure.yaml', () => {
  it('is found like clouds.yaml and deep-merged over it per cloud', () => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { a: { auth: { auth_url: 'http://a:5000', username: 'u', project_name: 'p' }, region_name: 'R1' }, b: pw('http://b:5000') });
    const secure = s.write(join(s.home, '.config', 'openstack'), 'secure.yaml', { a: { auth: { password: 'from-secure-yaml' } } });
    const a = loadCloud('a', s.opts());
    assert.equal(a.credentials.type, 'password');
    assert.equal(a.credentials.type === 'password' && a.credentials.password, 'from-secure-yaml');
    assert.equal(a.credentials.type === 'password' && a.credentials.username, 'u');
    assert.equal(a.region, 'R1');
    assert.equal(a.source.secureFile, secure);
    // A cloud secure.yaml does not mention keeps its own values.
    const b = loadCloud('b', s.opts());
    assert.equal(b.credentials.type === 'password' && b.credentials.password, 'admin-secret-pw');
  });

  it('OS_CLIENT_SECURE_FILE goes in front of its search', () => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { a: { auth: { auth_url: 'http://a:5000', username: 'u' } } });
    s.write(s.cwd, 'secure.yaml', { a: { auth: { password: 'cwd-secret' } } });
    const custom = s.write(join(s.root, 'vault'), 'sec.yaml', { a: { auth: { password: 'custom-secret' } } });
    const a = loadCloud('a', s.opts({ OS_CLIENT_SECURE_FILE: custom }));
    assert.equal(a.credentials.type === 'password' && a.credentials.password, 'custom-secret');
  });
});

describe('OS_* variables', () => {
  const envPw: Env = {
    OS_AUTH_URL: 'http://env:5000/v3',
    OS_USERNAME: 'demo',
    OS_PASSWORD: 'env-secret-pw',
    OS_PROJECT_NAME: 'demo',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_ID: 'default',
    OS_REGION_NAME: 'RegionTwo',
    OS_INTERFACE: 'internal',
  };

  it('form the cloud envvars when no cloud is chosen', () => {
    const s = sandbox();
    const { primary, secondary } = resolveClouds(s.opts(envPw));
    assert.equal(primary.name, 'envvars');
    assert.equal(primary.authUrl, 'http://env:5000/v3');
    assert.equal(primary.region, 'RegionTwo');
    assert.equal(primary.interface, 'internal');
    assert.equal(primary.authType, 'password');
    assert.deepEqual(primary.credentials, {
      type: 'password',
      username: 'demo',
      userDomainName: 'Default',
      password: 'env-secret-pw',
      scope: { projectName: 'demo', projectDomainId: 'default' },
    });
    assert.deepEqual(primary.source, { env: true });
    assert.equal(secondary, null);
    // OS_CLOUD_NAME renames it; loadCloud finds it by that name.
    assert.equal(resolveClouds(s.opts({ ...envPw, OS_CLOUD_NAME: 'mine' })).primary.name, 'mine');
    assert.equal(loadCloud('envvars', s.opts(envPw)).authUrl, 'http://env:5000/v3');
  });

  it('selectors alone (OS_REGION_NAME, OS_CLOUD_NAME) make no envvars cloud', () => {
    const s = sandbox();
    assert.throws(() => resolveClouds(s.opts({ OS_REGION_NAME: 'R', OS_CLOUD_NAME: 'x' })), /no cloud configured/);
  });

  it('override the chosen primary cloud (command line > OS_* > secure.yaml > clouds.yaml), never the secondary', () => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { a: pw('http://a:5000', { project_name: 'admin' }), b: pw('http://b:5000') });
    s.write(s.cwd, 'secure.yaml', { a: { auth: { password: 'secure-pw' } } });
    const env: Env = { OS_CLOUD: 'a', OS_SECONDARY_CLOUD: 'b', OS_PASSWORD: 'env-pw', OS_PROJECT_NAME: 'other', OS_REGION_NAME: 'RegionEnv' };
    const { primary, secondary } = resolveClouds({ ...s.opts(env), overrides: { region_name: 'RegionCli' } });
    assert.equal(primary.name, 'a');
    assert.equal(primary.authUrl, 'http://a:5000');
    assert.equal(primary.credentials.type === 'password' && primary.credentials.password, 'env-pw');
    assert.deepEqual(primary.credentials.type === 'password' && primary.credentials.scope, { projectName: 'other', projectDomainName: 'Default' });
    assert.equal(primary.region, 'RegionCli');
    assert.equal(primary.source.env, true);
    assert.ok(secondary);
    assert.equal(secondary.name, 'b');
    assert.equal(secondary.credentials.type === 'password' && secondary.credentials.password, 'admin-secret-pw');
    assert.equal(secondary.region, 'RegionOne');
    assert.deepEqual(secondary.credentials.type === 'password' && secondary.credentials.scope, { projectName: 'admin', projectDomainName: 'Default' });
    // Without OS_* values secure.yaml's password stands.
    const plain = resolveClouds(s.opts({ OS_CLOUD: 'a' })).primary;
    assert.equal(plain.credentials.type === 'password' && plain.credentials.password, 'secure-pw');
    assert.equal(plain.source.env, false);
  });

  it('OS_INSECURE and OS_CACERT set TLS', () => {
    const s = sandbox();
    assert.deepEqual(resolveClouds(s.opts({ ...envPw, OS_INSECURE: 'true' })).primary.tls, { verify: false });
    assert.deepEqual(resolveClouds(s.opts({ ...envPw, OS_CACERT: 'ca.pem' })).primary.tls, { verify: true, cacert: join(s.cwd, 'ca.pem') });
  });
});

describe('choosing clouds', () => {
  it('--os-cloud over OS_CLOUD, --secondary-cloud over OS_SECONDARY_CLOUD', () => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { a: pw('http://a:5000'), b: pw('http://b:5000'), c: pw('http://c:5000') });
    const env = { OS_CLOUD: 'a', OS_SECONDARY_CLOUD: 'b' };
    let r = resolveClouds(s.opts(env));
    assert.deepEqual([r.primary.name, r.secondary?.name], ['a', 'b']);
    r = resolveClouds({ ...s.opts(env), cloud: 'c', secondaryCloud: 'a' });
    assert.deepEqual([r.primary.name, r.secondary?.name], ['c', 'a']);
    assert.equal(r.primary.authUrl, 'http://c:5000');
  });

  it('the only cloud in clouds.yaml is the default; several need a choice', () => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { solo: pw('http://solo:5000') });
    assert.equal(resolveClouds(s.opts()).primary.name, 'solo');
    s.write(s.cwd, 'clouds.yaml', { a: pw('http://a:5000'), b: pw('http://b:5000') });
    assert.throws(() => resolveClouds(s.opts()), /no cloud chosen: use --os-cloud or OS_CLOUD \(clouds in .*: a, b\)/);
  });

  it('the secondary must be another cloud than the primary', () => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { a: pw('http://a:5000') });
    assert.throws(() => resolveClouds({ ...s.opts(), cloud: 'a', secondaryCloud: 'a' }), /another site/);
  });

  it('an unknown cloud names the cloud and the files', () => {
    const s = sandbox();
    assert.throws(
      () => resolveClouds({ ...s.opts(), cloud: 'site-z' }),
      (e: Error) => e instanceof CloudConfigError && /cloud site-z not found: no clouds.yaml found; searched/.test(e.message) && e.message.includes(join(s.cwd, 'clouds.yaml')) && e.message.includes(join(s.systemDir, 'clouds.yaml')),
    );
    const file = s.write(s.cwd, 'clouds.yaml', { a: pw('http://a:5000') });
    assert.throws(
      () => resolveClouds({ ...s.opts(), cloud: 'a', secondaryCloud: 'site-z' }),
      (e: Error) => e.message.startsWith(`cloud site-z not found in ${file} (clouds there: a;`) && e.message.includes(join(s.home, '.config', 'openstack', 'clouds.yaml')),
    );
  });

  it('a cloud without auth_url is an error naming the field and the cloud', () => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { broken: { auth: { username: 'u', password: 'p' } } });
    assert.throws(() => loadCloud('broken', s.opts()), /cloud broken has no auth_url \(auth\.auth_url in clouds\.yaml, or OS_AUTH_URL\)/);
  });
});

describe('auth types', () => {
  const load = (cloud: RawCloud) => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { x: cloud });
    return loadCloud('x', s.opts());
  };
  const url = 'https://keystone.example:5000';

  it('password and v3password, by name or id, project/domain/system scoped', () => {
    for (const auth_type of ['password', 'v3password', undefined]) {
      const c = load({ auth_type, auth: { auth_url: url, user_id: 'u1', password: 'pw-123456', project_id: 'p1' } });
      assert.deepEqual(c.credentials, { type: 'password', userId: 'u1', password: 'pw-123456', scope: { projectId: 'p1' } });
    }
    assert.deepEqual(load({ auth: { auth_url: url, username: 'u', password: 'pw', domain_name: 'D' } }).credentials, {
      type: 'password',
      username: 'u',
      password: 'pw',
      scope: { domainName: 'D' },
    });
    assert.deepEqual(load({ auth: { auth_url: url, username: 'u', password: 'pw', system_scope: 'all', default_domain_id: 'dd' } }).credentials, {
      type: 'password',
      username: 'u',
      userDomainId: 'dd',
      password: 'pw',
      scope: { system: 'all' },
    });
    // Top-level auth keys and legacy tenant_name are understood, as by openstacksdk.
    assert.deepEqual(load({ auth_url: url, username: 'u', password: 'pw', tenant_name: 't' }).credentials, {
      type: 'password',
      username: 'u',
      password: 'pw',
      scope: { projectName: 't' },
    });
    assert.throws(() => load({ auth: { auth_url: url, username: 'u' } }), /cloud x: auth\.password is missing \(auth_type password\)/);
    assert.throws(() => load({ auth: { auth_url: url, password: 'pw' } }), /auth\.username or auth\.user_id is missing/);
  });

  it('token and v3token (inferred from a token without a password)', () => {
    for (const auth_type of ['token', 'v3token', 'V3Token', undefined]) {
      const c = load({ auth_type, auth: { auth_url: url, token: 'tok-abcdef', project_name: 'p', project_domain_name: 'D' } });
      assert.deepEqual(c.credentials, { type: 'token', token: 'tok-abcdef', scope: { projectName: 'p', projectDomainName: 'D' } });
    }
    assert.throws(() => load({ auth_type: 'token', auth: { auth_url: url } }), /auth\.token is missing/);
  });

  it('v3applicationcredential and applicationcredential, by id or by name with the user', () => {
    for (const auth_type of ['v3applicationcredential', 'applicationcredential', undefined]) {
      const c = load({ auth_type, auth: { auth_url: url, application_credential_id: 'ac1', application_credential_secret: 'ac-secret-1' } });
      assert.deepEqual(c.credentials, { type: 'application_credential', id: 'ac1', secret: 'ac-secret-1' });
    }
    const byName = load({
      auth_type: 'v3applicationcredential',
      auth: { auth_url: url, application_credential_name: 'dr', application_credential_secret: 's', username: 'u', user_domain_id: 'default' },
    });
    assert.deepEqual(byName.credentials, { type: 'application_credential', name: 'dr', secret: 's', user: { username: 'u', userDomainId: 'default' } });
    assert.throws(() => load({ auth_type: 'v3applicationcredential', auth: { auth_url: url, application_credential_name: 'dr', application_credential_secret: 's' } }), /needs auth\.username or auth\.user_id/);
    assert.throws(() => load({ auth_type: 'v3applicationcredential', auth: { auth_url: url, application_credential_id: 'x' } }), /auth\.application_credential_secret is missing/);
  });

  it('from OS_AUTH_TYPE and OS_APPLICATION_CREDENTIAL_* / OS_TOKEN', () => {
    const s = sandbox();
    const ac = resolveClouds(s.opts({ OS_AUTH_URL: url, OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_ID: 'ac', OS_APPLICATION_CREDENTIAL_SECRET: 'sec' })).primary;
    assert.deepEqual(ac.credentials, { type: 'application_credential', id: 'ac', secret: 'sec' });
    const tok = resolveClouds(s.opts({ OS_AUTH_URL: url, OS_AUTH_TYPE: 'token', OS_TOKEN: 'gAAAAAtoken', OS_PROJECT_ID: 'p1' })).primary;
    assert.deepEqual(tok.credentials, { type: 'token', token: 'gAAAAAtoken', scope: { projectId: 'p1' } });
    const user = resolveClouds(s.opts({ OS_AUTH_URL: url, OS_USER_ID: 'u1', OS_PASSWORD: 'pw', OS_DOMAIN_ID: 'd1', OS_USER_DOMAIN_ID: 'ud' })).primary;
    assert.deepEqual(user.credentials, { type: 'password', userId: 'u1', userDomainId: 'ud', password: 'pw', scope: { domainId: 'd1' } });
  });

  it('unsupported auth types, identity versions, interfaces and profiles are errors', () => {
    assert.throws(() => load({ auth_type: 'v3oidcpassword', auth: { auth_url: url } }), /cloud x: auth_type v3oidcpassword is not supported \(use one of password, v3password/);
    assert.throws(() => load({ identity_api_version: 2, ...pw(url) }), /cloud x: identity_api_version 2 is not supported \(only 3\)/);
    assert.equal(load({ identity_api_version: 3, ...pw(url) }).authUrl, url);
    assert.equal(load({ identity_api_version: '3', ...pw(url) }).authUrl, url);
    assert.throws(() => load({ interface: 'private', ...pw(url) }), /interface private is not one of public, internal, admin/);
    assert.equal(load({ interface: 'adminURL', ...pw(url) }).interface, 'admin');
    assert.equal(load(pw(url)).interface, 'public');
    assert.throws(() => load({ profile: 'vexxhost', auth: { username: 'u' } }), /vendor profiles \(profile:\) are not supported/);
  });
});

describe('TLS settings', () => {
  const load = (cloud: RawCloud, env: Env = {}) => {
    const s = sandbox();
    s.write(s.cwd, 'clouds.yaml', { x: cloud });
    return { s, c: loadCloud('x', s.opts(env)) };
  };
  const url = 'https://keystone.example:5000';

  it('verify: false and insecure: true turn verification off', () => {
    assert.deepEqual(load({ ...pw(url), verify: false }).c.tls, { verify: false });
    assert.deepEqual(load({ ...pw(url), insecure: 'True' }).c.tls, { verify: false });
    assert.deepEqual(load({ ...pw(url), verify: false }).c.httpOptions().tls, { rejectUnauthorized: false });
    assert.deepEqual(load(pw(url)).c.tls, { verify: true });
    assert.equal(load(pw(url)).c.httpOptions().tls, undefined);
  });

  it('cacert: ~ and relative paths are expanded; the file is read into HttpOptions.tls.ca', () => {
    const { s, c } = load({ ...pw(url), cacert: '~/ca.pem' });
    assert.deepEqual(c.tls, { verify: true, cacert: join(s.home, 'ca.pem') });
    assert.throws(() => c.httpOptions(), /cloud x: cannot read cacert .*ca\.pem: ENOENT/);
    writeFileSync(join(s.home, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const opts = c.siteClientsOptions({ timeoutMs: 5000 });
    assert.equal(opts.authUrl, url);
    assert.equal(opts.region, 'RegionOne');
    assert.equal(opts.interface, 'public');
    assert.equal(opts.http?.site, 'x');
    assert.equal(opts.http?.timeoutMs, 5000);
    assert.match(String(opts.http?.tls?.ca), /BEGIN CERTIFICATE/);
    assert.equal(opts.http?.tls?.rejectUnauthorized, true);
    // verify may also carry the CA path (requests' convention).
    assert.deepEqual(load({ ...pw(url), verify: 'certs/ca.pem' }).c.tls.cacert?.endsWith(join('work', 'certs', 'ca.pem')), true);
    // verify: false wins over a cacert.
    assert.equal(load({ ...pw(url), cacert: '/x.pem', verify: false }).c.httpOptions().tls?.rejectUnauthorized, false);
  });
});

describe('redaction', () => {
  const s = sandbox();
  s.write(s.cwd, 'clouds.yaml', {
    p: pw('http://p:5000', { password: 'hunter2-password' }),
    t: { auth_type: 'token', auth: { auth_url: 'http://t:5000', token: 'gAAAAA-very-secret-token' } },
    ac: { auth: { auth_url: 'http://ac:5000', application_credential_id: 'ac', application_credential_secret: 'ac-very-secret' } },
  });
  for (const [name, secret] of [
    ['p', 'hunter2-password'],
    ['t', 'gAAAAA-very-secret-token'],
    ['ac', 'ac-very-secret'],
  ] as const) {
    it(`${name}: toString, JSON and inspect show *** instead of the secret; the credentials keep it`, () => {
      const c = loadCloud(name, s.opts());
      for (const text of [String(c), `${c}`, JSON.stringify(c), JSON.stringify({ nested: [c] }), inspect(c, { depth: 10 }), c.toString()]) {
        assert.ok(!text.includes(secret), text);
        assert.ok(text.includes('***'), text);
      }
      assert.ok(JSON.stringify(c.credentials).includes(secret));
      assert.equal((c.toJSON().credentials as Record<string, unknown>).type, c.credentials.type);
    });
  }
});
