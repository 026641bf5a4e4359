import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureCaFiles } from '@protector/arraysim/rest';
import { checkDatabaseUrl, checkTransportUrl, ensureSiteDatabase, ensureSiteVhost, redact, siteDatabaseName, siteTransportUrl, siteVhost } from './backends.js';
import { labCloudsYaml } from './clouds.js';
import { DASHBOARD_LOGIN, dashboardUrl, startDashboard, waitDashboard } from './dashboard.js';
import { installProtectorInKeystone } from './keystone-setup.js';
import { recorded, startService, startSite, stopPid, waitReady, waitService, type RunningService, type Started } from './processes.js';
import { prepareProtector, type LabStorage, type SiteLayout } from './protector.js';
import { registerLabSites } from './register.js';
import { arrayCa, labArrays, labSites, simUrl, type LabSite } from './sites.js';
import { isAlive, readState, writeState, type LabState } from './state.js';

export interface UpOptions {
  dir: string;
  basePort: number;
  detach: boolean;
  storage: LabStorage;
  /** protector-api and protector-engine processes per site. */
  apis: number;
  engines: number;
  /** A MariaDB/MySQL server URL: each site gets a database of its own on it. */
  database?: string;
  /** A RabbitMQ URL: each site gets a vhost of its own on it. */
  transportUrl?: string;
  /** How to run rabbitmqctl against that broker, to make the vhosts. */
  rabbitmqctl?: string;
}

/** What a started lab is made of, for the foreground watch and the summary. */
export interface UpLab {
  dir: string;
  sites: LabSite[];
  started: Started[];
  /** Each site's Protector processes, in the order of `sites`. */
  services: RunningService[][];
  dashboard: ReturnType<typeof startDashboard>;
  state: LabState;
}

/** The site's database and bus: given ones made ready for it, else the defaults (its SQLite file, the database bus). */
async function siteBackends(o: UpOptions, site: LabSite): Promise<Pick<SiteLayout, 'database' | 'transportUrl'>> {
  const database = o.database ? await ensureSiteDatabase(o.database, site.name) : undefined;
  let transportUrl: string | undefined;
  if (o.transportUrl) transportUrl = o.rabbitmqctl ? ensureSiteVhost(o.rabbitmqctl, o.transportUrl, site.name) : siteTransportUrl(o.transportUrl, site.name);
  return { ...(database ? { database } : {}), ...(transportUrl ? { transportUrl } : {}) };
}

/**
 * `protector-lab up`: both cloudsim sites, then per site what an operator does to install
 * Protector (Keystone, protector.conf, its database and bus, db sync, the processes), the sites
 * registered with each other, the dashboard. Stops what it started when any part fails.
 */
export async function labUp(o: UpOptions, log: (line: string) => void = console.log): Promise<UpLab> {
  const dir = resolve(o.dir);
  const running = readState(dir)?.sites.filter((s) => isAlive(s.pid)) ?? [];
  if (running.length > 0) throw new Error(`the lab in ${dir} is already running (${running.map((s) => s.name).join(', ')}); run 'protector-lab down' first`);
  // Checked here rather than by the option parser, whose message would repeat the URL and its password.
  if (o.database) checkDatabaseUrl(o.database);
  if (o.transportUrl) checkTransportUrl(o.transportUrl);
  if (o.rabbitmqctl && !o.transportUrl) throw new Error('--rabbitmqctl makes the vhosts of --transport-url: give --transport-url too');
  mkdirSync(dir, { recursive: true });
  // Made once and kept: a client that trusts the lab CA keeps trusting it across restarts.
  await ensureCaFiles(arrayCa(dir).cert, arrayCa(dir).key);
  const sites = labSites(o.basePort);
  const started: Started[] = [];
  const services: RunningService[][] = [];
  let dashboard: ReturnType<typeof startDashboard> | undefined;
  const stopAll = () =>
    Promise.all([
      ...services.flat().map((p) => (p.child.pid ? stopPid(p.child.pid) : undefined)),
      ...started.map((s) => (s.child.pid ? stopPid(s.child.pid) : undefined)),
      dashboard?.child.pid ? stopPid(dashboard.child.pid) : undefined,
    ]);
  try {
    for (const site of sites) {
      log(`starting ${site.name} on ports ${site.basePort}-${site.basePort + 6} …`);
      const s = startSite(site, dir, o.detach);
      started.push(s);
      await waitReady(s);
    }
    for (const site of sites) {
      await installProtectorInKeystone(site);
      const layout: SiteLayout = { storage: o.storage, apis: o.apis, engines: o.engines, ...(await siteBackends(o, site)) };
      const specs = prepareProtector(site, dir, layout);
      const urls = specs.flatMap((p) => p.url ?? []).join(', ');
      log(`starting ${counted(o.apis, 'protector-api')} and ${counted(o.engines, 'protector-engine')} of ${site.name} on ${urls} …`);
      const procs = specs.map((p) => startService(p, o.detach));
      services.push(procs);
      await Promise.all(procs.filter((p) => p.kind === 'api').map((p) => waitService(site.name, p)));
    }
    log('registering the sites with each Protector and mapping the demo projects …');
    await registerLabSites(sites, labArrays(sites, dir));
    // The engines take operations once both sites are registered.
    await Promise.all(services.flatMap((procs, i) => procs.filter((p) => p.kind === 'engine').map((p) => waitService(sites[i]!.name, p))));
    writeFileSync(join(dir, 'clouds.yaml'), labCloudsYaml(sites), { mode: 0o600 });
    log(`starting protector-dashboard on ${dashboardUrl(sites[0]!)} …`);
    dashboard = startDashboard(sites, dir, join(dir, 'clouds.yaml'), o.detach);
    await waitDashboard(dashboard);
  } catch (err) {
    await stopAll();
    throw err;
  }
  const state: LabState = {
    sites: started.map((s) => ({ name: s.site.name, pid: s.child.pid!, basePort: s.site.basePort, dataDir: s.dataDir, log: s.log })),
    arrays: labArrays(sites, dir),
    protector: sites.map((site, i) => ({ site: site.name, processes: services[i]!.map(recorded) })),
    dashboard: { pid: dashboard.child.pid!, url: dashboard.url, log: dashboard.log },
  };
  writeState(dir, state);
  return { dir, sites, started, services, dashboard, state };
}

const counted = (n: number, name: string) => (n === 1 ? name : `${n} ${name} processes`);

/** The summary `up` prints: where everything is, and what to run next. */
export function upSummary(lab: UpLab, o: UpOptions): string[] {
  const out = ['', 'The lab is up:'];
  for (const s of lab.started) out.push(`  ${s.site.name}: Keystone http://127.0.0.1:${s.site.basePort}/v3   control ${simUrl(s.site)}/sim/info   log ${s.log}`);
  for (const a of lab.state.arrays ?? []) {
    out.push(`  ${a.name}: ${a.site}'s Cinder backend   REST ${a.url}/api/api_version   api token ${a.api_tokens.map((t) => `${t.token} (${t.user})`).join(', ') || 'none'}`);
  }
  for (const [i, site] of lab.sites.entries()) {
    const procs = lab.services[i]!;
    const apis = procs.filter((p) => p.kind === 'api');
    const engines = procs.filter((p) => p.kind === 'engine');
    if (apis.length === 1 && engines.length === 1) {
      out.push(`  protector on ${site.name}: API ${apis[0]!.url}   logs ${apis[0]!.log}, ${engines[0]!.log}`);
      continue;
    }
    out.push(`  protector on ${site.name}: APIs ${apis.map((p) => p.url).join(', ')} (the catalog names the first)   engines ${engines.map((p) => p.host).join(', ')}`);
    out.push(`    logs ${procs.map((p) => p.log).join(', ')}`);
  }
  if (o.database) out.push(`  protector database: ${redact(o.database)} (a database per site: ${lab.sites.map((s) => siteDatabaseName(o.database!, s.name)).join(', ')})`);
  if (o.transportUrl) out.push(`  protector bus: ${redact(o.transportUrl)} (a vhost per site: ${lab.sites.map((s) => siteVhost(o.transportUrl!, s.name)).join(', ')})`);
  out.push(
    o.storage === 'pure'
      ? `  protector storage: driver pure (FlashArray REST 2.x over HTTPS to the arrays above, verified with the arrays CA)`
      : `  protector storage: driver mock (the arrays' model file, in process; start with --storage pure for the REST path)`,
  );
  out.push(`  arrays model: ${lab.state.arrays?.[0]?.db ?? ''} (site-a-array and site-b-array, connected for replication)`);
  out.push(`  arrays CA: ${arrayCa(lab.dir).cert} (the array REST faces are HTTPS; verify them with this file)`);
  out.push(`  dashboard: ${lab.dashboard.url}   log in as ${DASHBOARD_LOGIN.username} / ${DASHBOARD_LOGIN.password}, project ${DASHBOARD_LOGIN.project} (to both sites)   log ${lab.dashboard.log}`);
  const clouds = join(lab.dir, 'clouds.yaml');
  out.push('', `clouds.yaml: ${clouds}`, `  clouds ${lab.sites.map((s) => `${s.name} (admin)`).join(', ')}, ${lab.sites.map((s) => `${s.name}-demo`).join(', ')} (the demo tenant)`);
  out.push(
    '',
    'Next:',
    `  export OS_CLIENT_CONFIG_FILE=${clouds} OS_CLOUD=site-a-demo OS_SECONDARY_CLOUD=site-b-demo`,
    '  npx protector protection-group list          # the protector CLI, both sites',
    `  npx protector-lab demo${o.dir === '.lab' ? '' : ` --dir ${o.dir}`}                        # the whole DR lifecycle, checked by data`,
    '  openstack --os-cloud site-a-demo server list  # the OpenStack client works too',
  );
  return out;
}
