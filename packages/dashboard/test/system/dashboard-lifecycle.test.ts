// The whole DR lifecycle in Chromium, as a new user drives it, against a lab of its own: a
// protection group made with the create wizard, a drill and its cleanup, a planned failover, a
// failback and, with site-a stopped, an unplanned failover to site-b, each through the DR wizard
// and followed live on the operation page. Every step is proven by data a guest wrote (the lab's
// guest API) and read back on the other site. The SDK and the lab only set up and check; every
// product action is a click. axe runs on every page; UPDATE_DOCS=1 writes the screenshots
// docs/dashboard.md shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSiteClients, type SiteClients } from '@protector/openstack';
import type { ProtectorClient } from '@protector/protectorclient';
import type { Page } from 'playwright-core';
import { browserSkip, checkA11y, loginBothSites, rowOf, screenshot, startBrowser, tableNamed, waitUntil, type Browser } from '../helpers/browser.js';
import { LAB_ADMIN, LAB_DEMO, startLab, type Lab } from '../helpers/lab.js';
import { sitePair } from '../helpers/pgs.js';
import { ENDED, followOperation as follow, guest as guestAt, navShowsEverySteps, rowActions as menuOf, runDrWizard, type WizardRun } from '../helpers/dr-flows.js';

// site-a on 19700-19708 (the dashboard on +8), site-b on 19800-19807: no other test uses them.
const BASE_PORT = 19700;
const SIM = { 'site-a': `http://127.0.0.1:${BASE_PORT + 5}`, 'site-b': `http://127.0.0.1:${BASE_PORT + 105}` } as const;
type SiteName = keyof typeof SIM;
const PG = 'lifecycle-pg';
/** An operation in the lab takes seconds; this is margin for a machine busy with other work. */
const OPERATION_MS = 150_000;
/** The page re-reads every 10 s when nothing moves; a few of those, with margin. */
const FEW_POLLS_MS = 45_000;

describe('the DR lifecycle in Chromium, against the lab', { skip: browserSkip(), timeout: 900_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let protector: Record<SiteName, ProtectorClient>;
  let openstack: Record<SiteName, SiteClients>;
  let pgId = '';

  // Each step builds on the one before: after a failure the rest are skipped, naming it.
  let broken: string | null = null;
  const step = (name: string, fn: () => Promise<void>) =>
    test(name, async (t) => {
      if (broken) return t.skip(`"${broken}" failed`);
      try {
        await fn();
      } catch (err) {
        broken = name;
        // What the page showed when it failed: the first thing to read.
        const said = await page.getByRole('main').innerText({ timeout: 2000 }).catch(() => '(unreadable)');
        if (err instanceof Error) err.message += `\n--- ${page.url()} showed:\n${said}`;
        throw err;
      }
    });

  const main = () => page.getByRole('main');
  const nav = (name: string) => page.getByRole('navigation', { name: 'Protector' }).getByRole('link', { name, exact: true });

  const guest = (site: SiteName, server: string, verb: 'write' | 'read', offset: number, text: string) => guestAt(SIM[site], server, verb, offset, text);
  const rowActions = () => menuOf(page, PG);
  const runWizard = (o: Omit<WizardRun, 'pg'>) => runDrWizard(page, { ...o, pg: PG });
  const followOperation = (what: string) => follow(page, what, OPERATION_MS);
  /** web-1 as the site's Protector records it among the PG's members (its server there). */
  const web1 = async (site: SiteName): Promise<string> => {
    const m = (await protector[site].members.list(pgId)).find((x) => x.name === 'web-1');
    assert.ok(m, `web-1 is a member of ${PG} on ${site}`);
    return m.server_id;
  };
  const drillServers = async () => (await openstack['site-b'].nova.listServers()).filter((s) => s.metadata.protector_drill === 'true');

  /** The PG's row in the table, read as the user sees it. */
  const pgRow = () => rowOf(page, 'Protection groups', PG);
  const openTable = async () => {
    await nav('Protection groups').click();
    await tableNamed(page, 'Protection groups').waitFor();
    return waitUntil('the PG row', 20_000, pgRow, (r) => r !== null);
  };
  before(async () => {
    lab = await startLab(BASE_PORT);
    const [a, b] = sitePair(lab.sites, LAB_DEMO);
    protector = { 'site-a': a.client, 'site-b': b.client };
    const tenant = (authUrl: string) =>
      createSiteClients({ authUrl, credentials: { type: 'password', username: 'demo', password: 'demo', userDomainName: 'Default', scope: { projectName: 'demo', projectDomainName: 'Default' } } });
    openstack = { 'site-a': tenant(lab.sites[0].authUrl), 'site-b': tenant(lab.sites[1].authUrl) };
    browser = await startBrowser();
    page = await browser.page();
  });
  after(async () => {
    await browser?.close();
    await lab?.close();
  });

  step('1. a new user logs in to both sites as demo, project demo', async () => {
    await page.goto(lab.url);
    await checkA11y(page, 'login');
    const masthead = await loginBothSites(page, LAB_DEMO);
    assert.match(masthead, /demo · site-a \(demo\), site-b \(demo\)/);
    await page.getByLabel('site site-b', { exact: true }).getByText('up', { exact: true }).waitFor();
    await checkA11y(page, 'overview');
  });

  step('2. the create wizard makes an async PG of web-1 and db-1 with a policy and mappings; it becomes active and IN SYNC', async () => {
    await nav('Protection groups').click();
    await main().getByText('No protection group yet: create one.').waitFor();
    await checkA11y(page, 'protection groups (empty)');
    await main().getByRole('button', { name: 'Create protection group' }).click();
    const wizard = main();
    await wizard.getByRole('heading', { name: 'Create a protection group' }).waitFor();
    const next = wizard.getByRole('button', { name: 'Next', exact: true });

    await wizard.getByRole('textbox', { name: 'Name' }).fill(PG);
    await wizard.getByRole('textbox', { name: 'Description' }).fill('web-1 and db-1, driven through the dashboard');
    await navShowsEverySteps(page, 'Create steps');
    await checkA11y(page, 'create wizard: name');
    await next.click();
    await wizard.getByRole('radio', { name: 'Asynchronous' }).check();
    await next.click();

    // The lab's demo servers: both boot from replicated-async volumes on demo-net.
    const servers = tableNamed(page, 'Servers');
    await servers.waitFor();
    for (const name of ['db-1', 'web-1']) {
      const row = await rowOf(page, 'Servers', name);
      assert.match(row?.['Can it join?'] ?? '', /^Yes/, `${name} can join an async PG: ${JSON.stringify(row)}`);
      await wizard.getByRole('checkbox', { name: `Protect ${name}` }).check();
    }
    await wizard.getByRole('spinbutton', { name: 'Boot order of db-1' }).fill('0');
    await wizard.getByRole('spinbutton', { name: 'Boot order of web-1' }).fill('1');
    await checkA11y(page, 'create wizard: members');
    await next.click();

    // PatternFly draws the switch over its input: a person clicks its label.
    await wizard.getByText(/^Set the replication policy now/).click();
    assert.ok(await wizard.getByRole('switch', { name: /Set the replication policy now/ }).isChecked());
    await wizard.getByRole('spinbutton', { name: 'Replicate every (minutes)' }).fill('5');
    await wizard.getByRole('spinbutton', { name: 'RPO target (minutes)' }).fill('15');
    await checkA11y(page, 'create wizard: policy');
    await next.click();

    // site-a's demo-net, its subnet and the default security group, to site-b's.
    const rows: [string, RegExp][] = [
      ['network', /^demo-net$/],
      ['subnet', /^demo-subnet /],
      ['security group', /^default$/],
    ];
    for (const [i, [kind, name]] of rows.entries()) {
      await wizard.getByRole('button', { name: 'Add a mapping' }).click();
      const n = i + 1;
      await wizard.getByRole('combobox', { name: `Kind of mapping ${n}` }).selectOption({ label: kind });
      for (const side of ['Source', 'Target']) {
        const select = wizard.getByRole('combobox', { name: `${side} of mapping ${n}` });
        const options = await select.getByRole('option').allInnerTexts();
        const label = options.find((o) => name.test(o.trim()));
        assert.ok(label, `${kind} ${name} is offered as the ${side.toLowerCase()}: ${options.join(', ')}`);
        await select.selectOption({ label: label.trim() });
      }
    }
    assert.equal(await wizard.getByText('Networks of the chosen servers without a mapping').count(), 0, 'demo-net is mapped');
    await checkA11y(page, 'create wizard: mappings');
    await next.click();

    const passed = wizard.getByText(/Every check passed: Create does this on site-a and site-b$/);
    const problems = wizard.getByText(/problems?: nothing can be created until they are fixed|The check could not run/);
    await passed.or(problems).first().waitFor({ timeout: 60_000 });
    if (await problems.count()) throw new Error(`the dry run did not pass:\n${await wizard.innerText()}`);
    const create = wizard.getByRole('button', { name: 'Create', exact: true });
    assert.ok(await create.isEnabled(), 'Create is enabled once the dry run passed');
    await checkA11y(page, 'create wizard: review');
    await screenshot(page, 'create-wizard');
    await create.click();

    // The server runs the follow-up; the page follows it until the PG is ready.
    await main().getByRole('heading', { name: new RegExp(`^Creating ${PG} on site-a`) }).waitFor();
    await checkA11y(page, 'create progress');
    await main().getByText(`Protection group ${PG} is ready`).waitFor({ timeout: OPERATION_MS });
    const steps = await tableNamed(page, 'Create steps').getByRole('row').allInnerTexts();
    assert.ok(steps.slice(1).every((s) => /\bcompleted\b/.test(s)), `every create step completed:\n${steps.join('\n')}`);
    await main().getByRole('link', { name: `Open protection group ${PG}` }).click();

    const details = main().getByLabel('Overview details');
    await waitUntil('the PG active and IN SYNC on both sites', FEW_POLLS_MS, async () => (await details.innerText().catch(() => '')).replace(/\s+/g, ' '), (t) =>
      /Status active /.test(t) && /site-a: IN SYNC version (\d+) site-b: IN SYNC version \1\b/.test(t),
    );
    const text = (await details.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Replication async/);
    assert.match(text, /Active site site-a/);
    assert.match(text, /Members 2/);
    const pgs = await protector['site-a'].protectionGroups.list();
    pgId = pgs.find((p) => p.name === PG)?.id ?? '';
    assert.ok(pgId, `${PG} exists on site-a`);
    const members = await protector['site-b'].members.list(pgId);
    assert.deepEqual(members.map((m) => `${m.name}:${m.boot_order}`).sort(), ['db-1:0', 'web-1:1'], 'site-b holds the members too');
  });

  step('3. data written in web-1, Sync now makes a recovery point; a drill brings it up on site-b; its cleanup removes it', async () => {
    await guest('site-a', await web1('site-a'), 'write', 0, 'written before the drill');
    const sync = main().getByRole('button', { name: 'Sync now' });
    await sync.click();
    await main().getByText(/Replication: operation started on site-a$/).waitFor();
    await main().getByRole('link', { name: /^Follow operation / }).click();
    const replicate = await followOperation('the replication');
    assert.equal(replicate.type, 'replicate');

    // From the operation to its PG, whose recovery points tab lists what the drill can start from.
    await main().getByRole('link', { name: pgId }).click();
    await main().getByRole('tab', { name: 'Recovery points' }).click();
    const points = tableNamed(page, 'Recovery points');
    await waitUntil('a recovery point listed', FEW_POLLS_MS, () => points.getByRole('row').count(), (n) => n >= 2);
    await checkA11y(page, 'PG detail: recovery points');

    await main().getByRole('tab', { name: 'Overview' }).click();
    await main().getByRole('link', { name: 'Run a DR action' }).click();
    await runWizard({ action: 'Drill (test failover)', runsOn: 'site-b', shot: 'dr-wizard-precheck', thorough: true });
    const drill = await followOperation('the drill');
    assert.equal(drill.type, 'test_failover');
    await checkA11y(page, 'operation (drill completed)');
    const copies = await drillServers();
    const copy = copies.find((s) => s.name === 'web-1');
    assert.ok(copy, `the drill's web-1 runs on site-b: ${copies.map((s) => s.name).join(', ')}`);
    assert.equal(await guest('site-b', copy.id, 'read', 0, 'written before the drill'), 'written before the drill', "the drill's web-1 reads what web-1 wrote");

    // The table offers the cleanup now (and no new drill); the wizard runs it.
    const row = await openTable();
    assert.equal(row?.Status, 'test_failed_over');
    const actions = await rowActions();
    assert.ok(actions['Clean up drill']?.enabled, JSON.stringify(actions['Clean up drill']));
    assert.match(actions.Drill?.says ?? '', /Not now: protection group lifecycle-pg is test_failed_over; test_failover needs it active or failed_over\./);
    await page.getByRole('menuitem', { name: /^Clean up drill/ }).click();
    await runWizard({ action: 'Drill cleanup', runsOn: 'site-b' });
    const cleanup = await followOperation('the drill cleanup');
    assert.equal(cleanup.type, 'test_cleanup');
    assert.deepEqual(await drillServers(), [], 'no drill server is left on site-b');

    // The PG as it is between drills: active on site-a, IN SYNC, a recovery point within the RPO.
    await main().getByRole('link', { name: pgId }).click();
    const details = main().getByLabel('Overview details');
    await waitUntil('active, IN SYNC, within the RPO', FEW_POLLS_MS, async () => (await details.innerText().catch(() => '')).replace(/\s+/g, ' '), (t) =>
      /Status active /.test(t) && /site-a: IN SYNC version (\d+) site-b: IN SYNC version \1\b/.test(t) && /within RPO/.test(t),
    );
    await checkA11y(page, 'PG detail: overview');
    await screenshot(page, 'pg-detail');
    await nav('Health').click();
    for (const site of ['site-a', 'site-b']) await tableNamed(page, `Health on ${site}`).waitFor();
    const health = await rowOf(page, 'Health on site-a', PG);
    assert.match(health?.['Failover ready'] ?? '', /^ready/, JSON.stringify(health));
    await checkA11y(page, 'health');
    await screenshot(page, 'health');
  });

  step('4. a planned failover from the wizard, followed live: steps progress, it says it completed; active on site-b with the data', async () => {
    await guest('site-a', await web1('site-a'), 'write', 4096, 'written before the planned failover');
    const row = await openTable();
    assert.equal(row?.Sync, 'IN SYNC');
    const actions = await rowActions();
    assert.ok(actions['Planned failover']?.enabled, `planned failover is offered: ${JSON.stringify(actions['Planned failover'])}`);
    await page.getByRole('menuitem', { name: /^Planned failover/ }).click();
    await runWizard({ action: 'Planned failover', runsOn: 'site-b' });

    const { looks, outcome, type } = await followOperation('the planned failover');
    assert.equal(type, 'failover');
    // Live: a look while it ran shows some steps done and some not (the page moved with it).
    const midway = looks.filter((l) => !ENDED.includes(l.status) && l.states.includes('completed') && l.states.some((s) => s !== 'completed'));
    assert.ok(midway.length > 0, `steps were seen progressing: ${JSON.stringify(looks)}`);
    assert.match(outcome, /^Ended completed after \d/);
    assert.match(await main().innerText(), /Its result was stored on the other site\./);
    await checkA11y(page, 'operation (failover completed)');
    await screenshot(page, 'operation-completed');

    const after = await openTable();
    await waitUntil('active on site-b', FEW_POLLS_MS, pgRow, (r) => r?.['Active site'] === 'site-b' && r.Status === 'failed_over');
    assert.ok(after);
    const there = await web1('site-b');
    assert.equal(await guest('site-b', there, 'read', 4096, 'written before the planned failover'), 'written before the planned failover', 'what web-1 wrote before the failover is on site-b');
    const seeded = 'web-1: orders 1001-1042, written before any failover';
    assert.equal(await guest('site-b', there, 'read', 1024 * 1024, seeded), seeded, "the lab's seeded data came along");
  });

  step('5. failback from the wizard, the name typed to confirm: active on site-a again, with what was written on site-b', async () => {
    await guest('site-b', await web1('site-b'), 'write', 8192, 'written on site-b after the failover');
    await openTable();
    const actions = await rowActions();
    assert.equal(actions['Planned failover']?.enabled, false, 'no second planned failover from failed_over');
    assert.ok(actions.Failback?.enabled, JSON.stringify(actions.Failback));
    await page.getByRole('menuitem', { name: /^Failback/ }).click();
    await runWizard({ action: 'Failback', runsOn: 'site-a', confirm: true });
    const back = await followOperation('the failback');
    assert.equal(back.type, 'failback');
    await openTable();
    await waitUntil('active on site-a', FEW_POLLS_MS, pgRow, (r) => r?.['Active site'] === 'site-a' && r.Status === 'active');
    assert.equal(await guest('site-a', await web1('site-a'), 'read', 8192, 'written on site-b after the failover'), 'written on site-b after the failover');
  });

  step('6. site-a stopped: planned failover and drill disabled with the reason, unplanned failover runs on site-b alone', async () => {
    const home = await web1('site-a');
    await guest('site-a', home, 'write', 12288, 'replicated before site-a was lost');
    // The newest recovery point, made from the table's Sync now.
    await openTable();
    await rowActions();
    await page.getByRole('menuitem', { name: /^Sync now/ }).click();
    await followOperation('the last replication');
    await guest('site-a', home, 'write', 16384, 'written after the last recovery point');

    await lab.stopSite('site-a');
    const banner = page.getByRole('status').filter({ hasText: /site-a is down/ });
    await banner.waitFor({ timeout: FEW_POLLS_MS });
    assert.match(await banner.innerText(), /Working with site-b alone: actions that need both sites are disabled; an unplanned failover to site-b is still offered/);
    await openTable();
    await waitUntil('sync UNREACHABLE', FEW_POLLS_MS, pgRow, (r) => r?.Sync === 'UNREACHABLE');
    const actions = await rowActions();
    assert.deepEqual(
      { drill: actions.Drill?.enabled, planned: actions['Planned failover']?.enabled, unplanned: actions['Unplanned failover']?.enabled },
      { drill: false, planned: false, unplanned: true },
      JSON.stringify(actions, null, 1),
    );
    assert.match(actions['Planned failover']!.says, /Not now: site site-a \(the current primary\) does not answer: a planned failover needs both sites, an unplanned failover does not\./);
    assert.match(actions.Drill!.says, /Not now: this needs both sites: site-a does not answer\./);
    await checkA11y(page, 'protection groups with site-a down');
    await screenshot(page, 'site-a-down-actions');
    await page.getByRole('menuitem', { name: /^Unplanned failover/ }).click();
    await runWizard({ action: 'Unplanned failover', runsOn: 'site-b', confirm: true });
    assert.match(page.url(), /\/operations\/site-b\//, 'it runs on site-b');
    const lost = await followOperation('the unplanned failover');
    assert.equal(lost.type, 'failover');
    assert.match(lost.outcome, /^Ended completed after \d/);
    // site-a cannot take the result now: the page says so, and the PG page brings it over later.
    assert.match(await main().innerText(), /Its result is not stored on the other site: /);

    const there = await web1('site-b');
    assert.equal(await guest('site-b', there, 'read', 12288, 'replicated before site-a was lost'), 'replicated before site-a was lost', "the last recovery point's data is on site-b");
    assert.notEqual(await guest('site-b', there, 'read', 16384, 'written after the last recovery point'), 'written after the last recovery point', 'what came after it is the loss');

    await lab.startSite('site-a');
    await banner.waitFor({ state: 'detached', timeout: FEW_POLLS_MS });
    await openTable();
    await waitUntil('active on site-b, both sites answering', FEW_POLLS_MS, pgRow, (r) => r?.['Active site'] === 'site-b' && r.Sync !== 'UNREACHABLE');
  });

  step('7. every other page: PG detail tabs, operations history, health; admin sites and tenant mappings as admin', async () => {
    // site-a is back: reading the PG stores site-b's newer document there (as the CLI's sync does).
    await main().getByRole('link', { name: PG, exact: true }).click();
    const tabs = ['Overview', 'Members', 'Recovery points', 'Resource mappings', 'Policy', 'Operations', 'Metadata'];
    for (const tab of tabs) {
      await main().getByRole('tab', { name: tab }).click();
      await main().getByRole('tabpanel').waitFor();
      await checkA11y(page, `PG detail: ${tab}`);
    }
    const copies = tableNamed(page, 'Metadata on each site');
    const [a, b] = await waitUntil('both copies at one version', FEW_POLLS_MS, () => Promise.all([rowOf(page, 'Metadata on each site', 'site-a'), rowOf(page, 'Metadata on each site', 'site-b')]), ([x, y]) =>
      x?.['Sync state'] === 'IN SYNC' && y?.['Sync state'] === 'IN SYNC' && x['Metadata version'] === y['Metadata version'],
    );
    assert.deepEqual([a?.['Status there'], b?.['Status there']], ['failed_over', 'failed_over'], 'both sites say the workload runs on site-b');
    assert.ok(await copies.isVisible());
    assert.match(await main().innerText(), new RegExp(`Not now: both sites already hold version ${a?.['Metadata version']}`));

    // The edit page and its delete confirmation, left without a change.
    await openTable();
    await rowActions();
    await page.getByRole('menuitem', { name: /^Edit/ }).click();
    await main().getByRole('heading', { level: 1, name: new RegExp(`^Edit ${PG}`) }).waitFor();
    await checkA11y(page, 'edit');
    await main().getByRole('button', { name: 'Delete protection group' }).click();
    await page.getByRole('dialog').waitFor();
    await checkA11y(page, 'edit: the delete confirmation');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await main().getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(new RegExp(`/protection-groups/${PG}$`));

    await nav('Operations').click();
    const history = tableNamed(page, 'Operations');
    await history.waitFor();
    await waitUntil('the lifecycle in the history', FEW_POLLS_MS, () => history.innerText(), (t) => ['test_failover', 'test_cleanup', 'failover', 'failback'].every((x) => t.includes(x)));
    await checkA11y(page, 'operations history');
    await screenshot(page, 'operations-history');

    await nav('Health').click();
    for (const site of ['site-a', 'site-b']) await tableNamed(page, `Health on ${site}`).waitFor();
    await checkA11y(page, 'health with the PG failed over');

    await nav('Overview').click();
    await checkA11y(page, 'overview after the lifecycle');

    const admin = await browser.page();
    page = admin;
    await admin.goto(lab.url);
    await loginBothSites(admin, LAB_ADMIN);
    await nav('Sites').click();
    for (const site of ['site-a', 'site-b']) await tableNamed(admin, `Sites registered on ${site}`).waitFor();
    await checkA11y(admin, 'admin sites');
    await screenshot(admin, 'admin-sites');
    await nav('Tenant mappings').click();
    for (const site of ['site-a', 'site-b']) await tableNamed(admin, `Tenant mappings on ${site}`).waitFor();
    await checkA11y(admin, 'admin tenant mappings');
  });

  test('no page threw an uncaught error', () => {
    assert.deepEqual(browser.errors, []);
  });
});
