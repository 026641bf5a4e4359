import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../protector/src/engine/index.js';
import { lifecycleWorkflows } from '../../../protector/src/engine/workflows/index.js';
import { engineWithHook } from '../../../protector/test/helpers/dr.js';
import { startSiteApis, type SiteApi } from '../../../protector/test/helpers/two-site-apis.js';
import { ALICE, SRE, startTwoSites, type TwoSites } from '../../../protector/test/helpers/two-sites.js';
import { runProtector, spawnProtector, type CliResult, type SpawnedCli } from './run-cli.js';

/**
 * Two sites as the CLI meets them, in this process: cloudsim sites with their Keystones, each
 * site's own protector-api (stoppable and restartable on its port) and database, engines that
 * take operations as the service's do (`startEngines`), and the compiled `protector` binary run
 * as alice with clouds site-a-demo and site-b-demo.
 */
export interface CliLab {
  t: TwoSites;
  api: { a: SiteApi; b: SiteApi };
  /** `protector` with --os-cloud site-a-demo (or site-b-demo with `from: 'b'`; `as: 'sre'` for the site-X-sre clouds) and the other as --secondary-cloud; never throws. */
  protector(args: string[], o?: { from?: 'a' | 'b'; as?: 'demo' | 'sre' }): Promise<CliResult>;
  /**
   * Engines on both sites scanning for operations. `hold` runs inside site-b's operations of its
   * type after the named step's work (a test stops the API there, or holds the operation
   * running); site-a's workflows get `workflowOptions` (a short dead-link grace, say).
   */
  startEngines(o?: { hold?: { type: string; step: string; run: () => Promise<void> | void }; workflowOptions?: Parameters<typeof lifecycleWorkflows>[1] }): void;
  /** `protector` as `protector()` runs it, in the background: its stderr read as it comes. */
  spawn(args: string[], o?: { from?: 'a' | 'b'; as?: 'demo' | 'sre' }): SpawnedCli;
  close(): Promise<void>;
}

export async function startCliLab(): Promise<CliLab> {
  const t = await startTwoSites();
  const api = await startSiteApis(t, 'cli-lab-pairing-secret-0123456789abcdefghij');
  const cloud = (keystone: string, u: { name: string; password: string } = ALICE, project = 'demo') =>
    `    auth: {auth_url: '${keystone}/v3', username: ${u.name}, password: ${u.password}, project_name: ${project}, user_domain_name: Default, project_domain_name: Default}\n    region_name: RegionOne\n`;
  // site-X-sre: an SRE with the dr_site_admin role (site failover).
  writeFileSync(
    join(t.dir, 'clouds.yaml'),
    `clouds:\n  site-a-demo:\n${cloud(t.a.url('keystone'))}  site-b-demo:\n${cloud(t.b.url('keystone'))}  site-a-sre:\n${cloud(t.a.url('keystone'), SRE, 'service')}  site-b-sre:\n${cloud(t.b.url('keystone'), SRE, 'service')}`,
  );
  const env = { PATH: process.env.PATH, HOME: t.dir, OS_CLIENT_CONFIG_FILE: join(t.dir, 'clouds.yaml') };
  const engines: Engine[] = [];

  const global = (o: { from?: 'a' | 'b'; as?: 'demo' | 'sre' }): string[] => {
    const [first, second] = o.from === 'b' ? (['b', 'a'] as const) : (['a', 'b'] as const);
    const who = o.as ?? 'demo';
    return ['--os-cloud', `site-${first}-${who}`, '--os-endpoint', api[first].url, '--secondary-cloud', `site-${second}-${who}`, '--secondary-endpoint', api[second].url, '--timeout', '5'];
  };
  const protector = (args: string[], o: { from?: 'a' | 'b'; as?: 'demo' | 'sre' } = {}): Promise<CliResult> => runProtector([...global(o), ...args], env);
  const spawn = (args: string[], o: { from?: 'a' | 'b'; as?: 'demo' | 'sre' } = {}): SpawnedCli => spawnProtector([...global(o), ...args], env);

  const startEngines: CliLab['startEngines'] = (o = {}) => {
    const a = t.atA.engine(undefined, { workflows: lifecycleWorkflows(t.atA.deps, { stepTimeoutMs: 60_000, ...o.workflowOptions })});
    const hooked = o.hold && lifecycleWorkflows(t.atB.deps).find((w) => w.type === o.hold?.type);
    const b = hooked && o.hold ? engineWithHook(t.atB, hooked, o.hold.step, o.hold.run) : t.atB.engine();
    engines.push(a, b);
    void a.start();
    void b.start();
  };

  const close = async () => {
    for (const e of engines) await e.stop(1000).catch(() => {});
    await api.a.close();
    await api.b.close();
    await t.close();
  };
  return { t, api, protector, spawn, startEngines, close };
}
