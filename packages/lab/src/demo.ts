import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createSiteClients, type SiteClients } from '@protector/openstack';
import { formatList } from '@protector/protectorclient';
import { keystoneUrl } from './protector.js';
import { guest } from './guest.js';
import { labSites, type LabSite } from './sites.js';
import { startLabSite, stopLabSite } from './site-control.js';
import { readState, writeState } from './state.js';

const run = promisify(execFile);
const protectorBin = fileURLToPath(new URL('./dist/bin/protector.js', import.meta.resolve('@protector/protectorclient/package.json')));

interface Row {
  operation: string;
  seconds: number | null;
  verified: boolean | null;
  note: string;
}

/**
 * `protector-lab demo`: the whole DR lifecycle through the `protector` CLI on a running lab,
 * each step proven by data a guest wrote: protection group, members, policy, mappings, a drill
 * and its cleanup, planned failover, failback, an unplanned failover with site-a stopped, and
 * the metadata sync once it is back. Ends with a table of operations, durations and checks.
 */
export async function demo(labDir: string, log: (line: string) => void = console.log): Promise<Row[]> {
  const state = readState(labDir);
  if (!state?.sites.length) throw new Error(`no running lab in ${labDir}; start one with 'protector-lab up --detach'`);
  const [siteA, siteB] = labSites(state.sites[0]!.basePort) as [LabSite, LabSite];
  const env = { ...process.env, OS_CLIENT_CONFIG_FILE: join(labDir, 'clouds.yaml'), OS_CLOUD: 'site-a-demo', OS_SECONDARY_CLOUD: 'site-b-demo' };
  const rows: Row[] = [];
  const pg = `demo-${Date.now().toString(36)}`;

  const cli = async (...args: string[]): Promise<string> => {
    log(`$ protector ${args.join(' ')}`);
    try {
      const r = await run(process.execPath, [protectorBin, ...args], { env, timeout: 300_000 });
      return r.stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`protector ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`, { cause: err });
    }
  };
  const op = async (label: string, args: string[], check?: () => Promise<boolean>): Promise<void> => {
    const t0 = Date.now();
    const out = JSON.parse(await cli(...args, '--wait', '-f', 'json')) as { status: string; rto_seconds?: number | null };
    // Operations report their RTO; a protection group (create) is timed here.
    const seconds = out.rto_seconds ?? Math.round((Date.now() - t0) / 100) / 10;
    const verified = check ? await check() : null;
    const note = out.status === 'active' ? 'completed' : out.status;
    rows.push({ operation: label, seconds, verified, note });
    log(`  ${label}: ${note} in ${seconds} s${verified === null ? '' : verified ? ', data verified' : ', DATA CHECK FAILED'}`);
  };

  const tenant = (s: LabSite): SiteClients =>
    createSiteClients({ authUrl: keystoneUrl(s), credentials: { type: 'password', username: 'demo', password: 'demo', userDomainName: 'Default', scope: { projectName: 'demo', projectDomainName: 'Default' } } });
  const a = tenant(siteA);
  const b = tenant(siteB);
  const web = async (cloud: string): Promise<string> => {
    const peer = cloud === 'site-a-demo' ? 'site-b-demo' : 'site-a-demo';
    const members = JSON.parse(await cli('--os-cloud', cloud, '--secondary-cloud', peer, 'member', 'list', pg, '-f', 'json')) as { 'Server ID': string; Name: string }[];
    const m = members.find((x) => x.Name === 'web-1');
    if (!m) throw new Error('web-1 is not a member');
    return m['Server ID'];
  };
  const reads = (s: LabSite, cloud: string, offset: number, text: string) => async () => (await guest(s, await web(cloud), 'read', offset, text)) === text;

  // The protection group, its members, policy and mappings: every change stored on both sites.
  await op('protection-group create', ['protection-group', 'create', pg]);
  const servers = (await a.nova.listServers()).filter((s) => s.name === 'web-1' || s.name === 'db-1').sort((x, y) => x.name.localeCompare(y.name));
  for (const s of servers) await op(`member add ${s.name}`, ['member', 'add', pg, s.id, '--boot-order', s.name === 'db-1' ? '0' : '1']);
  await cli('policy', 'create', pg, '--interval', '5', '--rpo', '15');
  const one = async <T>(p: Promise<T[]>, what: string): Promise<T> => {
    const [x] = await p;
    if (!x) throw new Error(`${what} not found`);
    return x;
  };
  const [netA, netB] = [await one(a.neutron.listNetworks({ name: 'demo-net' }), 'demo-net on site-a'), await one(b.neutron.listNetworks({ name: 'demo-net' }), 'demo-net on site-b')];
  const [subA, subB] = [await one(a.neutron.listSubnets({ network_id: netA.id }), 'demo-subnet on site-a'), await one(b.neutron.listSubnets({ network_id: netB.id }), 'demo-subnet on site-b')];
  const [sgA, sgB] = [await one(a.neutron.listSecurityGroups({ name: 'default' }), 'default SG on site-a'), await one(b.neutron.listSecurityGroups({ name: 'default' }), 'default SG on site-b')];
  await cli('mapping', 'set', pg, '--network', `${netA.id}=${netB.id}`, '--subnet', `${subA.id}=${subB.id}`, '--security-group', `${sgA.id}=${sgB.id}`);

  // A drill from a fresh recovery point: the drill server reads what web-1 wrote before it.
  const webA = await web('site-a-demo');
  await guest(siteA, webA, 'write', 0, 'written before the drill');
  await op('recovery-point create', ['recovery-point', 'create', pg]);
  await op('test-failover', ['test-failover', pg], async () => {
    const drill = (await b.nova.listServers()).find((s) => s.name === 'web-1' && s.metadata.protector_drill === 'true');
    return drill !== undefined && (await guest(siteB, drill.id, 'read', 0, 'written before the drill')) === 'written before the drill';
  });
  await op('test-cleanup', ['test-cleanup', pg], async () => !(await b.nova.listServers()).some((s) => s.metadata.protector_drill === 'true'));

  // Planned failover: every byte written before it is on site-b; failback brings site-b's writes home.
  await guest(siteA, webA, 'write', 4096, 'written before the planned failover');
  // …and what the seed left in web-1 (1 MiB into its boot disk) came along too.
  const seeded = reads(siteB, 'site-b-demo', 1024 * 1024, 'web-1: orders 1001-1042, written before any failover');
  await op('failover (planned)', ['failover', pg], async () => (await reads(siteB, 'site-b-demo', 4096, 'written before the planned failover')()) && (await seeded()));
  await guest(siteB, await web('site-b-demo'), 'write', 8192, 'written on site-b after the failover');
  await op('failback', ['failback', pg], reads(siteA, 'site-a-demo', 8192, 'written on site-b after the failover'));

  // Site-a lost: the newest recovery point comes up on site-b; what came after it is the loss.
  const home = await web('site-a-demo');
  await guest(siteA, home, 'write', 12288, 'replicated before site-a was lost');
  await op('recovery-point create', ['recovery-point', 'create', pg]);
  await guest(siteA, home, 'write', 16384, 'written after the last recovery point');
  log('$ protector-lab site stop site-a');
  writeState(labDir, await stopLabSite(readState(labDir)!, labDir, 'site-a'));
  await op('failover --unplanned', ['failover', pg, '--unplanned'], async () => {
    const ok = await reads(siteB, 'site-b-demo', 12288, 'replicated before site-a was lost')();
    const lost = await guest(siteB, await web('site-b-demo'), 'read', 16384, 'written after the last recovery point');
    return ok && lost !== 'written after the last recovery point';
  });
  log('$ protector-lab site start site-a');
  writeState(labDir, await startLabSite(readState(labDir)!, labDir, 'site-a'));
  const t0 = Date.now();
  await cli('protection-group', 'sync', pg);
  const status = JSON.parse(await cli('protection-group', 'sync-status', pg, '-f', 'json')) as { 'Sync state': string; 'Metadata version': number }[];
  const inSync = status.length === 2 && status.every((s) => s['Sync state'] === 'IN SYNC' && s['Metadata version'] === status[0]!['Metadata version']);
  rows.push({ operation: 'protection-group sync', seconds: Math.round((Date.now() - t0) / 100) / 10, verified: inSync, note: inSync ? 'both sites at one version' : JSON.stringify(status) });
  return rows;
}

export function demoTable(rows: Row[]): string {
  return formatList(
    { columns: ['Operation', 'Duration (s)', 'Data verified', 'Result'], rows: rows.map((r) => [r.operation, r.seconds, r.verified === null ? '-' : r.verified ? 'yes' : 'NO', r.note]) },
    { format: 'table' },
  );
}
