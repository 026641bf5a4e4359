import './dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { EligibleServersView, PgDetailView, PgSiteCopy } from '../../../src/shared/pg-detail';
import { PgDetailPage } from '../../../web/src/pages/pg-detail/PgDetailPage';
import { cleanup, fakeApi, renderPage } from './harness';

afterEach(() => cleanup());

const ROUTE = '/protection-groups/:pg';
const T0 = '2025-01-01T10:00:00.000Z';

const copy = (site: string, over: Partial<PgSiteCopy> = {}): PgSiteCopy => ({
  site,
  logged_in: true,
  reachable: true,
  error: null,
  known: true,
  metadata_version: 7,
  sync: 'IN SYNC',
  status: 'active',
  active_operation_id: null,
  changes_allowed: true,
  updated_at: T0,
  ...over,
});

function doc(over: Partial<PgDetailView> = {}): PgDetailView {
  return {
    protection_group: { id: 'pg-1', name: 'app', description: 'the shop', replication_type: 'async', status: 'active', active_site: 'site-a', primary_site: 'site-a', secondary_site: 'site-b', active_operation_id: null, metadata_version: 7, created_at: T0, updated_at: T0 },
    read_from: 'site-a',
    policy: { pg_id: 'pg-1', interval_minutes: 5, rpo_minutes: 15, retention: { source: { all_for_sec: 3600, per_day: 4, days: 7 }, target: { all_for_sec: 7200, per_day: 4, days: 7 } }, updated_at: T0 },
    members: [
      {
        id: 'm1',
        pg_id: 'pg-1',
        server_id: 'srv-web',
        name: 'web-1',
        boot_order: 1,
        created_at: T0,
        details: { flavor_id: 'f1', flavor_name: 'm1.tiny', image_id: null, availability_zone: 'nova', key_name: null, ports: [{ id: 'p1', network_id: 'n1', mac_address: 'fa:16:3e:00:00:01', fixed_ips: [{ subnet_id: 's1', ip_address: '10.20.0.5' }], security_group_ids: ['sg1'] }], volumes: [{ volume_id: 'v1', device: '/dev/vda', boot_index: 0, volume_type: 'replicated-async', size_gb: 1, array_volume: 'pv-v1' }] },
      },
    ],
    recovery_points: [{ id: 'site-a-array:pg.sync-1', kind: 'snapshot', array: 'site-b-array', created_at: T0, completed_at: T0, volumes: ['pv-v1'], age_seconds: 240 }],
    recovery_points_error: null,
    rpo: { rpo_minutes: 15, last_recovery_point_at: T0, lag_seconds: 240, within_rpo: true },
    resource_mappings: [{ kind: 'network', source_site: 'site-a', source_site_id: 'ida', source_id: 'net-a', target_id: 'net-b' }],
    missing_mappings: [],
    mapping_check: { site: 'site-a', error: null },
    operations: [
      { id: 'op-2', project_id: 'p', protection_group_id: 'pg-1', parent_id: null, type: 'test_failover', status: 'completed', progress: 100, params: {}, result: {}, error: null, request_id: 'r', user_id: 'u', created_at: '2025-01-01T11:00:00.000Z', started_at: null, finished_at: null, updated_at: T0, site: 'site-b' },
      { id: 'op-1', project_id: 'p', protection_group_id: 'pg-1', parent_id: null, type: 'replicate', status: 'completed', progress: 100, params: {}, result: {}, error: null, request_id: 'r', user_id: 'u', created_at: T0, started_at: null, finished_at: null, updated_at: T0, site: 'site-a' },
    ],
    metadata: { sites: [copy('site-a'), copy('site-b')], sync: 'IN SYNC', state: 'in_sync', summary: 'both sites hold version 7', stored: null },
    ...over,
  };
}

/** The element labelled `name` of that tag (a tab and its panel share the tab's name). */
async function labelled(name: string, tag: string): Promise<HTMLElement> {
  const found = (await screen.findAllByLabelText(name)).find((e) => e.tagName === tag);
  assert.ok(found, `a ${tag} labelled ${name}`);
  return found;
}

const page = (tab: string) => renderPage(<PgDetailPage />, { path: `/protection-groups/app?tab=${tab}`, route: ROUTE });

test('the tabs: overview in words, then each tab from ?tab= and from a click', async () => {
  fakeApi({ 'GET /api/protection-groups/app': () => doc() });
  page('overview');
  const overview = await screen.findByLabelText('Overview details');
  assert.match(overview.textContent ?? '', /Status\s*active/);
  assert.match(overview.textContent ?? '', /Active site\s*site-a/);
  assert.match(overview.textContent ?? '', /site-a: IN SYNC version 7/);
  assert.match(overview.textContent ?? '', /lag 4 min, RPO target 15 min within RPO/);
  const dr = screen.getByRole('link', { name: 'Run a DR action' });
  assert.equal(dr.getAttribute('href'), '/protection-groups/app/dr');
  const user = userEvent.setup();
  await user.click(screen.getByRole('tab', { name: 'Members' }));
  const members = await labelled('Members', 'TABLE');
  assert.match(members.textContent ?? '', /web-1.*srv-web.*m1\.tiny.*\/dev\/vda.*10\.20\.0\.5/);
  await user.click(screen.getByRole('tab', { name: 'Recovery points' }));
  assert.match((await labelled('Recovery points', 'TABLE')).textContent ?? '', /site-a-array:pg\.sync-1.*snapshot.*site-b-array.*4 min/);
  await user.click(screen.getByRole('tab', { name: 'Operations' }));
  const ops = await labelled('Operations', 'TABLE');
  // Newest first, each with its site, linking to that site's operation page.
  assert.match(ops.textContent ?? '', /op-2.*test_failover.*site-b.*op-1.*replicate.*site-a/);
  assert.equal(within(ops).getByRole('link', { name: 'op-2' }).getAttribute('href'), '/operations/site-b/op-2');
  await user.click(screen.getByRole('tab', { name: 'Policy' }));
  assert.match((await screen.findByLabelText('Policy details')).textContent ?? '', /Replication interval\s*5 min.*RPO target\s*15 min.*every snapshot for 1 h, then 4 a day for 7 days/);
});

test('Add server: an ineligible server is disabled with its reason; an eligible one is added', async () => {
  const servers: EligibleServersView = {
    site: 'site-a',
    protection_group: { id: 'pg-1', name: 'app', replication_type: 'async' },
    servers: [
      { id: 'srv-new', name: 'web-2', status: 'ACTIVE', eligible: true, reason: null },
      { id: 'srv-db', name: 'db-1', status: 'ACTIVE', eligible: false, reason: "volume db-root (v9) has type standard, which is not replicated; the protection group needs a type with replication_enabled='<is> True' and replication_type='<in> async'" },
    ],
  };
  const calls = fakeApi({
    'GET /api/protection-groups/app': () => doc(),
    'GET /api/protection-groups/app/eligible-servers': () => servers,
    'POST /api/protection-groups/app/members': () => ({ site: 'site-a', stored: true, store_error: null, operation: { id: 'op-9', type: 'member_add', status: 'pending' } }),
  });
  page('members');
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Add server' }));
  const dialog = await screen.findByRole('dialog');
  const db = await within(dialog).findByRole('button', { name: 'Add db-1' });
  assert.equal((db as HTMLButtonElement).disabled, true);
  assert.match(within(dialog).getByText(/^no: volume db-root/).textContent ?? '', /which is not replicated/);
  await user.type(within(dialog).getByLabelText('Boot order'), '2');
  await user.click(within(dialog).getByRole('button', { name: 'Add web-2' }));
  await waitFor(() => assert.ok(calls.some((c) => c.method === 'POST')));
  assert.deepEqual(calls.find((c) => c.method === 'POST')!.body, { server_id: 'srv-new', boot_order: 2 });
  const started = await screen.findByText('Adding the server: operation started on site-a');
  assert.ok(started);
  assert.equal(screen.getByRole('link', { name: 'Follow operation op-9' }).getAttribute('href'), '/operations/site-a/op-9');
});

test('with a site down, member changes are disabled with the reason', async () => {
  fakeApi({ 'GET /api/protection-groups/app': () => doc({ metadata: { sites: [copy('site-a'), copy('site-b', { reachable: false, known: false, metadata_version: null, sync: 'UNREACHABLE', error: 'site site-b is unreachable' })], sync: 'UNREACHABLE', state: 'unknown', summary: 'site-b cannot be compared' } as PgDetailView['metadata'] }) });
  page('members');
  const add = await screen.findByRole('button', { name: 'Add server' });
  assert.equal((add as HTMLButtonElement).disabled, true);
  assert.ok(screen.getByText('Not now: site-b does not answer: every change needs both sites'));
  assert.equal((screen.getByRole('button', { name: 'Remove web-1' }) as HTMLButtonElement).disabled, true);
});

test('a missing mapping is highlighted with what is missing, and Map it adds a row for it', async () => {
  const missing = { kind: 'subnet' as const, source_id: 'sub-a', source_site: 'site-a', target_site: 'site-b', servers: [{ id: 'srv-web', name: 'web-1' }], message: 'no subnet mapping for sub-a to site site-b, used by server web-1 (srv-web)' };
  const calls = fakeApi({
    'GET /api/protection-groups/app': () => doc({ missing_mappings: [missing] }),
    'PUT /api/protection-groups/app/resource-mappings': () => ({ status: 400, body: { error: { code: 'bad_request', message: "'resource_mappings.1.target_id': Must NOT have fewer than 1 characters" } } }),
  });
  page('mappings');
  const row = await screen.findByRole('row', { name: 'missing subnet mapping' });
  assert.match(row.textContent ?? '', /subnet.*site-a.*sub-a.*missing no subnet mapping for sub-a to site site-b, used by server web-1/);
  assert.ok(within(row).getByText('missing'));
  assert.match(screen.getByText(/1 resource used by the members has no mapping/).textContent ?? '', /a failover or drill would be refused/);

  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: 'Edit mappings' }));
  await user.click(await screen.findByRole('button', { name: 'Map it' }));
  await user.type(screen.getByRole('textbox', { name: 'Target of mapping 2' }), 'sub-b');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() => assert.ok(calls.some((c) => c.method === 'PUT')));
  assert.deepEqual(calls.find((c) => c.method === 'PUT')!.body, {
    resource_mappings: [
      { kind: 'network', source_site: 'site-a', source_id: 'net-a', target_id: 'net-b' },
      { kind: 'subnet', source_site: 'site-a', source_id: 'sub-a', target_id: 'sub-b' },
    ],
  });
  // The server's error lands under the field it names.
  assert.ok(await screen.findByText('Must NOT have fewer than 1 characters'));
});

test("a network mapping's re-IP rules are shown in order, and an edit of the mappings keeps them as they are", async () => {
  const rules = [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.8.0/21', gateway_ip: '10.30.0.1' }, { source_cidr: '172.16.0.0/24', target_cidr: '10.30.9.0/24' }];
  const calls = fakeApi({
    'GET /api/protection-groups/app': () =>
      doc({ resource_mappings: [{ kind: 'network', source_site: 'site-a', source_site_id: 'ida', source_id: 'net-a', target_id: 'net-b', reip_rules: rules, reip_rules_text: ['10.20.0.0/20=10.30.8.0/21,gateway=10.30.0.1', '172.16.0.0/24=10.30.9.0/24'] }] }),
    'PUT /api/protection-groups/app/resource-mappings': () => ({ status: 400, body: { error: { code: 'bad_request', message: 'stop here' } } }),
  });
  page('mappings');
  const list = await screen.findByRole('list', { name: 'Re-IP rules' });
  assert.deepEqual(within(list).getAllByRole('listitem').map((li) => li.textContent), ['10.20.0.0/20=10.30.8.0/21,gateway=10.30.0.1', '172.16.0.0/24=10.30.9.0/24']);
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: 'Edit mappings' }));
  assert.ok(await screen.findByRole('list', { name: 'Re-IP rules' }), 'the editor shows them too');
  await user.clear(screen.getByRole('textbox', { name: 'Target of mapping 1' }));
  await user.type(screen.getByRole('textbox', { name: 'Target of mapping 1' }), 'net-c');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() => assert.ok(calls.some((c) => c.method === 'PUT')));
  assert.deepEqual(calls.find((c) => c.method === 'PUT')!.body, { resource_mappings: [{ kind: 'network', source_site: 'site-a', source_id: 'net-a', target_id: 'net-c', reip_rules: rules }] });
});

test('diverged copies: plain Sync is disabled with why; each Sync from button says whose copy wins and sends source_site', async () => {
  const calls = fakeApi({
    'GET /api/protection-groups/app': () =>
      doc({
        metadata: {
          sites: [copy('site-a', { metadata_version: 8, sync: 'OUT OF SYNC' }), copy('site-b', { metadata_version: 9, sync: 'OUT OF SYNC' })],
          sync: 'OUT OF SYNC',
          state: 'diverged',
          summary: 'both sites changed it since they last agreed: site-a holds version 8 (out_of_sync), site-b holds version 9 (out_of_sync); choose the copy that wins',
          stored: null,
        },
      }),
    'POST /api/protection-groups/app/metadata/sync': () => ({ from: 'site-b', to: 'site-a', version: 10 }),
  });
  page('metadata');
  const plain = await screen.findByRole('button', { name: 'Sync' });
  assert.equal((plain as HTMLButtonElement).disabled, true);
  assert.ok(screen.getByText('Not now: both sites changed it: choose the copy that wins below'));
  assert.ok(screen.getByText("site-b's copy (version 9) wins: it is stored on site-a, and both then hold version 10. What only site-a changed is lost."));
  assert.ok(screen.getByText("site-a's copy (version 8) wins: it is stored on site-b, and both then hold version 10. What only site-b changed is lost."));
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: 'Sync from site-b' }));
  await screen.findByText('site-b → site-a: both hold version 10');
  const sent = calls.filter((c) => c.method === 'POST');
  assert.deepEqual(sent.map((c) => [c.path, c.body]), [['/api/protection-groups/app/metadata/sync', { source_site: 'site-b' }]]);
});

test('the policy form names the field in error: its own checks first, then the server\'s', async () => {
  const calls = fakeApi({
    'GET /api/protection-groups/app': () => doc(),
    'PUT /api/protection-groups/app/policy': () => ({ status: 400, body: { error: { code: 'bad_request', message: "'retention.target.days': Must be <= 4000" } } }),
  });
  page('policy');
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Edit policy' }));
  const rpo = screen.getByLabelText(/^RPO target/);
  await user.clear(rpo);
  await user.type(rpo, '2');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  assert.ok(await screen.findByText('shorter than the interval (5 min): it could never be met'));
  assert.equal(calls.filter((c) => c.method === 'PUT').length, 0);
  await user.clear(rpo);
  await user.type(rpo, '20');
  const days = screen.getByLabelText(/^Target: for days/);
  await user.clear(days);
  await user.type(days, '5000');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  assert.ok(await screen.findByText('Must be <= 4000'));
  assert.deepEqual(calls.find((c) => c.method === 'PUT')!.body, { interval_minutes: 5, rpo_minutes: 20, retention: { source: { all_for_sec: 3600, per_day: 4, days: 7 }, target: { all_for_sec: 7200, per_day: 4, days: 5000 } } });
});
