// The `protector` binary against a real pair of protector-api services: admin changes (sites,
// tenant mappings) refused like protection-group changes when the peer does not answer, the
// remote project checked in the peer's Keystone, names accepted where ids are, and machine
// output that ends with a newline.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startApi, type ApiHarness } from '../../../protector/test/helpers/api.js';
import { activePg } from '../../../protector/test/helpers/api-pg.js';
import { ProtectionGroups } from '../../../protector/src/db/protection-groups.js';
import { runProtector } from '../helpers/run-cli.js';

const h1 = await startApi({ peer: true });
const h2 = await startApi({ peerOf: h1 });
const peer = h1.peer!;

const dir = mkdtempSync(join(tmpdir(), 'cli-admin-'));
const cloud = (keystone: string, user: string, password: string, project: string) =>
  `    auth: {auth_url: '${keystone}/v3', username: ${user}, password: ${password}, project_name: ${project}, user_domain_name: Default, project_domain_name: Default}\n    region_name: RegionOne\n`;
writeFileSync(
  join(dir, 'clouds.yaml'),
  `clouds:\n  a-admin:\n${cloud(h1.site.url('keystone'), 'admin', 'secret', 'admin')}  b-admin:\n${cloud(peer.site.url('keystone'), 'admin', 'secret', 'admin')}` +
    `  a-demo:\n${cloud(h1.site.url('keystone'), 'alice', 'alice-pw', 'demo')}  b-demo:\n${cloud(peer.site.url('keystone'), 'alice', 'alice-pw', 'demo')}`,
);
const env = { PATH: process.env.PATH, HOME: dir, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml') };

/** The binary with `who`'s clouds on both sites (the peer's Protector at `peerUrl`); never throws. */
async function protector(who: 'admin' | 'demo', args: string[], o: { peerUrl?: string | null } = {}) {
  const global = ['--os-cloud', `a-${who}`, '--os-endpoint', h1.url, '--timeout', '5'];
  if (o.peerUrl !== null) global.push('--secondary-cloud', `b-${who}`, '--secondary-endpoint', o.peerUrl ?? h2.url);
  return runProtector([...global, ...args], env);
}
const DOWN = 'http://127.0.0.1:9';
const inventory = async (h: ApiHarness) => JSON.stringify([(await h.call('GET', '/v1/admin/sites', { token: await h.token('admin') })).body, (await h.call('GET', '/v1/admin/tenant-mappings', { token: await h.token('admin') })).body]);
const siteCreate = (name: string) => ['site', 'create', name, '--auth-url', `${peer.site.url('keystone')}/v3`, '--username', 'admin', '--password', 'secret', '--array-name', `${name}-array`];

test('site create, site delete, tenant-mapping create and delete: refused with exit 5 while the peer does not answer, nothing changed', async () => {
  const before = await inventory(h1);
  const mapping = ((await h1.call<{ tenant_mappings: { id: string }[] }>('GET', '/v1/admin/tenant-mappings', { token: await h1.token('admin') })).body.tenant_mappings[0]!).id;
  for (const args of [siteCreate('site-c'), ['site', 'delete', 'site-b'], ['tenant-mapping', 'create', '--local-project', h1.projects.other, '--remote-site', 'site-b', '--remote-project', peer.projects.other], ['tenant-mapping', 'delete', mapping]]) {
    const r = await protector('admin', args, { peerUrl: DOWN });
    assert.equal(r.code, 5, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^protector: site b-admin is unreachable \(.+\); the change was refused and nothing changed on either site\. .*\n$/, args.join(' '));
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
  assert.equal(await inventory(h1), before, 'nothing changed');
});

test('an admin change without --secondary-cloud is a usage error (exit 2) and changes nothing', async () => {
  const before = await inventory(h1);
  const r = await protector('admin', siteCreate('site-c'), { peerUrl: null });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /every change needs the peer site to answer first: name it with --secondary-cloud/);
  assert.equal(await inventory(h1), before);
});

test('site show and delete take a name as well as an id; -f json and yaml end with a newline', async () => {
  const shown = await protector('admin', ['site', 'show', 'site-b', '-f', 'json']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.ok(shown.stdout.endsWith('}\n'), JSON.stringify(shown.stdout.slice(-5)));
  assert.equal((JSON.parse(shown.stdout) as { id: string }).id, peer.remote.id);
  const yaml = await protector('admin', ['site', 'list', '-f', 'yaml']);
  assert.ok(yaml.stdout.endsWith('\n') && !yaml.stdout.endsWith('\n\n'), JSON.stringify(yaml.stdout.slice(-5)));
  const types = await protector('admin', ['site', 'list-volume-types', 'site-b', '-f', 'value', '-c', 'Name']);
  assert.equal(types.code, 0, types.stderr);
  assert.match(types.stdout, /replicated-async/);
  const missing = await protector('admin', ['site', 'show', 'nowhere']);
  assert.deepEqual([missing.code, missing.stderr], [1, "protector: no registered site 'nowhere' on a-admin\n"]);
  assert.equal((await protector('admin', siteCreate('site-c'))).code, 0);
  const del = await protector('admin', ['site', 'delete', 'site-c']);
  assert.equal(del.code, 0, del.stderr);
  assert.ok(!(await inventory(h1)).includes('site-c'), 'deleted by its name');
});

test('tenant-mapping create: the remote project must exist in the peer Keystone; --remote-site by name', async () => {
  const before = await inventory(h1);
  const ghost = '0123456789abcdef0123456789abcdef';
  const r = await protector('admin', ['tenant-mapping', 'create', '--local-project', h1.projects.other, '--remote-site', 'site-b', '--remote-project', ghost]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, `protector: project ${ghost} does not exist in b-admin's Keystone (site site-b); no tenant mapping was created\n`);
  assert.equal(await inventory(h1), before, 'nothing created');
  const ok = await protector('admin', ['tenant-mapping', 'create', '--local-project', h1.projects.other, '--remote-site', 'site-b', '--remote-project', peer.projects.other, '-f', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  const m = JSON.parse(ok.stdout) as { id: string; remote_site_id: string; remote_project_id: string };
  assert.deepEqual([m.remote_site_id, m.remote_project_id], [peer.remote.id, peer.projects.other]);
  assert.equal((await protector('admin', ['tenant-mapping', 'delete', m.id])).code, 0);
  assert.equal(await inventory(h1), before);
});

test('member add takes a server name, resolved in the project on the current primary; an ambiguous or unknown name is refused', async () => {
  const pg = await activePg(h1, 'by-name');
  await peer.bootServer('by-name-web', ['replicated-async']);
  const { serverId } = await peer.bootServer('by-name-db', ['replicated-async']);
  const added = await protector('demo', ['member', 'add', 'by-name', 'by-name-db', '-f', 'json']);
  assert.equal(added.code, 0, added.stderr);
  const opId = (JSON.parse(added.stdout) as { id: string }).id;
  const op = await h1.call<{ operation: { params: { server_id: string } } }>('GET', `/v1/${h1.projects.demo}/operations/${opId}`, { token: await h1.token('alice') });
  assert.equal(op.body.operation.params.server_id, serverId);
  await peer.bootServer('by-name-web', ['replicated-async']);
  const twin = await protector('demo', ['member', 'add', pg, 'by-name-web']);
  assert.equal(twin.code, 1);
  assert.match(twin.stderr, /^protector: more than one server is named 'by-name-web' in the project on a-demo \([0-9a-f-]+, [0-9a-f-]+\); use its id\n$/);
  // The peer is asked before the name: a stopped peer refuses with exit 5 whatever the name.
  assert.equal((await protector('demo', ['member', 'add', pg, 'no-such-server'], { peerUrl: DOWN })).code, 5);
  const ghost = await protector('demo', ['member', 'add', pg, 'no-such-server']);
  assert.deepEqual([ghost.code, ghost.stderr], [1, "protector: no server 'no-such-server' in the project on a-demo\n"]);
});

test('member remove takes a member by its recorded name as well as its server id; an unknown one is refused', async () => {
  const pg = await activePg(h1, 'rm-by-name');
  const details = { flavor_id: 'f', flavor_name: 'm1.tiny', image_id: null, availability_zone: null, key_name: null, ports: [], volumes: [] };
  await new ProtectionGroups(h1.deps.db).putMember({ id: 'member-rm-1', pg_id: pg, server_id: '5e1f0000-0000-4000-8000-000000000001', name: 'rm-db', boot_order: 0, details });
  const removed = await protector('demo', ['member', 'remove', pg, 'rm-db', '-f', 'json']);
  assert.equal(removed.code, 0, removed.stderr);
  const opId = (JSON.parse(removed.stdout) as { id: string }).id;
  const op = await h1.call<{ operation: { params: { server_id: string } } }>('GET', `/v1/${h1.projects.demo}/operations/${opId}`, { token: await h1.token('alice') });
  assert.equal(op.body.operation.params.server_id, '5e1f0000-0000-4000-8000-000000000001');
  const ghost = await protector('demo', ['member', 'remove', pg, 'no-such-member']);
  assert.equal(ghost.code, 1);
  assert.match(ghost.stderr, /^protector: no member 'no-such-member' of protection group .* on a-demo\n$/);
});
