// protector-api: version discovery, microversions, tokens, policy, and the admin resources
// (sites, tenant mappings), against a cloudsim Keystone that validates tokens for real.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { siteBody, startApi } from '../helpers/api.js';

const h = await startApi({ cacheSeconds: 0 });
type Site = { id: string; name: string; credentials: Record<string, string>; array: Record<string, string | null> };
type Err = { error: { code: number; title: string; message: string } };

test('version discovery needs no token and names the microversion range', async () => {
  const root = await h.call<{ versions: { id: string; min_version: string; version: string }[] }>('GET', '/', { token: null });
  assert.equal(root.status, 200);
  assert.deepEqual(root.body.versions.map((v) => [v.id, v.min_version, v.version]), [['v1.0', '1.0', '1.0']]);
  assert.match(root.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f-]{36}$/);
  assert.equal((await h.call('GET', '/v1', { token: null })).status, 200);
});

test('microversions: echoed with Vary, latest resolves, out of range is 406, garbage is 400', async () => {
  const ok = await h.call('GET', '/v1/admin/sites', { headers: { 'OpenStack-API-Version': 'protector latest' } });
  assert.equal(ok.headers.get('openstack-api-version'), 'protector 1.0');
  assert.equal(ok.headers.get('vary'), 'OpenStack-API-Version');
  const far = await h.call<Err>('GET', '/v1/admin/sites', { headers: { 'OpenStack-API-Version': 'protector 9.9' } });
  assert.equal(far.status, 406);
  assert.match(far.body.error.message, /Minimum is 1\.0 and maximum is 1\.0/);
  assert.equal((await h.call('GET', '/v1/admin/sites', { headers: { 'OpenStack-API-Version': 'protector one' } })).status, 400);
  // Another service's version in the header is not ours to judge.
  assert.equal((await h.call('GET', '/v1/admin/sites', { headers: { 'OpenStack-API-Version': 'compute 2.90' } })).status, 200);
});

test('no token, a bad token and a revoked token are 401 pointing at Keystone', async () => {
  const none = await h.call<Err>('GET', '/v1/admin/sites', { token: null });
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), `Keystone uri="${h.site.url('keystone')}/v3"`);
  assert.deepEqual(Object.keys(none.body.error).sort(), ['code', 'message', 'title']);
  assert.equal((await h.call('GET', '/v1/admin/sites', { token: 'gAAAAA-not-a-token' })).status, 401);
  const admin = await h.token('admin');
  const res = await fetch(`${h.site.url('keystone')}/v3/auth/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: admin } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }) });
  const second = res.headers.get('x-subject-token')!;
  assert.equal((await h.call('GET', '/v1/admin/sites', { token: second })).status, 200);
  await fetch(`${h.site.url('keystone')}/v3/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': admin, 'X-Subject-Token': second } });
  assert.equal((await h.call('GET', '/v1/admin/sites', { token: second })).status, 401);
});

test('site registration keeps secrets out of answers and encrypted at rest', async () => {
  const created = await h.call<{ site: Site }>('POST', '/v1/admin/sites', { body: siteBody(h) });
  assert.equal(created.status, 201, created.text);
  const s = created.body.site;
  assert.equal(s.credentials.password, undefined);
  assert.equal(s.array.api_token, undefined);
  assert.ok(!created.text.includes('"secret"'), 'the password is not in the answer');
  assert.equal(s.credentials.user_domain_name, 'Default');
  const row = await h.deps.db.selectFrom('sites').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
  assert.ok(!row.credentials.includes('secret') && !row.array_config.includes('11111111'), 'sealed at rest');
  const shown = await h.call<{ site: Site }>('GET', `/v1/admin/sites/${s.id}?show_secrets=true`);
  assert.equal(shown.body.site.credentials.password, 'secret');
  assert.equal(shown.body.site.array.api_token, '11111111-2222-3333-4444-555555555555');
  const dup = await h.call<Err>('POST', '/v1/admin/sites', { body: siteBody(h) });
  assert.equal(dup.status, 409);
  assert.match(dup.body.error.message, /already exists/);
  const upd = await h.call<{ site: Site & { description: string } }>('PUT', `/v1/admin/sites/${s.id}`, { body: { site: { description: 'prod', credentials: { password: 'rotated-pw' } } } });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.body.site.description, 'prod');
  const after = await h.call<{ site: Site }>('GET', `/v1/admin/sites/${s.id}?show_secrets=true`);
  assert.equal(after.body.site.credentials.password, 'rotated-pw');
  assert.equal(after.body.site.credentials.username, 'admin', 'a partial credentials update keeps the rest');
  await h.call('PUT', `/v1/admin/sites/${s.id}`, { body: { site: { credentials: { password: 'secret' } } } });
});

test('lists page with limit and marker, sort by a known key only', async () => {
  for (const n of ['site-x', 'site-y', 'site-z']) assert.equal((await h.call('POST', '/v1/admin/sites', { body: siteBody(h, { name: n }) })).status, 201);
  const first = await h.call<{ sites: Site[]; sites_links?: { rel: string; href: string }[] }>('GET', '/v1/admin/sites?limit=2');
  assert.equal(first.body.sites.length, 2);
  const next = first.body.sites_links?.[0]?.href;
  assert.ok(next?.startsWith('/v1/admin/sites?'), JSON.stringify(first.body));
  const rest = await h.call<{ sites: Site[]; sites_links?: unknown }>('GET', next!);
  const names = [...first.body.sites, ...rest.body.sites].map((s) => s.name);
  assert.deepEqual(names, [...names].sort());
  const desc = await h.call<{ sites: Site[] }>('GET', '/v1/admin/sites?sort=name:desc&limit=1');
  assert.equal(desc.body.sites[0]?.name, 'site-z');
  assert.equal((await h.call<Err>('GET', '/v1/admin/sites?sort=password')).status, 400);
  assert.match((await h.call<Err>('GET', '/v1/admin/sites?marker=nope')).body.error.message, /Marker 'nope' could not be found/);
  for (const s of rest.body.sites.concat(first.body.sites).filter((x) => x.name !== 'site-a')) assert.equal((await h.call('DELETE', `/v1/admin/sites/${s.id}`)).status, 204);
});

test('members and readers of a project are refused admin routes, with the rule named', async () => {
  const alice = await h.token('alice');
  const r = await h.call<Err>('POST', '/v1/admin/sites', { token: alice, body: siteBody(h, { name: 'nope' }) });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.message, "Policy doesn't allow protector:sites:create to be performed.");
  assert.equal((await h.call('GET', '/v1/admin/sites', { token: await h.token('bob') })).status, 403);
  assert.equal((await h.call('GET', '/v1/admin/tenant-mappings', { token: alice })).status, 403);
});

test('validate reports each service of the site, and each broken one by itself', async () => {
  const list = await h.call<{ sites: Site[] }>('GET', '/v1/admin/sites');
  const a = list.body.sites.find((s) => s.name === 'site-a')!;
  const v = await h.call<{ validation: { ok: boolean; checks: { service: string; status: string; detail: string }[] } }>('POST', `/v1/admin/sites/${a.id}/validate`);
  assert.equal(v.status, 200, v.text);
  assert.deepEqual(v.body.validation.checks.map((c) => [c.service, c.status]), [['keystone', 'ok'], ['nova', 'ok'], ['cinder', 'ok'], ['neutron', 'ok'], ['glance', 'ok'], ['array', 'ok']], JSON.stringify(v.body));
  assert.equal(v.body.validation.ok, true);
  await fetch(`${h.site.url('sim')}/sim/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ service: 'nova', down: true }) });
  h.site.arrays.linkDown('site-a-array', 'peer-array');
  try {
    const bad = await h.call<{ validation: { ok: boolean; checks: { service: string; status: string; detail: string }[] } }>('POST', `/v1/admin/sites/${a.id}/validate`);
    const by = Object.fromEntries(bad.body.validation.checks.map((c) => [c.service, c]));
    assert.equal(bad.body.validation.ok, false);
    assert.equal(by.nova?.status, 'error');
    assert.match(by.nova?.detail ?? '', /site-a Nova is unreachable/);
    assert.equal(by.cinder?.status, 'ok');
    assert.match(by.array?.detail ?? '', /replication link to 'peer-array' is down/);
  } finally {
    await fetch(`${h.site.url('sim')}/sim/faults`, { method: 'DELETE' });
    h.site.arrays.linkUp('site-a-array', 'peer-array');
  }
  await h.call('PUT', `/v1/admin/sites/${a.id}`, { body: { site: { credentials: { password: 'wrong' } } } });
  const denied = await h.call<{ validation: { checks: { service: string; status: string; detail: string }[] } }>('POST', `/v1/admin/sites/${a.id}/validate`);
  assert.equal(denied.body.validation.checks[0]?.status, 'error');
  assert.match(denied.body.validation.checks[0]?.detail ?? '', /401/);
  assert.ok(!denied.text.includes('wrong'), 'the password never shows');
  await h.call('PUT', `/v1/admin/sites/${a.id}`, { body: { site: { credentials: { password: 'secret' } } } });
});

test('volume-types lists only replication-enabled types, with their replication type', async () => {
  const cinder = h.site.cinder;
  cinder.types.insert({ id: 'vt-async', name: 'replicated-async', description: null, is_public: true, extra_specs: { replication_enabled: '<is> True', replication_type: '<in> async' }, projects: [] });
  cinder.types.insert({ id: 'vt-sync', name: 'replicated-sync', description: null, is_public: true, extra_specs: { replication_enabled: '<is> True', replication_type: '<in> sync' }, projects: [] });
  cinder.types.insert({ id: 'vt-plain', name: 'standard', description: null, is_public: true, extra_specs: {}, projects: [] });
  const a = (await h.call<{ sites: Site[] }>('GET', '/v1/admin/sites')).body.sites.find((s) => s.name === 'site-a')!;
  const r = await h.call<{ volume_types: { name: string; replication_type: string }[] }>('GET', `/v1/admin/sites/${a.id}/volume-types`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.volume_types.map((t) => [t.name, t.replication_type]).sort(), [['replicated-async', 'async'], ['replicated-sync', 'sync']]);
});

test('tenant mappings: to a registered peer site only, one per project and site', async () => {
  const peer = await h.call<{ site: Site }>('POST', '/v1/admin/sites', { body: siteBody(h, { name: 'site-b' }) });
  const local = await h.call<{ site: Site }>('POST', '/v1/admin/sites', { body: siteBody(h, { name: 'site-here', is_local: true }) });
  assert.equal(local.status, 201);
  assert.equal((await h.call('POST', '/v1/admin/sites', { body: siteBody(h, { name: 'site-here2', is_local: true }) })).status, 409, 'one local site');
  const body = (over: Record<string, unknown> = {}) => ({ tenant_mapping: { local_project_id: h.projects.demo, remote_site_id: peer.body.site.id, remote_project_id: 'b0b0', ...over } });
  const m = await h.call<{ tenant_mapping: { id: string } }>('POST', '/v1/admin/tenant-mappings', { body: body() });
  assert.equal(m.status, 201, m.text);
  assert.equal((await h.call('POST', '/v1/admin/tenant-mappings', { body: body() })).status, 409);
  const toLocal = await h.call<Err>('POST', '/v1/admin/tenant-mappings', { body: body({ remote_site_id: local.body.site.id, local_project_id: 'x' }) });
  assert.equal(toLocal.status, 400);
  assert.match(toLocal.body.error.message, /tenant_mapping\.remote_site_id/);
  assert.equal((await h.call<Err>('POST', '/v1/admin/tenant-mappings', { body: body({ remote_site_id: 'nope', local_project_id: 'y' }) })).status, 400);
  const filtered = await h.call<{ tenant_mappings: unknown[] }>('GET', `/v1/admin/tenant-mappings?local_project_id=${h.projects.demo}`);
  assert.equal(filtered.body.tenant_mappings.length, 1);
  assert.equal((await h.call<Err>('DELETE', `/v1/admin/sites/${peer.body.site.id}`)).status, 409, 'a site in use stays');
  assert.equal((await h.call('DELETE', `/v1/admin/tenant-mappings/${m.body.tenant_mapping.id}`)).status, 204);
  assert.equal((await h.call('GET', `/v1/admin/tenant-mappings/${m.body.tenant_mapping.id}`)).status, 404);
  assert.equal((await h.call('DELETE', `/v1/admin/sites/${peer.body.site.id}`)).status, 204);
});

test('logs carry request ids and the caller, and never a password, token or API token', async () => {
  const before = h.logs.length;
  const r = await h.call('POST', '/v1/admin/sites', { body: siteBody(h, { name: 'site-logged', credentials: { username: 'u', password: 'hunter2-in-logs', project_name: 'p' } }) });
  assert.equal(r.status, 201);
  await h.call('GET', '/v1/admin/sites?show_secrets=true');
  const lines = h.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
  const line = lines.find((l) => l.request_id === r.headers.get('x-openstack-request-id'));
  assert.ok(line, 'a line for the request');
  assert.equal(line.route, '/v1/admin/sites');
  assert.equal(typeof line.user_id, 'string');
  const all = h.logs.join('\n');
  assert.ok(!all.includes('hunter2-in-logs'), 'no password');
  assert.ok(!all.includes(await h.token('admin')), 'no token');
  const metrics = await h.call('GET', '/metrics', { token: null });
  assert.match(metrics.text, /protector_api_requests_total\{method="POST",route="\/v1\/admin\/sites",status="201"\} \d+/);
  const health = await h.call<{ status: string }>('GET', '/healthz', { token: null });
  assert.equal(health.body.status, 'ok');
});

test('pairing: the secret goes on the peer registration, is never shown, rotates; bad input, the local site and members are refused', async () => {
  const listed = await h.call<{ sites: (Site & { is_local: boolean })[] }>('GET', '/v1/admin/sites');
  const made = listed.body.sites.some((s) => s.is_local) ? undefined : await h.call<{ site: Site }>('POST', '/v1/admin/sites', { body: siteBody(h, { name: 'pair-here', is_local: true }) });
  const localId = made?.body.site.id ?? listed.body.sites.find((s) => s.is_local)!.id;
  const peer = await h.call<{ site: Site & { paired: boolean } }>('POST', '/v1/admin/sites', { body: siteBody(h, { name: 'pair-there' }) });
  assert.equal(peer.status, 201, peer.text);
  assert.equal(peer.body.site.paired, false);
  const url = `/v1/admin/sites/${peer.body.site.id}/pairing`;
  const secret = 'p'.repeat(43);
  type Pairing = { pairing: { site_id: string; paired: boolean; rotated: boolean; paired_at: string } };
  const member = await h.call<Err>('PUT', url, { token: await h.token('alice'), body: { pairing: { secret } } });
  assert.equal(member.status, 403);
  assert.match(member.body.error.message, /protector:sites:pair/);
  const short = await h.call<Err>('PUT', url, { body: { pairing: { secret: 'short' } } });
  assert.equal(short.status, 400);
  assert.match(short.body.error.message, /pairing\.secret/);
  assert.equal((await h.call('PUT', '/v1/admin/sites/no-such-site/pairing', { body: { pairing: { secret } } })).status, 404);
  const first = await h.call<Pairing>('PUT', url, { body: { pairing: { secret } } });
  assert.equal(first.status, 200, first.text);
  assert.deepEqual([first.body.pairing.paired, first.body.pairing.rotated], [true, false]);
  assert.equal((await h.call<Pairing>('PUT', url, { body: { pairing: { secret } } })).body.pairing.rotated, false, 'the same secret again changes nothing');
  assert.equal((await h.call<Pairing>('PUT', url, { body: { pairing: { secret: 'q'.repeat(43) } } })).body.pairing.rotated, true);
  const shown = await h.call<{ site: { paired: boolean; paired_at: string } }>('GET', `/v1/admin/sites/${peer.body.site.id}?show_secrets=true`);
  assert.equal(shown.body.site.paired, true);
  assert.match(shown.body.site.paired_at, /^\d{4}-/);
  assert.doesNotMatch(shown.text, /ppppp|qqqqq/, 'the pairing secret is never returned, even with show_secrets');
  const self = await h.call<Err>('PUT', `/v1/admin/sites/${localId}/pairing`, { body: { pairing: { secret } } });
  assert.equal(self.status, 409, self.text);
  assert.match(self.body.error.message, /is this site/);
  for (const id of [peer.body.site.id, made?.body.site.id]) if (id) await h.call('DELETE', `/v1/admin/sites/${id}`);
});

test("a caller's mistake (400, 403, 404, 409) is logged at info without a stack; only 5xx are errors", async () => {
  const before = h.logs.length;
  const alice = await h.token('alice');
  const answers = [
    await h.call('GET', '/v1/admin/sites', { token: alice }),
    await h.call('GET', `/v1/${h.projects.demo}/protection-groups/no-such-pg`, { token: alice }),
    await h.call('POST', '/v1/admin/sites', { body: { site: {} } }),
  ];
  assert.deepEqual(answers.map((a) => a.status), [403, 404, 400]);
  const lines = h.logs.slice(before).map((l) => JSON.parse(l) as { level: string; err?: { stack?: string }; msg: string });
  assert.deepEqual(lines.filter((l) => l.level === 'error' || l.level === 'warn').map((l) => l.msg), []);
  assert.ok(lines.every((l) => !l.err?.stack), 'no stack trace for a 4xx');
});
