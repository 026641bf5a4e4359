// Debian's Chromium driven by playwright-core (never a downloaded browser), for the dashboard's
// system tests and benchmark: a page per user, the login form filled as a person does, axe on
// every page, and screenshots that become the docs' images when UPDATE_DOCS=1.
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser as PwBrowser, type Page } from 'playwright-core';
import type { UserLogin } from './pgs.js';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/** The size the docs' screenshots are taken at. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/**
 * Why the browser tests cannot run here, or false. Only a machine without Chromium and outside CI
 * skips them; in CI a missing Chromium fails the run instead.
 */
export function browserSkip(): string | false {
  if (existsSync(CHROMIUM) || process.env.CI) return false;
  return `no Chromium at ${CHROMIUM} (apt-get install chromium); the browser tests run wherever it is installed, and always in CI`;
}

export interface Browser {
  /** A page in a context of its own (its own cookies: one user each). */
  page(): Promise<Page>;
  /** Uncaught errors of every page so far (a page that throws fails its test). */
  errors: string[];
  /** Closes every page and the browser, and removes the temporary screenshots. */
  close(): Promise<void>;
}

/**
 * Launches Chromium. Playwright gives the non-persistent browser a fresh temporary profile of its
 * own and removes it on close; each page's context starts with no cookies or storage.
 */
export async function startBrowser(): Promise<Browser> {
  let browser: PwBrowser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  } catch (err) {
    throw new Error(`could not launch ${CHROMIUM}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const errors: string[] = [];
  return {
    errors,
    async page() {
      const context = await browser.newContext({ viewport: VIEWPORT });
      context.setDefaultTimeout(20_000);
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
      return page;
    },
    async close() {
      await browser.close();
      if (tempScreens) rmSync(tempScreens, { recursive: true, force: true });
      tempScreens = undefined;
    },
  };
}

/** The dashboard's address for a path, from the page's current URL. */
export const at = (page: Page, path: string): string => new URL(path, page.url()).href;

/**
 * Logs in to both sites through the login form (by its labels), then checks that the masthead
 * names every site with the project: a site that refused the login fails here.
 */
export async function loginBothSites(page: Page, user: UserLogin): Promise<string> {
  const config = (await (await page.request.get(at(page, '/api/config'))).json()) as { sites: string[] };
  const form = page.getByRole('form', { name: 'Log in' });
  await form.getByRole('textbox', { name: 'User name', exact: true }).fill(user.username);
  await form.getByRole('textbox', { name: 'Password', exact: true }).fill(user.password);
  await form.getByRole('textbox', { name: 'Project', exact: true }).fill(user.project);
  await form.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  const masthead = (await page.getByRole('banner').first().innerText()).replace(/\s+/g, ' ');
  const missing = config.sites.filter((s) => !masthead.includes(`${s} (${user.project})`));
  if (missing.length > 0) throw new Error(`logged in as ${user.username}, but not to ${missing.join(' and ')}: the masthead says "${masthead}"`);
  return masthead;
}

/** Fails with a readable list when axe finds serious or critical violations on the page as it is. */
export async function checkA11y(page: Page, name: string): Promise<void> {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return;
  const list = bad.map((v) => `  - ${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]\n${v.nodes.map((n) => `      at ${n.target.join(' ')}: ${n.failureSummary?.split('\n').join(' ') ?? ''}`).join('\n')}`);
  throw new Error(`accessibility: ${bad.length} serious or critical violation(s) on the ${name} page (${page.url()}):\n${list.join('\n')}`);
}

const DOCS_IMAGES = fileURLToPath(new URL('../../../../docs/images/', import.meta.url));
let tempScreens: string | undefined;

/**
 * A screenshot of the page's viewport: docs/images/dashboard-NAME.png with UPDATE_DOCS=1 (the
 * docs' images), else into a temporary folder (SCREENSHOT_DIR keeps them somewhere).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  let dir: string;
  if (process.env.UPDATE_DOCS === '1') dir = DOCS_IMAGES;
  else if (process.env.SCREENSHOT_DIR) dir = process.env.SCREENSHOT_DIR;
  else dir = tempScreens ??= mkdtempSync(join(tmpdir(), 'dashboard-screens-'));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `dashboard-${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}

/** Polls `check` (every 250 ms) until it holds, or fails after `timeoutMs` with `what` and the last value seen. */
export async function waitUntil<T>(what: string, timeoutMs: number, read: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A table by its accessible name: PatternFly's tables take the grid role, plain ones the table role. */
export const tableNamed = (page: Page, name: string) => page.getByRole('grid', { name, exact: true }).or(page.getByRole('table', { name, exact: true }));

/** A table row as {column header: cell text}, found by the text of one of its cells; null when none has it. */
export async function rowOf(page: Page, table: string, cell: string): Promise<Record<string, string> | null> {
  const t = tableNamed(page, table);
  const headers = await t.getByRole('columnheader').allInnerTexts();
  // `has` is looked for inside each row, so it starts from the page.
  const row = t.getByRole('row').filter({ has: page.getByRole('gridcell', { name: cell, exact: true }).or(page.getByRole('cell', { name: cell, exact: true })) });
  if ((await row.count()) === 0) return null;
  const cells = await row.first().getByRole('gridcell').or(row.first().getByRole('cell')).allInnerTexts();
  return Object.fromEntries(headers.map((h, i) => [h.trim(), (cells[i] ?? '').trim()]));
}
