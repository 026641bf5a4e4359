// `protector-lab up --detach` from the compiled binary (what `npm start` runs), then status and down.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ArrayModel } from '@protector/arraysim';
import { ArrayRestClient } from '@protector/arraysim/rest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../dist/bin/protector-lab.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lab-'));
const lab = (...args: string[]) => run(process.execPath, [bin, ...args, '--dir', dir], { timeout: 120_000 });

after(async () => {
  await lab('down').catch(() => undefined);
});

test('the lab brings up two seeded sites and stops them', async () => {
  const up = await lab('up', '--detach', '--base-port', '18000');
  assert.match(up.stdout, /site-a: Keystone http:\/\/127\.0\.0\.1:18000\/v3/);
  assert.match(up.stdout, /site-b: Keystone http:\/\/127\.0\.0\.1:18100\/v3/);
  // The array faces are HTTPS only, and the CA file to verify them with is named.
  assert.match(up.stdout, /site-a-array: .* REST https:\/\/127\.0\.0\.1:18006\/api\/api_version/);
  assert.doesNotMatch(up.stdout, /REST http:/);
  assert.ok(up.stdout.includes(`arrays CA: ${join(dir, 'array-ca.pem')}`), up.stdout);
  // The dashboard is up with a login that works on both sites, as printed.
  assert.match(up.stdout, /dashboard: http:\/\/127\.0\.0\.1:18008 {3}log in as demo \/ demo, project demo \(to both sites\)/);
  const login = await fetch('http://127.0.0.1:18008/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo', project: 'demo' }) });
  const session = (await login.json()) as { sites: { name: string; logged_in: boolean }[]; failures: unknown[] };
  assert.equal(login.status, 200, JSON.stringify(session));
  assert.deepEqual(session.sites.map((s) => [s.name, s.logged_in]), [['site-a', true], ['site-b', true]]);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const table = await fetch('http://127.0.0.1:18008/api/protection-groups', { headers: { cookie } });
  assert.equal(table.status, 200, await table.clone().text());

  const clouds = parse(readFileSync(join(dir, 'clouds.yaml'), 'utf8')) as {
    clouds: Record<string, { auth: { auth_url: string } }>;
  };
  assert.deepEqual(Object.keys(clouds.clouds).sort(), ['site-a', 'site-a-demo', 'site-b', 'site-b-demo']);

  // The demo tenant sees its two VMs on site-a and none on site-b.
  const bootVolumes: Record<string, string[]> = {};
  let seeded: { id: string; name: string }[] = [];
  for (const [site, base, expected] of [['site-a', 18000, ['db-1', 'web-1']], ['site-b', 18100, []]] as const) {
    const auth = await fetch(`http://127.0.0.1:${base}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'demo', password: 'demo', domain: { id: 'default' } } } },
          scope: { project: { name: 'demo', domain: { id: 'default' } } },
        },
      }),
    });
    assert.equal(auth.status, 201, site);
    const token = auth.headers.get('x-subject-token')!;
    const servers = (await (await fetch(`http://127.0.0.1:${base + 1}/v2.1/servers`, { headers: { 'X-Auth-Token': token } })).json()) as {
      servers: { id: string; name: string }[];
    };
    assert.deepEqual(servers.servers.map((s) => s.name).sort(), [...expected], site);
    if (site === 'site-a') seeded = servers.servers;
    const project = ((await auth.json()) as { token: { project: { id: string } } }).token.project.id;
    const volumes = (await (await fetch(`http://127.0.0.1:${base + 2}/v3/${project}/volumes/detail`, { headers: { 'X-Auth-Token': token } })).json()) as {
      volumes: { id: string; bootable: string; attachments: unknown[] }[];
    };
    bootVolumes[site] = volumes.volumes.filter((v) => v.bootable === 'true' && v.attachments.length > 0).map((v) => v.id);
  }

  // The boot volumes live on site-a's array, which is connected to site-b's; both arrays have a token.
  assert.equal(bootVolumes['site-a']?.length, 2);
  const state = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as {
    arrays: { name: string; url: string; ca: string; db: string; api_tokens: { user: string; token: string }[] }[];
  };
  // Each array's REST face answers HTTPS on its site's base+6, verified with the lab's one CA
  // file, and takes the token from lab.json.
  for (const a of state.arrays) {
    assert.match(a.url, /^https:/);
    assert.equal(a.ca, join(dir, 'array-ca.pem'));
    const c = new ArrayRestClient(a.url, { ca: readFileSync(a.ca, 'utf8') });
    assert.equal((await c.login(a.api_tokens[0]!.token)).status, 200, a.name);
    const list = await c.call<{ items: { name: string }[] }>('GET', 'arrays');
    assert.deepEqual(list.body.items.map((x) => x.name), [a.name]);
  }
  assert.deepEqual(state.arrays.map((a) => a.name), ['site-a-array', 'site-b-array']);
  const arrays = ArrayModel.open(state.arrays[0]!.db);
  try {
    const onA = arrays.listVolumes('site-a-array').map((v) => v.name);
    for (const id of bootVolumes['site-a']!) assert.ok(onA.includes(`volume-${id}-cinder`), `boot volume ${id} on site-a-array`);
    assert.deepEqual(arrays.listVolumes('site-b-array'), []);
    assert.deepEqual(arrays.listArrayConnections('site-a-array').map((c) => [c.name, c.type, c.status]), [['site-b-array', 'sync-replication', 'connected']]);
    for (const a of state.arrays) assert.equal(arrays.apiTokenUser(a.name, a.api_tokens[0]!.token), 'pureuser', a.name);
  } finally {
    arrays.close();
  }

  // The demo VMs hold data (the seed's, 1 MiB into the boot disk), as their guests read it.
  for (const [name, text] of [['web-1', 'web-1: orders 1001-1042, written before any failover'], ['db-1', 'db-1: customers table, 42 rows, written before any failover']] as const) {
    const id = seeded.find((x) => x.name === name)?.id;
    const r = await fetch(`http://127.0.0.1:18005/sim/servers/${id}/read`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ offset: 1024 * 1024, length: text.length }) });
    assert.equal(Buffer.from(((await r.json()) as { data: string }).data, 'base64').toString(), text, name);
  }
  const status = await lab('status');
  // Two cloudsim sites, each site's protector-api and the dashboard answer; both engines run.
  assert.equal(status.stdout.match(/ answering/g)?.length, 5, status.stdout);
  assert.match(status.stdout, /dashboard protector-dashboard answering http:\/\/127\.0\.0\.1:18008/);
  assert.equal(status.stdout.match(/protector-engine running/g)?.length, 2, status.stdout);
  // Each Protector is in its Keystone's catalog and knows both sites (this one local).
  const token = await fetch('http://127.0.0.1:18000/v3/auth/tokens', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
  });
  const catalog = ((await token.json()) as { token: { catalog: { type: string; endpoints: { url: string }[] }[] } }).token.catalog;
  assert.equal(catalog.find((c) => c.type === 'protector')?.endpoints[0]?.url, 'http://127.0.0.1:18007');
  const sites = await fetch('http://127.0.0.1:18007/v1/admin/sites', { headers: { 'X-Auth-Token': token.headers.get('x-subject-token') ?? '' } });
  assert.deepEqual(((await sites.json()) as { sites: { name: string; is_local: boolean }[] }).sites.map((s) => [s.name, s.is_local]).sort(), [['site-a', true], ['site-b', false]]);
  await assert.rejects(lab('up', '--detach', '--base-port', '18000'), /already running/);

  await lab('down');
  await assert.rejects(fetch('http://127.0.0.1:18005/sim/info'));
});
