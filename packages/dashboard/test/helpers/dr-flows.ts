// The DR pages driven as a person drives them, for the lifecycle browser test: the PG table's row
// menu read item by item, the DR wizard walked from its action to Start, the operation page
// watched until the operation ends; and the lab's guest API, which proves each step by data.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkA11y, screenshot, tableNamed, waitUntil } from './browser.js';

/** The lab's guest API on a site (cloudsim's control port): what a program in a server writes to or reads from its boot disk. */
export async function guest(simUrl: string, server: string, verb: 'write' | 'read', offset: number, text: string): Promise<string> {
  const body = verb === 'write' ? { offset, data: Buffer.from(text).toString('base64') } : { offset, length: text.length };
  const r = await fetch(`${simUrl}/sim/servers/${server}/${verb}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`guest ${verb} on ${server} (${simUrl}): ${r.status} ${await r.text()}`);
  return verb === 'read' ? Buffer.from(((await r.json()) as { data: string }).data, 'base64').toString() : '';
}

export interface MenuItem {
  enabled: boolean;
  /** The line under the title: what it does, and "Not now: why" when disabled. */
  says: string;
}

/** Opens a PG's row menu in the table; each item by its title. The menu is left open (to click an item). */
export async function rowActions(page: Page, pg: string): Promise<Record<string, MenuItem>> {
  await page.getByRole('button', { name: `Actions for ${pg}` }).click();
  const items = page.getByRole('menuitem');
  await items.first().waitFor();
  const out: Record<string, MenuItem> = {};
  for (const item of await items.all()) {
    const [title, ...rest] = (await item.innerText()).trim().split('\n');
    out[title!.trim()] = { enabled: (await item.getAttribute('aria-disabled')) !== 'true', says: rest.join(' ').trim() };
  }
  return out;
}

/** Every step of a wizard shows in its side nav, none hidden behind a scroll. */
export async function navShowsEverySteps(page: Page, name: string): Promise<void> {
  const fits = await page.getByRole('navigation', { name }).evaluate((e) => e.scrollHeight <= e.clientHeight);
  assert.ok(fits, `every step of "${name}" shows in its nav`);
}

export interface WizardRun {
  /** The action's radio label, as the wizard says it. */
  action: string;
  pg: string;
  /** The site the plan, pre-check and confirmation must name, and whose operation page follows. */
  runsOn: string;
  /** The PG's name is asked for (Start disabled until it is typed). */
  confirm?: boolean;
  /** A screenshot of the passed pre-check, by this name. */
  shot?: string;
  /** axe on every step, not only the pre-check and the confirmation. */
  thorough?: boolean;
}

/**
 * Walks the DR wizard (already open) from its Action step to Start: the action, Next through the
 * recovery point (the newest) and the mappings, the pre-check passed, the confirmation checked
 * against what was chosen and the name typed where it is asked for. Ends on the operation page.
 */
export async function runDrWizard(page: Page, o: WizardRun): Promise<void> {
  const wizard = page.getByRole('main');
  const radio = wizard.getByRole('radio', { name: o.action, exact: true });
  if (!(await radio.isChecked())) await radio.check();
  await wizard.getByText(new RegExp(`Runs on ${o.runsOn}`)).waitFor({ timeout: 30_000 });
  // The heading names the PG once the action's plan is read (the URL may carry its id).
  await wizard.getByRole('heading', { name: `DR action on ${o.pg}` }).waitFor();
  if (o.thorough) await checkA11y(page, `DR wizard action (${o.action})`);
  const next = wizard.getByRole('button', { name: 'Next', exact: true });
  await next.click(); // → Recovery point
  if (o.thorough) await checkA11y(page, `DR wizard recovery point (${o.action})`);
  await next.click(); // → Mappings
  if (o.thorough) {
    await tableNamed(page, 'Mappings').waitFor();
    await checkA11y(page, `DR wizard mappings (${o.action})`);
  }
  await next.click(); // → Pre-check
  const passed = wizard.getByText(new RegExp(`All \\d+ pre-checks passed on ${o.runsOn}$`));
  const blocked = wizard.getByText(/blockers? on site-[ab]: this action cannot start|The pre-check could not run/);
  await passed.or(blocked).first().waitFor({ timeout: 60_000 });
  if (await blocked.count()) throw new Error(`the pre-check of ${o.action} did not pass:\n${await wizard.innerText()}`);
  await navShowsEverySteps(page, 'DR action steps');
  await checkA11y(page, `DR wizard pre-check (${o.action})`);
  if (o.shot) await screenshot(page, o.shot);
  await next.click(); // → Confirm
  const terms = await wizard.getByRole('term').allInnerTexts();
  const values = await wizard.getByRole('definition').allInnerTexts();
  const summary = Object.fromEntries(terms.map((t, i) => [t.trim(), values[i]?.trim()]));
  assert.deepEqual({ action: summary.Action, pg: summary['Protection group'], runsOn: summary['Runs on'] }, { action: o.action, pg: o.pg, runsOn: o.runsOn }, 'the confirmation says what runs where');
  const start = wizard.getByRole('button', { name: 'Start', exact: true });
  if (o.confirm) {
    assert.ok(await start.isDisabled(), `${o.action}: Start is disabled until the name is typed`);
    await wizard.getByRole('textbox', { name: `Type ${o.pg} to confirm` }).fill(o.pg);
  }
  await checkA11y(page, `DR wizard confirm (${o.action})`);
  await start.click();
  await page.waitForURL(new RegExp(`/operations/${o.runsOn}/[^/]+$`));
}

/** One look at the operation page: its status word (the heading's label) and each step's state. */
export interface OperationLook {
  status: string;
  heading: string;
  states: string[];
}

export const ENDED = ['completed', 'failed', 'partial', 'rolled_back', 'cancelled'];

async function readOperation(page: Page): Promise<OperationLook> {
  const heading = (await page.getByRole('main').getByRole('heading', { level: 1 }).innerText().catch(() => '')).trim();
  const rows = await tableNamed(page, 'Steps').getByRole('row').allInnerTexts().catch(() => [] as string[]);
  // Columns: #, Step, State, …; the first row is the header.
  const states = rows.slice(1).map((r) => r.split('\t').map((c) => c.trim())[2] ?? '');
  return { status: /\b(pending|running|completed|failed|partial|rolling_back|rolled_back|cancelled)$/.exec(heading)?.[1] ?? '', heading, states };
}

/**
 * Watches the operation page (it re-reads every 2 s) until the operation ends, keeping every
 * different look; fails unless it completed. `outcome` is the page's sentence for the end.
 */
export async function followOperation(page: Page, what: string, timeoutMs: number): Promise<{ looks: OperationLook[]; outcome: string; type: string }> {
  const main = page.getByRole('main');
  await main.getByRole('heading', { level: 1, name: /^Operation / }).waitFor();
  const looks: OperationLook[] = [];
  const read = async () => {
    const l = await readOperation(page);
    if (JSON.stringify(l) !== JSON.stringify(looks.at(-1))) looks.push(l);
    return l;
  };
  const last = await waitUntil(`${what} ends`, timeoutMs, read, (l) => ENDED.includes(l.status));
  // PatternFly's alert titles start with a word for screen readers ("Success alert:").
  const outcome = (await main.getByText(/Ended \w+ after /).innerText()).replace(/^\w+ alert:\s*/, '').trim();
  assert.equal(last.status, 'completed', `${what} ended ${last.status}: ${outcome}\n${await main.innerText()}`);
  return { looks, outcome, type: /^Operation (\S+) on/.exec(last.heading)?.[1] ?? '' };
}
