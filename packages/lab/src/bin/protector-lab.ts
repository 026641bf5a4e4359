#!/usr/bin/env node
import type { ChildProcess } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { demo, demoTable } from '../demo.js';
import { MAX_PROCESSES, type LabStorage } from '../protector.js';
import { startLabSite, stopLab, stopLabSite } from '../site-control.js';
import { simUrl } from '../sites.js';
import { isAlive, readState, writeState } from '../state.js';
import { labUp, upSummary, type UpOptions } from '../up.js';

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

const count = (option: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PROCESSES) throw new InvalidArgumentError(`${option} must be a whole number from 1 to ${MAX_PROCESSES}`);
  return n;
};

program
  .command('up')
  .description('start site-a and site-b (in the foreground unless --detach)')
  .option('--dir <dir>', 'lab folder for state, logs and clouds.yaml', '.lab')
  .option('--base-port <port>', 'first port of site-a; site-b is 100 above', port, 15000)
  .option('--detach', 'leave the sites running in the background; stop them with `down`')
  .option('--storage <driver>', "Protector's storage driver: pure (FlashArray REST 2.x over HTTPS to the simulated arrays) or mock (their model, in process)", storageDriver, 'pure')
  .option('--apis <n>', 'protector-api processes per site: the first on base+7 (in the Keystone catalog), the others on base+21, base+22, …', count('--apis'), 1)
  .option('--engines <n>', 'protector-engine processes per site', count('--engines'), 1)
  .option('--database <url>', 'a MariaDB/MySQL server, e.g. mysql+pymysql://user:pw@127.0.0.1:3306/: each site gets its own database (protector_site_a, protector_site_b; a database named in the URL is their prefix instead), created if missing (default: a SQLite file per site)')
  .option('--transport-url <url>', 'a RabbitMQ broker, e.g. rabbit://user:pw@127.0.0.1:5672/: each site gets its own vhost (site-a, site-b; a vhost named in the URL is their prefix) (default: the database bus)')
  .option('--rabbitmqctl <command>', "how to run rabbitmqctl against that broker (shell words, e.g. 'rabbitmqctl -n rabbit@host'), to create the vhosts and grant the URL's user; without it they must exist")
  .action(async (opts: Omit<UpOptions, 'detach'> & { detach?: boolean }) => {
    const o: UpOptions = { ...opts, detach: opts.detach === true };
    const lab = await labUp(o);
    for (const line of upSummary(lab, o)) console.log(line);
    if (o.detach) {
      console.log(`\nRunning in the background; stop with: protector-lab down --dir ${o.dir}`);
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
          if (readState(lab.dir)?.stopped?.includes(site)) return console.log(`${site}: ${what} stopped by 'protector-lab site stop'`);
          console.error(`${site}: ${what} exited (${code}); see ${log}`);
          stop();
        });
      for (const [i, procs] of lab.services.entries()) for (const p of procs) watch(lab.sites[i]!.name, p.name, p.child, p.log);
      for (const s of lab.started) watch(s.site.name, 'cloudsim', s.child, s.log);
    });
    console.log('stopping the lab …');
    // As the state file has them now: a site restarted with `site start` runs under new pids.
    await stopLab(readState(lab.dir) ?? { sites: [] });
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
    for (const { site, processes } of state.protector ?? []) {
      for (const p of processes) {
        const alive = isAlive(p.pid);
        const answers = p.url ? alive && (await fetch(`${p.url}/healthz`).then((r) => r.ok, () => false)) : alive;
        healthy &&= answers;
        const how = p.url ? `${answers ? 'answering' : 'not answering'} ${p.url}` : alive ? 'running' : 'stopped';
        console.log(`${site.padEnd(8)} ${p.name} ${how}   pid ${p.pid}   host ${p.host}   log ${p.log}`);
      }
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
