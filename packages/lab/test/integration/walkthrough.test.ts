// The README walkthrough for real: a lab brought up from the compiled binaries, then the whole DR
// lifecycle driven through the `protector` binary in subprocesses (`protector-lab demo`, which
// checks the data of every step), and what a new user meets: help, a mistyped flag, an unknown
// protection group, a change refused while the peer site is down.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const labBin = fileURLToPath(new URL('../../dist/bin/protector-lab.js', import.meta.url));
const protectorBin = fileURLToPath(new URL('../../../protectorclient/dist/bin/protector.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
const env = { ...process.env, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'), OS_CLOUD: 'site-a-demo', OS_SECONDARY_CLOUD: 'site-b-demo' };
const lab = (...args: string[]) => run(process.execPath, [labBin, ...args, '--dir', dir], { timeout: 600_000 });

/** The protector binary as a user runs it; never throws, so exit codes can be checked. */
async function protector(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [protectorBin, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

before(async () => {
  await lab('up', '--detach', '--base-port', '18200');
});
after(async () => {
  await lab('down').catch(() => {});
});

test('a new user: help everywhere, one-line errors with documented exit codes', { timeout: 120_000 }, async () => {
  const help = await protector('--help');
  assert.equal(help.code, 0);
  for (const cmd of ['site', 'tenant-mapping', 'protection-group', 'member', 'policy', 'mapping', 'recovery-point', 'failover', 'failback', 'test-failover', 'test-cleanup', 'operation', 'health']) {
    assert.match(help.stdout, new RegExp(`\\n  ${cmd}\\b`), `--help lists ${cmd}`);
  }
  for (const args of [['failover', '--help'], ['protection-group', 'create', '--help'], ['member', 'add', '--help'], ['operation', 'show', '--help']]) {
    const r = await protector(...args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /^Usage: protector /);
  }
  const typo = await protector('protection-group', 'list', '--fromat', 'json');
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown option '--fromat'/);
  const unknown = await protector('protection-group', 'show', 'no-such-pg');
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim(), "protector: no protection group 'no-such-pg' on site-a-demo");
  const badFormat = await protector('protection-group', 'list', '-f', 'xml');
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /-f xml: invalid choice; choose from table, json, yaml, value, csv/);
  for (const f of ['table', 'json', 'yaml', 'value', 'csv']) assert.equal((await protector('site', 'list', '--os-cloud', 'site-a', '--secondary-cloud', 'site-b', '-f', f)).code, 0, f);
  const listed = (await protector('--os-cloud', 'site-a', '--secondary-cloud', 'site-b', 'site', 'list', '-f', 'json', '-c', 'Name', '-c', 'Local')).stdout;
  assert.ok(listed.endsWith(']\n'), 'machine output ends with a newline');
  assert.deepEqual(JSON.parse(listed), [{ Name: 'site-a', Local: true }, { Name: 'site-b', Local: false }]);
  const byName = await protector('--os-cloud', 'site-a', 'site', 'show', 'site-b', '-f', 'value', '-c', 'name');
  assert.deepEqual([byName.code, byName.stdout], [0, 'site-b\n'], 'a site by its name');
});

test('the DR lifecycle through the CLI, every step proven by data, in under 5 minutes', { timeout: 600_000 }, async () => {
  // The lab's default: Protector's pure driver over HTTPS to the arrays' REST faces, trusting the lab CA.
  const conf = readFileSync(join(dir, 'site-a', 'protector', 'protector.conf'), 'utf8');
  assert.match(conf, /\[storage\]\ndriver = pure\npure_ca_file = .*array-ca\.pem\n/);
  const started = Date.now();
  const r = await lab('demo');
  const seconds = (Date.now() - started) / 1000;
  for (const op of ['protection-group create', 'member add web-1', 'test-failover', 'test-cleanup', 'failover (planned)', 'failback', 'failover --unplanned', 'protection-group sync']) {
    assert.match(r.stdout, new RegExp(`\\| ${op.replace(/[()]/g, '\\$&')} +\\|`), `the table lists ${op}`);
  }
  const rows = r.stdout.split('\n').filter((l) => /^\| (test-|failover|failback|protection-group sync)/.test(l));
  assert.ok(rows.length >= 6, r.stdout);
  for (const row of rows) assert.match(row, /\| yes +\|/, `data verified: ${row}`);
  assert.ok(seconds < 300, `the demo took ${seconds} s`);
});

test('with a site stopped every change is refused and nothing changes on the other site; sync brings it back', { timeout: 300_000 }, async () => {
  const pg = 'stopped-peer';
  assert.equal((await protector('protection-group', 'create', pg, '--wait')).code, 0);
  const before = JSON.parse((await protector('--os-cloud', 'site-b-demo', '--secondary-cloud', 'site-a-demo', 'protection-group', 'show', pg, '-f', 'json')).stdout) as { metadata_version: number; description: string };
  await lab('site', 'stop', 'site-b');
  try {
    const refused = [
      ['protection-group', 'create', 'another'],
      ['policy', 'create', pg, '--rpo', '60'],
      ['mapping', 'set', pg, '--flavor', 'm1.small=m1.small'],
      ['member', 'remove', pg, '00000000-0000-0000-0000-000000000000'],
      ['failover', pg],
    ];
    for (const args of refused) {
      const r = await protector(...args);
      assert.equal(r.code, 5, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /site site-b-demo is unreachable .*nothing changed/, args.join(' '));
    }
    // The admin changes too (as an admin on both sites), and nothing changes on site-a.
    const admin = ['--os-cloud', 'site-a', '--secondary-cloud', 'site-b'];
    const registered = (await protector(...admin, 'site', 'list', '-f', 'json')).stdout + (await protector(...admin, 'tenant-mapping', 'list', '-f', 'json')).stdout;
    for (const args of [
      ['site', 'create', 'site-c', '--auth-url', 'http://127.0.0.1:9/v3', '--username', 'protector', '--password', 'x', '--array-name', 'site-c-array'],
      ['site', 'delete', 'site-b'],
      ['tenant-mapping', 'create', '--local-project', 'admin', '--remote-site', 'site-b', '--remote-project', 'admin'],
    ]) {
      const r = await protector(...admin, ...args);
      assert.equal(r.code, 5, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /site site-b is unreachable .*nothing changed/, args.join(' '));
    }
    assert.equal((await protector(...admin, 'site', 'list', '-f', 'json')).stdout + (await protector(...admin, 'tenant-mapping', 'list', '-f', 'json')).stdout, registered);
    const list = JSON.parse((await protector('protection-group', 'list', '-f', 'json')).stdout) as { Name: string; 'Metadata version': number }[];
    assert.deepEqual(list.filter((p) => p.Name === pg).map((p) => p['Metadata version']), [before.metadata_version], 'nothing changed on site-a');
    assert.ok(!list.some((p) => p.Name === 'another'));
  } finally {
    await lab('site', 'start', 'site-b');
  }
  const status = await protector('protection-group', 'sync-status', pg, '-f', 'value', '-c', 'Sync state');
  assert.deepEqual(status.stdout.trim().split('\n'), ['IN SYNC', 'IN SYNC']);
});
