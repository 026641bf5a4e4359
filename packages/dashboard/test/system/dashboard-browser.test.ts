// The dashboard in Debian's Chromium against a lab (`protector-lab up`, its own ports and folder):
// a tenant logs in to both sites, reads the overview and the protection groups table, watches
// site-b go down and come back through the banner and the table's sync column; a member sees no
// admin links and no admin content, an admin sees the links. axe runs on every page visited and
// finds nothing serious or critical. UPDATE_DOCS=1 writes the screenshots docs/dashboard.md shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { POLL_SLOW_MS } from '../../web/src/api/poll.js';
import { at, browserSkip, checkA11y, loginBothSites, rowOf, screenshot, startBrowser, tableNamed, waitUntil, type Browser } from '../helpers/browser.js';
import { LAB_ADMIN, LAB_DEMO, startLab, type Lab } from '../helpers/lab.js';
import { createPgs, sitePair } from '../helpers/pgs.js';

// site-a on 19400-19408 (the dashboard on +8), site-b on 19500-19507: no other test uses them.
const BASE_PORT = 19400;
const PG = 'browser-pg';
/** "Within a few polls": the banner and the table re-read every POLL_SLOW_MS. */
const FEW_POLLS_MS = 3 * POLL_SLOW_MS + 5000;

describe('the dashboard in Chromium, against the lab', { skip: browserSkip(), timeout: 600_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;

  const banner = () => page.getByRole('status').filter({ hasText: /site-b is (down|not logged in)/ });
  const pgRow = () => rowOf(page, 'Protection groups', PG);

  before(async () => {
    lab = await startLab(BASE_PORT);
    await createPgs(sitePair(lab.sites, LAB_DEMO), [PG]);
    browser = await startBrowser();
    page = await browser.page();
  });
  after(async () => {
    await browser?.close();
    await lab?.close();
  });

  test('the login page names both sites and has no serious accessibility violation', async () => {
    await page.goto(lab.url);
    const form = page.getByRole('form', { name: 'Log in' });
    await form.waitFor();
    assert.ok(await page.getByText('Protector: site-a and site-b').isVisible(), 'the login page names the pair');
    await checkA11y(page, 'login');
    await screenshot(page, 'login');
  });

  test('a tenant logs in to both sites at once: the masthead names both with the project', async () => {
    const masthead = await loginBothSites(page, LAB_DEMO);
    assert.match(masthead, /demo · site-a \(demo\), site-b \(demo\)/);
  });

  test('the overview shows both sites up and counts the protection group', async () => {
    for (const site of ['site-a', 'site-b']) {
      const card = page.getByLabel(`site ${site}`, { exact: true });
      await card.getByText('up', { exact: true }).waitFor();
      assert.match(await card.innerText(), /answering/, site);
    }
    assert.match(await page.getByLabel('protection groups', { exact: true }).innerText(), /1 in all, 0 not IN SYNC/);
    assert.equal(await banner().count(), 0, 'no banner while both sites answer');
    await checkA11y(page, 'overview');
    await screenshot(page, 'overview');
  });

  test('the protection groups table lists the PG with its status and sync state in words', async () => {
    await page.getByRole('navigation', { name: 'Protector' }).getByRole('link', { name: 'Protection groups' }).click();
    await tableNamed(page, 'Protection groups').waitFor();
    assert.equal(new URL(page.url()).pathname, '/protection-groups');
    const row = await waitUntil('the PG row', 10_000, pgRow, (r) => r !== null);
    assert.deepEqual({ status: row?.Status, replication: row?.Replication, active: row?.['Active site'], sync: row?.Sync }, { status: 'active', replication: 'async', active: 'site-a', sync: 'IN SYNC' });
    await checkA11y(page, 'protection groups');
    await screenshot(page, 'protection-groups');
  });

  test('site-b stopped: within a few polls the banner says it is down and the table marks sync UNREACHABLE', async () => {
    await lab.stopSite('site-b');
    const stopped = Date.now();
    await banner().waitFor({ timeout: FEW_POLLS_MS });
    const said = await banner().innerText();
    assert.match(said, /site-b is down/);
    assert.match(said, /Working with site-a alone: actions that need both sites are disabled/);
    assert.ok(await banner().evaluate((e) => e.scrollWidth <= e.clientWidth), 'the whole message shows (it wraps, nothing is cut off)');
    const row = await waitUntil('sync UNREACHABLE', FEW_POLLS_MS - (Date.now() - stopped), pgRow, (r) => r?.Sync === 'UNREACHABLE');
    assert.equal(row?.Status, 'active', 'site-a still reads the PG');
    await checkA11y(page, 'protection groups with site-b down');
    await screenshot(page, 'site-down');
  });

  test('site-b started again: the banner goes and the PG is IN SYNC again', async () => {
    await lab.startSite('site-b');
    await banner().waitFor({ state: 'detached', timeout: FEW_POLLS_MS });
    await waitUntil('sync IN SYNC', FEW_POLLS_MS, pgRow, (r) => r?.Sync === 'IN SYNC');
  });

  test('a member sees no admin links and no admin content at /admin/sites; an admin sees the links', async () => {
    const nav = page.getByRole('navigation', { name: 'Protector' });
    const links = await nav.getByRole('link').allInnerTexts();
    assert.ok(links.includes('Protection groups'), links.join(', '));
    assert.deepEqual(links.filter((l) => l === 'Sites' || l === 'Tenant mappings'), [], 'a member has no admin links');

    await page.goto(at(page, '/admin/sites'));
    const main = page.getByRole('main');
    await main.waitFor();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    const text = await main.innerText();
    // Admin content would be the registered sites: their Keystones and the tables and buttons that manage them.
    for (const s of lab.sites) assert.ok(!text.includes(s.authUrl), `a member is not shown ${s.name}'s registration`);
    assert.equal(await main.getByRole('grid').or(main.getByRole('table')).count(), 0, 'no table of sites');
    assert.equal(await main.getByRole('button', { name: /register|validate|delete|edit/i }).count(), 0, 'no admin buttons');
    await checkA11y(page, 'admin sites as a member');

    const admin = await browser.page();
    await admin.goto(lab.url);
    await loginBothSites(admin, LAB_ADMIN);
    const adminLinks = await admin.getByRole('navigation', { name: 'Protector' }).getByRole('link').allInnerTexts();
    assert.ok(adminLinks.includes('Sites') && adminLinks.includes('Tenant mappings'), `an admin's links: ${adminLinks.join(', ')}`);
    await admin.context().close();
  });

  test('no page threw an uncaught error', () => {
    assert.deepEqual(browser.errors, []);
  });
});
