// `openstack dr …` with Debian's real `openstack` CLI against the lab: the plugin
// (packages/osc-plugin) installed with pip into a folder of its own, then the DR lifecycle as
// the README walks it (site list, protection group create, members, mappings, a drill and its
// cleanup, a planned failover and the failback), every output format, `openstack protector …`
// as the same commands, --wait progress passed through, and an unknown protection group as one
// line and a non-zero exit.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const labBin = join(root, 'packages/lab/dist/bin/protector-lab.js');
const protectorBin = join(root, 'packages/protectorclient/dist/bin/protector.js');
const OPENSTACK = '/usr/bin/openstack';
const PYTHON = '/usr/bin/python3';

/** Why the suite cannot run here (Debian's openstack CLI and pip are what CI installs). */
function missing(): string | false {
  if (!existsSync(OPENSTACK)) return 'no /usr/bin/openstack (apt-get install python3-openstackclient)';
  if (!existsSync(PYTHON)) return 'no /usr/bin/python3';
  return false;
}

const dir = mkdtempSync(join(tmpdir(), 'openstack-dr-'));
const site = join(dir, 'site-packages');
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: dir,
  PYTHONPATH: site,
  OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'),
  OS_CLOUD: 'site-a-demo',
  OS_SECONDARY_CLOUD: 'site-b-demo',
  // The plugin runs protector for every command: here the repository's compiled binary.
  PROTECTOR_CLI: `${process.execPath} ${protectorBin}`,
};
const lab = (...args: string[]) => run(process.execPath, [labBin, ...args, '--dir', dir], { timeout: 300_000 });

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

/** `openstack ARGS` as a user runs it; never throws, so exit codes can be checked. */
async function openstack(...args: string[]): Promise<Out> {
  try {
    const r = await run(OPENSTACK, args, { env, timeout: 240_000, maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function ok(...args: string[]): Promise<Out> {
  const r = await openstack(...args);
  assert.equal(r.code, 0, `openstack ${args.join(' ')}: exit ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}
const json = async <T>(...args: string[]): Promise<T> => JSON.parse((await ok(...args, '-f', 'json')).stdout) as T;

describe('openstack dr, with the real openstack CLI against the lab', { skip: missing(), timeout: 900_000 }, () => {
  before(async () => {
    // Installed as an operator would (pip), from a copy so the build leaves nothing in the tree.
    const src = join(dir, 'osc-plugin');
    cpSync(join(root, 'packages/osc-plugin'), src, { recursive: true });
    await run(PYTHON, ['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '--no-index', '--target', site, src], { env: { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' }, timeout: 120_000 });
    await lab('up', '--detach', '--base-port', '21000');
  });
  after(async () => {
    await lab('down').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  test('openstack dr --help lists every command; openstack help shows one with protector\'s options', async () => {
    const help = await ok('dr', '--help');
    for (const cmd of ['site list', 'protection-group create', 'member add', 'mapping set', 'recovery-point create', 'failover', 'failback', 'test-failover', 'test-cleanup', 'plan run', 'operation show', 'health show']) {
      assert.match(help.stdout, new RegExp(`\\n  dr ${cmd}\\n`), cmd);
    }
    const one = await ok('help', 'dr', 'failover');
    for (const opt of ['--unplanned', '--recovery-point <id>', '--commit-window <seconds>', '--wait-timeout <seconds>', '-f {csv,json,table,value,yaml}']) assert.ok(one.stdout.includes(opt), opt);
    assert.match((await ok('protector', '--help')).stdout, /\n {2}protector failover\n/, 'openstack protector: the same commands');
  });

  test('the sites in every output format, -c as OSC takes it, and through openstack protector', async () => {
    const admin = ['--os-cloud', 'site-a', '--secondary-cloud', 'site-b'];
    const sites = await json<{ Name: string; Local: boolean }[]>(...admin, 'dr', 'site', 'list');
    assert.deepEqual(sites.map((s) => [s.Name, s.Local]), [['site-a', true], ['site-b', false]]);
    const table = (await ok(...admin, 'dr', 'site', 'list', '-c', 'Name', '-c', 'Local')).stdout;
    assert.match(table, /\| Name +\| Local +\|\n\+[-+]+\+\n\| site-a +\| True +\|\n\| site-b +\| False +\|/);
    assert.deepEqual(parseYaml((await ok(...admin, 'dr', 'site', 'list', '-f', 'yaml', '-c', 'Name')).stdout), [{ Name: 'site-a' }, { Name: 'site-b' }]);
    assert.equal((await ok(...admin, 'dr', 'site', 'list', '-f', 'value', '-c', 'Name')).stdout, 'site-a\nsite-b\n');
    assert.equal((await ok(...admin, 'dr', 'site', 'list', '-f', 'csv', '-c', 'Name', '-c', 'Local')).stdout.replace(/\r/g, ''), '"Name","Local"\n"site-a",True\n"site-b",False\n');
    const shown = await json<{ name: string }>(...admin, 'protector', 'site', 'show', 'site-b');
    assert.equal(shown.name, 'site-b');
    assert.equal((await ok(...admin, 'dr', 'site', 'show', 'site-b', '-f', 'value', '-c', 'name')).stdout, 'site-b\n');
  });

  test('an unknown protection group: one line, non-zero exit', async () => {
    const r = await openstack('dr', 'protection-group', 'show', 'no-such-pg');
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim(), "no protection group 'no-such-pg' on site-a-demo");
    assert.equal(r.stdout, '');
  });

  test('the DR lifecycle: create, members, mappings, a drill and its cleanup, a planned failover and the failback', { timeout: 600_000 }, async () => {
    const made = await ok('dr', 'protection-group', 'create', 'osc-app', '--wait', '-f', 'json');
    assert.match(made.stderr, /pg_create [0-9a-f]{8}: step \d+ activate completed/, '--wait progress passed through');
    assert.deepEqual((({ status, sync_state }) => [status, sync_state])(JSON.parse(made.stdout) as { status: string; sync_state: string }), ['active', 'in_sync']);
    for (const [server, order] of [['db-1', '0'], ['web-1', '1']] as const) {
      assert.equal((await ok('dr', 'member', 'add', 'osc-app', server, '--boot-order', order, '--wait', '-f', 'value', '-c', 'status')).stdout, 'completed\n');
    }
    const members = await json<{ Name: string; 'Boot order': number }[]>('dr', 'member', 'list', 'osc-app');
    assert.deepEqual(members.map((m) => [m.Name, m['Boot order']]), [['db-1', 0], ['web-1', 1]]);
    const id = async (cloud: string, ...what: string[]) => (await ok('--os-cloud', cloud, ...what, '-f', 'value', '-c', 'id')).stdout.trim();
    const pair = async (...what: string[]) => `${await id('site-a-demo', ...what)}=${await id('site-b-demo', ...what)}`;
    const mapped = await json<{ Kind: string }[]>('dr', 'mapping', 'set', 'osc-app', '--network', await pair('network', 'show', 'demo-net'), '--subnet', await pair('subnet', 'show', 'demo-subnet'), '--security-group', await pair('security', 'group', 'show', 'default'));
    assert.deepEqual(mapped.map((m) => m.Kind).sort(), ['network', 'security_group', 'subnet']);
    assert.equal((await ok('dr', 'recovery-point', 'create', 'osc-app', '--wait', '-f', 'value', '-c', 'status')).stdout, 'completed\n');

    const drill = await ok('dr', 'test-failover', 'osc-app', '--wait', '-f', 'json', '-c', 'status');
    assert.match(drill.stderr, /test_failover [0-9a-f]{8}: step \d+ boot_servers completed/);
    assert.deepEqual(JSON.parse(drill.stdout), { status: 'completed' });
    assert.deepEqual(await json('dr', 'test-cleanup', 'osc-app', '--wait', '-c', 'status'), { status: 'completed' });
    assert.deepEqual(await json('dr', 'failover', 'osc-app', '--wait', '-c', 'status'), { status: 'completed' });
    const pg = await json<{ status: string; current_primary_site_id: string }>('--os-cloud', 'site-b-demo', '--secondary-cloud', 'site-a-demo', 'dr', 'protection-group', 'show', 'osc-app');
    const sites = await json<{ ID: string; Name: string }[]>('--os-cloud', 'site-b', '--secondary-cloud', 'site-a', 'dr', 'site', 'list');
    assert.deepEqual([pg.status, pg.current_primary_site_id], ['failed_over', sites.find((s) => s.Name === 'site-b')?.ID]);
    assert.deepEqual(await json('dr', 'failback', 'osc-app', '--wait', '-c', 'status'), { status: 'completed' });
    const back = await json<{ Name: string; Status: string }[]>('dr', 'protection-group', 'list', '-c', 'Name', '-c', 'Status');
    assert.deepEqual(back.filter((p) => p.Name === 'osc-app'), [{ Name: 'osc-app', Status: 'active' }]);
    // Data and a failure both: the findings are shown, then protector's exit code (1: blockers found).
    const blocked = await openstack('dr', 'test-cleanup', 'osc-app', '--dry-run', '-f', 'json', '-c', 'Severity', '-c', 'Check');
    assert.equal(blocked.code, 1, blocked.stderr);
    const findings = JSON.parse(blocked.stdout) as { Severity: string; Check: string }[];
    assert.ok(findings.length > 0 && findings.every((f) => typeof f.Severity === 'string' && typeof f.Check === 'string'), blocked.stdout);
    // Each site lists what ran there: the drill and the failover on site-b, the failback back on site-a.
    const ops = await json<{ Type: string; Status: string }[]>('dr', 'operation', 'list', '-c', 'Type', '-c', 'Status');
    for (const type of ['pg_create', 'member_add', 'replicate', 'failback']) assert.ok(ops.some((o) => o.Type === type && o.Status === 'completed'), `site-a ran ${type}`);
    const onB = await json<{ Type: string; Status: string }[]>('--os-cloud', 'site-b-demo', '--secondary-cloud', 'site-a-demo', 'protector', 'operation', 'list', '-c', 'Type', '-c', 'Status');
    for (const type of ['test_failover', 'test_cleanup', 'failover']) assert.ok(onB.some((o) => o.Type === type && o.Status === 'completed'), `site-b ran ${type}`);
  });
});
