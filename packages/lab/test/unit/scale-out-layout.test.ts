// How `protector-lab up --apis/--engines/--database/--transport-url` lays a site out: the sites'
// databases and vhosts, the checks of the URLs, each process's files, host and port, and a state
// file from before several processes per site still read.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkDatabaseUrl, checkTransportUrl, siteDatabaseName, siteDatabaseUrl, siteTransportUrl, siteVhost } from '../../src/backends.js';
import { protectorConf, serviceProcesses } from '../../src/protector.js';
import { labSites } from '../../src/sites.js';
import { readState } from '../../src/state.js';

test('each site gets its own database on the server, the URL naming their prefix', () => {
  assert.equal(siteDatabaseName('mysql+pymysql://u:pw@db:3306/', 'site-a'), 'protector_site_a');
  assert.equal(siteDatabaseName('mysql+pymysql://u:pw@db:3306', 'site-b'), 'protector_site_b');
  assert.equal(siteDatabaseName('mysql://u:pw@db/protector_test', 'site-a'), 'protector_test_site_a');
  assert.equal(siteDatabaseUrl('mysql+pymysql://u:p%40w@db:3306/lab?charset=utf8mb4', 'site-b'), 'mysql+pymysql://u:p%40w@db:3306/lab_site_b?charset=utf8mb4');
  assert.equal(siteDatabaseUrl('mysql+pymysql://u:pw@127.0.0.1:15600/', 'site-a'), 'mysql+pymysql://u:pw@127.0.0.1:15600/protector_site_a');
});

test('each site gets its own vhost on the broker, the URL naming their prefix', () => {
  assert.equal(siteVhost('rabbit://u:pw@mq:5672/', 'site-a'), 'site-a');
  assert.equal(siteVhost('rabbit://u:pw@mq:5672', 'site-b'), 'site-b');
  assert.equal(siteVhost('rabbit://u:pw@mq:5672/%2F', 'site-a'), 'site-a');
  assert.equal(siteVhost('rabbit://u:pw@mq:5672/lab1', 'site-b'), 'lab1-site-b');
  assert.equal(siteTransportUrl('rabbit://u:pw@mq:5672/', 'site-a'), 'rabbit://u:pw@mq:5672/site-a');
  assert.equal(siteTransportUrl('rabbit://u:pw@mq:5672/lab1', 'site-b'), 'rabbit://u:pw@mq:5672/lab1-site-b');
});

test('--database and --transport-url refuse what they cannot use, naming the option and never the password', () => {
  assert.equal(checkDatabaseUrl('mysql+pymysql://u:pw@db:3306/'), 'mysql+pymysql://u:pw@db:3306/');
  assert.throws(() => checkDatabaseUrl('sqlite:////tmp/x.db'), /^Error: --database: expected a MariaDB\/MySQL URL .*not 'sqlite:\/\/…'/);
  assert.throws(() => checkDatabaseUrl('db:3306'), /--database: expected a MariaDB\/MySQL URL/);
  assert.throws(() => checkDatabaseUrl('not a url'), /--database: 'not a url' is not a URL/);
  assert.throws(() => checkDatabaseUrl('mysql+pymysql://db:3306/'), /--database: the URL names no user/);
  assert.throws(() => checkDatabaseUrl('mysql+pymysql://u:secret@db:3306/bad-name'), (err: Error) => /--database: 'bad-name' cannot prefix/.test(err.message) && !err.message.includes('secret'));
  assert.equal(checkTransportUrl('rabbit://u:pw@mq:5672/'), 'rabbit://u:pw@mq:5672/');
  assert.throws(() => checkTransportUrl('amqp://u:pw@mq:5672/'), /--transport-url: expected rabbit:\/\//);
  assert.throws(() => checkTransportUrl('rabbit://mq:5672/'), /--transport-url: the URL names no user/);
  assert.throws(() => checkTransportUrl('rabbit://u:pw@mq1:5672,u:pw@mq2:5672/'), /--transport-url: give one broker/);
});

test('one process of a kind runs on protector.conf alone, as before; several each get a host, a file and a log of their own', () => {
  const [a] = labSites(15000);
  const one = serviceProcesses(a!, '/lab', { apis: 1, engines: 1 });
  assert.deepEqual(
    one.map((p) => [p.name, p.host, p.config, p.log, p.url]),
    [
      ['protector-api', 'site-a', ['/lab/site-a/protector/protector.conf'], '/lab/site-a/protector/protector-api.log', 'http://127.0.0.1:15007'],
      ['protector-engine', 'site-a', ['/lab/site-a/protector/protector.conf'], '/lab/site-a/protector/protector-engine.log', undefined],
    ],
  );
  const many = serviceProcesses(a!, '/lab', { apis: 3, engines: 2 });
  assert.deepEqual(
    many.map((p) => [p.kind, p.host, p.config[1], p.url]),
    [
      ['api', 'site-a-api-1', '/lab/site-a/protector/protector-api-1.conf', 'http://127.0.0.1:15007'],
      ['api', 'site-a-api-2', '/lab/site-a/protector/protector-api-2.conf', 'http://127.0.0.1:15021'],
      ['api', 'site-a-api-3', '/lab/site-a/protector/protector-api-3.conf', 'http://127.0.0.1:15022'],
      ['engine', 'site-a-engine-1', '/lab/site-a/protector/protector-engine-1.conf', undefined],
      ['engine', 'site-a-engine-2', '/lab/site-a/protector/protector-engine-2.conf', undefined],
    ],
  );
  assert.equal(new Set(many.map((p) => p.log)).size, many.length);
});

test("protector.conf names the site's database and bus when given, its SQLite file and the database bus otherwise", () => {
  const [a] = labSites(15000);
  const plain = protectorConf(a!, '/lab');
  assert.match(plain, /\[database\]\nconnection = sqlite:\/\/\/\/lab\/site-a\/protector\/protector\.db\n/);
  assert.doesNotMatch(plain, /transport_url/);
  const scaled = protectorConf(a!, '/lab', { storage: 'pure', database: 'mysql+pymysql://u:pw@db:3306/protector_site_a', transportUrl: 'rabbit://u:pw@mq:5672/site-a' });
  assert.match(scaled, /\[DEFAULT\]\nhost = site-a\nsecret_key = .*\ntransport_url = rabbit:\/\/u:pw@mq:5672\/site-a\n/);
  assert.match(scaled, /\[database\]\nconnection = mysql\+pymysql:\/\/u:pw@db:3306\/protector_site_a\n/);
});

test('a state file written before several processes per site is read as one API and one engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-state-'));
  try {
    const api = { pid: 11, url: 'http://127.0.0.1:15007', log: '/lab/site-a/protector/protector-api.log' };
    const engine = { pid: 12, log: '/lab/site-a/protector/protector-engine.log' };
    writeFileSync(join(dir, 'lab.json'), JSON.stringify({ sites: [], protector: [{ site: 'site-a', api, engine }] }));
    const [p] = readState(dir)!.protector!;
    assert.deepEqual(p, {
      site: 'site-a',
      processes: [
        { kind: 'api', name: 'protector-api', host: 'site-a', config: ['/lab/site-a/protector/protector.conf'], log: api.log, url: api.url, pid: 11 },
        { kind: 'engine', name: 'protector-engine', host: 'site-a', config: ['/lab/site-a/protector/protector.conf'], log: engine.log, pid: 12 },
      ],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
