#!/usr/bin/env node
import type { ChildProcess } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { labCloudsYaml } from '../clouds.js';
import { join, resolve } from 'node:path';
import { startSite, stopPid, waitReady, type Started } from '../processes.js';
import { ensureCaFiles } from '@protector/arraysim/rest';
import { arrayCa, labArrays, labSites, simUrl } from '../sites.js';
import { isAlive, readState, writeState } from '../state.js';
import { installProtectorInKeystone } from '../keystone-setup.js';
import { DASHBOARD_LOGIN, dashboardUrl, startDashboard, waitDashboard } from '../dashboard.js';
import { registerLabSites } from '../register.js';
import { startLabSite, stopLab, stopLabSite } from '../site-control.js';
import { demo, demoTable } from '../demo.js';
import { apiUrl, prepareProtector, startProtector, waitApi, type LabStorage, type ProtectorProcesses } from '../protector.js';

const program = new Command('protector-lab').description('Two simulated OpenStack sites on one machine.');
const storageDriver = (v: string): LabStorage => {
  if (v !== 'pure' && v !== 'mock') throw new InvalidArgumentError("must be 'pure' or 'mock'");
  return v;
};

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1024 || n > 65000) throw new InvalidArgumentError('--base-port must be a port from 1024 to 65000');
  return n;
};

program
  .command('up')
  .description('start site-a and site-b (in the foreground unless --detach)')
  .option('--dir <dir>', 'lab folder for state, logs and clouds.yaml', '.lab')
  .option('--base-port <port>', 'first port of site-a; site-b is 100 above', port, 15000)
  .option('--detach', 'leave the sites running in the background; stop them with `down`')
  .option('--storage <driver>', "Protector's storage driver: pure (FlashArray REST 2.x over HTTPS to the simulated arrays) or mock (their model, in process)", storageDriver, 'pure')
  .action(async (opts: { dir: string; basePort: number; detach?: boolean; storage: LabStorage }) => {
    const dir = resolve(opts.dir);
    const running = readState(dir)?.sites.filter((s) => isAlive(s.pid)) ?? [];
    if (running.length > 0) throw new Error(`the lab in ${dir} is already running (${running.map((s) => s.name).join(', ')}); run 'protector-lab down' first`);
    mkdirSync(dir, { recursive: true });
    // Made once and kept: a client that trusts the lab CA keeps trusting it across restarts.
    await ensureCaFiles(arrayCa(dir).cert, arrayCa(dir).key);
    const sites = labSites(opts.basePort);
    const started: Started[] = [];
    const services: ProtectorProcesses[] = [];
    const clouds = join(dir, 'clouds.yaml');
    let dashboard: ReturnType<typeof startDashboard> | undefined;
    const stopAll = () =>
      Promise.all([
        ...services.flatMap((p) => [p.engine, p.api]).map((c) => (c.pid ? stopPid(c.pid) : undefined)),
        ...started.map((s) => (s.child.pid ? stopPid(s.child.pid) : undefined)),
        dashboard?.child.pid ? stopPid(dashboard.child.pid) : undefined,
      ]);
    try {
      for (const site of sites) {
        console.log(`starting ${site.name} on ports ${site.basePort}-${site.basePort + 6} …`);
        const s = startSite(site, dir, opts.detach === true);
        started.push(s);
        await waitReady(s);
      }
      for (const site of sites) {
        console.log(`starting protector-api and protector-engine of ${site.name} on ${apiUrl(site)} …`);
        await installProtectorInKeystone(site);
        const conf = prepareProtector(site, dir, opts.storage);
        const p = startProtector(site, dir, conf, opts.detach === true);
        services.push(p);
        await waitApi(site, p);
      }
      console.log('registering the sites with each Protector and mapping the demo projects …');
      await registerLabSites(sites, labArrays(sites, dir));
      writeFileSync(clouds, labCloudsYaml(sites), { mode: 0o600 });
      console.log(`starting protector-dashboard on ${dashboardUrl(sites[0]!)} …`);
      dashboard = startDashboard(sites, dir, clouds, opts.detach === true);
      await waitDashboard(dashboard);
    } catch (err) {
      await stopAll();
      throw err;
    }
    const arrays = labArrays(sites, dir);
    writeState(dir, {
      sites: started.map((s) => ({ name: s.site.name, pid: s.child.pid!, basePort: s.site.basePort, dataDir: s.dataDir, log: s.log })),
      arrays,
      protector: sites.map((site, i) => ({
        site: site.name,
        api: { pid: services[i]!.api.pid!, url: apiUrl(site), log: services[i]!.logs.api },
        engine: { pid: services[i]!.engine.pid!, log: services[i]!.logs.engine },
      })),
      dashboard: { pid: dashboard!.child.pid!, url: dashboard!.url, log: dashboard!.log },
    });
    console.log('\nThe lab is up:');
    for (const s of started) {
      console.log(`  ${s.site.name}: Keystone http://127.0.0.1:${s.site.basePort}/v3   control ${simUrl(s.site)}/sim/info   log ${s.log}`);
    }
    for (const a of arrays) {
      console.log(`  ${a.name}: ${a.site}'s Cinder backend   REST ${a.url}/api/api_version   api token ${a.api_tokens.map((t) => `${t.token} (${t.user})`).join(', ') || 'none'}`);
    }
    for (const [i, site] of sites.entries()) console.log(`  protector on ${site.name}: API ${apiUrl(site)}   logs ${services[i]!.logs.api}, ${services[i]!.logs.engine}`);
    console.log(
      opts.storage === 'pure'
        ? `  protector storage: driver pure (FlashArray REST 2.x over HTTPS to the arrays above, verified with the arrays CA)`
        : `  protector storage: driver mock (the arrays' model file, in process; start with --storage pure for the REST path)`,
    );
    console.log(`  arrays model: ${arrays[0]?.db ?? ''} (site-a-array and site-b-array, connected for replication)`);
    console.log(`  arrays CA: ${arrayCa(dir).cert} (the array REST faces are HTTPS; verify them with this file)`);
    console.log(`  dashboard: ${dashboard!.url}   log in as ${DASHBOARD_LOGIN.username} / ${DASHBOARD_LOGIN.password}, project ${DASHBOARD_LOGIN.project} (to both sites)   log ${dashboard!.log}`);
    console.log(`\nclouds.yaml: ${clouds}`);
    console.log(`  clouds ${sites.map((s) => `${s.name} (admin)`).join(', ')}, ${sites.map((s) => `${s.name}-demo`).join(', ')} (the demo tenant)`);
    console.log(
      `\nNext:\n  export OS_CLIENT_CONFIG_FILE=${clouds} OS_CLOUD=site-a-demo OS_SECONDARY_CLOUD=site-b-demo\n  npx protector protection-group list          # the protector CLI, both sites\n  npx protector-lab demo${opts.dir === '.lab' ? '' : ` --dir ${opts.dir}`}                        # the whole DR lifecycle, checked by data\n  openstack --os-cloud site-a-demo server list  # the OpenStack client works too`,
    );
    if (opts.detach) {
      console.log(`\nRunning in the background; stop with: protector-lab down --dir ${opts.dir}`);
      return;
    }
    console.log('\nPress Ctrl-C to stop the lab.');
    let stopping = false;
    await new Promise<void>((resolveStop) => {
      const stop = () => {
        stopping = true;
        resolveStop();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // A process ending on its own (not through Ctrl-C, nor `site stop`) takes the lab down with it.
      const watch = (site: string, what: string, c: ChildProcess, log: string) =>
        c.once('exit', (code) => {
          if (stopping) return;
          if (readState(dir)?.stopped?.includes(site)) return console.log(`${site}: ${what} stopped by 'protector-lab site stop'`);
          console.error(`${site}: ${what} exited (${code}); see ${log}`);
          stop();
        });
      for (const [i, p] of services.entries()) {
        watch(sites[i]!.name, 'protector-api', p.api, p.logs.api);
        watch(sites[i]!.name, 'protector-engine', p.engine, p.logs.engine);
      }
      for (const s of started) watch(s.site.name, 'cloudsim', s.child, s.log);
    });
    console.log('stopping the lab …');
    // As the state file has them now: a site restarted with `site start` runs under new pids.
    await stopLab(readState(dir) ?? { sites: [] });
  });

program
  .command('down')
  .description('stop a lab started with --detach')
  .option('--dir <dir>', 'lab folder', '.lab')
  .action(async (opts: { dir: string }) => {
    const state = readState(resolve(opts.dir));
    if (!state) throw new Error(`no lab found in ${resolve(opts.dir)}`);
    await stopLab(state);
    writeState(resolve(opts.dir), { sites: [], arrays: state.arrays, protector: [] });
  });

program
  .command('status')
  .description('show whether each site runs and answers')
  .option('--dir <dir>', 'lab folder', '.lab')
  .action(async (opts: { dir: string }) => {
    const state = readState(resolve(opts.dir));
    if (!state || state.sites.length === 0) {
      console.log('the lab is not running');
      process.exitCode = 3;
      return;
    }
    let healthy = true;
    for (const s of state.sites) {
      const alive = isAlive(s.pid);
      const answers = alive && (await fetch(`${simUrl(s)}/sim/info`).then((r) => r.ok, () => false));
      healthy &&= answers;
      console.log(`${s.name.padEnd(8)} pid ${String(s.pid).padEnd(8)} ${alive ? 'running' : 'stopped'}  ${answers ? 'answering' : 'not answering'}  keystone http://127.0.0.1:${s.basePort}/v3`);
    }
    if (state.dashboard) {
      const d = state.dashboard;
      const answers = isAlive(d.pid) && (await fetch(`${d.url}/api/session`).then((r) => r.status === 401, () => false));
      healthy &&= answers;
      console.log(`dashboard protector-dashboard ${answers ? 'answering' : 'not answering'} ${d.url}`);
    }
    for (const p of state.protector ?? []) {
      const api = isAlive(p.api.pid) && (await fetch(`${p.api.url}/healthz`).then((r) => r.ok, () => false));
      const engine = isAlive(p.engine.pid);
      healthy &&= api && engine;
      console.log(`${p.site.padEnd(8)} protector-api ${api ? 'answering' : 'not answering'} ${p.api.url}   protector-engine ${engine ? 'running' : 'stopped'}`);
    }
    if (!healthy) process.exitCode = 1;
  });

program
  .command('demo')
  .description('drive the whole DR lifecycle through the protector CLI on a running lab (start it with up --detach)')
  .option('--dir <dir>', 'lab folder', '.lab')
  .action(async (opts: { dir: string }) => {
    const started = Date.now();
    const rows = await demo(resolve(opts.dir));
    console.log(`\n${demoTable(rows)}\n\nThe lifecycle took ${Math.round((Date.now() - started) / 1000)} s.`);
    if (rows.some((r) => r.verified === false || (r.note !== 'completed' && r.note !== 'both sites at one version'))) process.exitCode = 1;
  });

const siteCmd = program.command('site').description('stop or start one site of a running lab (a datacenter lost and back)');
siteCmd
  .command('stop <name>')
  .description("stop a site's OpenStack, Protector services and array")
  .option('--dir <dir>', 'lab folder', '.lab')
  .action(async (name: string, opts: { dir: string }) => {
    const dir = resolve(opts.dir);
    const state = readState(dir);
    if (!state?.sites.length) throw new Error(`no running lab in ${dir}`);
    writeState(dir, await stopLabSite(state, dir, name));
    console.log(`${name} stopped: its Keystone, Nova, Cinder, Neutron, Glance, protector-api, protector-engine and array no longer answer`);
  });
siteCmd
  .command('start <name>')
  .description('start a stopped site again, on its own data')
  .option('--dir <dir>', 'lab folder', '.lab')
  .action(async (name: string, opts: { dir: string }) => {
    const dir = resolve(opts.dir);
    const state = readState(dir);
    if (!state?.sites.length) throw new Error(`no running lab in ${dir}`);
    writeState(dir, await startLabSite(state, dir, name));
    console.log(`${name} started`);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`protector-lab: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
