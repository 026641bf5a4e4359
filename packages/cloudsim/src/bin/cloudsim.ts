#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cloudsYaml } from '../clouds-yaml.js';
import { loadSeedFile } from '../seed/load.js';
import { ensureCaFiles, createSelfSignedTls, type RateLimit } from '@protector/arraysim/rest';
import { arrayHosts, PORT_OFFSETS, Site } from '../site.js';
import { parseFaultArg } from '../sim/faults.js';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};
const collect = (v: string, acc: string[]) => {
  parseFaultArg(v); // reject a malformed fault before anything starts
  return [...acc, v];
};

function rateLimit(v: string): RateLimit {
  const m = /^(\d+)(?:\/(\d+))?$/.exec(v);
  if (!m || Number(m[1]) < 1 || (m[2] !== undefined && Number(m[2]) < 1)) throw new InvalidArgumentError('--array-rate-limit takes PER_SECOND or PER_SECOND/PER_MINUTE, e.g. 10/300');
  return { perSecond: Number(m[1]), perMinute: m[2] === undefined ? undefined : Number(m[2]) };
}

const program = new Command('cloudsim').description('A simulated OpenStack site (Keystone, Nova, Cinder, Neutron, Glance) for labs and CI.');

program
  .command('up')
  .description('start one site in the foreground; Ctrl-C stops it')
  .requiredOption('--name <name>', 'site name, also the clouds.yaml entry name')
  .requiredOption('--base-port <port>', `first port; services use base+0..base+${PORT_OFFSETS.sim}`, int('--base-port'))
  .requiredOption('--data <dir>', 'folder for the site state (state.db) and clouds.yaml')
  .option('--seed <file>', 'YAML seed applied on the first start of this data folder')
  .option('--region <id>', 'Keystone region of the site endpoints', 'RegionOne')
  .option('--admin-password <pw>', 'password of the bootstrap admin user', 'secret')
  .option('--boot-time <ms>', 'time a server spends in BUILD', int('--boot-time'), 2000)
  .option('--fault <service:state>', 'initial fault, e.g. nova:down, cinder:error_rate=0.1, all:latency_ms=20 (repeatable)', collect, [])
  .option('--array-name <name>', "name of the site's simulated FlashArray, Cinder's backend (default: <name>-array)")
  .option('--array-db <file>', 'SQLite file of the array model, shared by sites whose arrays replicate to each other (default: the site state.db)')
  .option('--array-ca <file>', "CA certificate (PEM) the array's HTTPS certificate is issued from; created with --array-ca-key if missing (default: <data>/array-ca.pem)")
  .option('--array-ca-key <file>', 'private key of that CA (default: <data>/array-ca-key.pem)')
  .option('--array-rate-limit <n[/m]>', "requests per second (and per minute) the array's REST face accepts before answering 429", rateLimit)
  .option('--keystone-url <url>', 'validate tokens against this (real) Keystone instead of the built-in one')
  .option('--service-user <name>', 'service user in that Keystone', 'cloudsim')
  .option('--service-password <pw>', 'its password (or CLOUDSIM_SERVICE_PASSWORD)')
  .option('--service-project <name>', 'its project', 'service')
  .action(async (opts) => {
    const dataDir = resolve(opts.data as string);
    const seed = opts.seed ? loadSeedFile(opts.seed as string) : undefined;
    const password = (opts.servicePassword as string | undefined) ?? process.env.CLOUDSIM_SERVICE_PASSWORD;
    if (opts.keystoneUrl && !password) throw new InvalidArgumentError('--keystone-url needs --service-password or CLOUDSIM_SERVICE_PASSWORD');
    // One CA per data folder (or the lab's), kept across restarts, so clients keep trusting the face.
    const caFile = resolve((opts.arrayCa as string | undefined) ?? join(dataDir, 'array-ca.pem'));
    const caKeyFile = resolve((opts.arrayCaKey as string | undefined) ?? join(dataDir, 'array-ca-key.pem'));
    const ca = await ensureCaFiles(caFile, caKeyFile);
    const tls = await createSelfSignedTls({ ca, hosts: arrayHosts('127.0.0.1') });
    const site = await Site.start({
      name: opts.name as string,
      basePort: opts.basePort as number,
      dataDir,
      region: opts.region as string,
      adminPassword: opts.adminPassword as string,
      bootTimeMs: opts.bootTime as number,
      faults: opts.fault as string[],
      seed,
      array: {
        name: opts.arrayName as string | undefined,
        dbPath: opts.arrayDb ? resolve(opts.arrayDb as string) : undefined,
        tls,
        rateLimit: opts.arrayRateLimit as RateLimit | undefined,
      },
      externalKeystone: opts.keystoneUrl
        ? {
            authUrl: (opts.keystoneUrl as string).replace(/\/$/, ''),
            username: opts.serviceUser as string,
            password: password!,
            projectName: opts.serviceProject as string,
            userDomainName: 'Default',
            projectDomainName: 'Default',
          }
        : undefined,
    });
    const cloudsFile = join(dataDir, 'clouds.yaml');
    writeFileSync(cloudsFile, cloudsYaml([{ name: site.ctx.name, authUrl: site.authUrl, region: site.ctx.region, password: opts.adminPassword as string }]), { mode: 0o600 });
    console.log(`cloudsim site ${site.ctx.name} is up`);
    for (const s of ['keystone', 'nova', 'cinder', 'neutron', 'glance', 'sim'] as const) console.log(`  ${s.padEnd(9)} ${site.url(s)}`);
    console.log(`  array     ${site.url('array')}/api/api_version  ${site.arrayName} (FlashArray REST 2.x; Cinder backend; model in ${opts.arrayDb ? resolve(opts.arrayDb as string) : join(dataDir, 'state.db')})`);
    console.log(`  array CA  ${caFile} (verify the array's HTTPS face with it)`);
    console.log(`  clouds.yaml: ${cloudsFile} (cloud '${site.ctx.name}')`);
    console.log(`  try: OS_CLIENT_CONFIG_FILE=${cloudsFile} openstack --os-cloud ${site.ctx.name} server list`);
    const stop = async (signal: string) => {
      console.log(`cloudsim site ${site.ctx.name}: ${signal}, stopping`);
      await site.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`cloudsim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
