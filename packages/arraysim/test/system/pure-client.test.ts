// The REST face against Pure's own client: py-pure-client (FA_2_20, vendored in ../shared) drives
// two linked simulated arrays over HTTPS and parses every answer into its strict models. A system
// test: it needs python3 with pydantic, urllib3, dateutil, jwt, typing_extensions and paramiko
// (.ci/run installs them). Outside CI it skips when they are missing; in CI it fails.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { ArrayModel } from '../../src/index.js';
import { serveArrayRest } from '../../src/rest/index.js';

const scripts = fileURLToPath(new URL('./pure-client/', import.meta.url));
// The repository's sibling folder `shared` (CI lays it beside the fresh clone too).
const vendor = fileURLToPath(new URL('../../../../../shared/vendor/py-pure-client', import.meta.url));
// Debian's python3 is where apt installs the client's dependencies; PYTHON overrides.
const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const env = { ...process.env, PYTHONPATH: vendor, PYTHONDONTWRITEBYTECODE: '1' };

function missing(): string | null {
  if (!existsSync(join(vendor, 'pypureclient'))) return `py-pure-client not found at ${vendor}`;
  try {
    execFileSync(python, ['-c', 'import pydantic, urllib3, dateutil, jwt, typing_extensions, paramiko; import pypureclient.flasharray'], { env, stdio: 'pipe' });
    return null;
  } catch (e) {
    return `${python} cannot import py-pure-client's dependencies: ${String((e as { stderr?: Buffer }).stderr ?? e).trim().split('\n').at(-1)}`;
  }
}

const why = missing();
if (why && process.env.CI === 'true') throw new Error(`${why} (.ci/run installs python3-pydantic python3-urllib3 python3-dateutil python3-jwt python3-typing-extensions python3-paramiko)`);
const skip = why ?? false;

const MiB = 1 << 20;
const PER_SECOND = 3;
// The system clock and a fast link, ticked often: transfers and resyncs finish in milliseconds.
const model = ArrayModel.open(':memory:');
model.createArray('fa-a');
model.createArray('fa-b');
model.connectArrays('fa-a', 'fa-b', { type: 'sync-replication', bandwidth: 1024 * MiB, latency_ms: 1 });
const ticker = setInterval(() => model.tick(), 20);
const dir = mkdtempSync(join(tmpdir(), 'pure-client-'));
const faces = skip
  ? []
  : await Promise.all([
      serveArrayRest(model, 'fa-a'),
      serveArrayRest(model, 'fa-b'),
      serveArrayRest(model, 'fa-a', { rateLimit: { perSecond: PER_SECOND, perMinute: 1000 } }),
    ]);
after(async () => {
  clearInterval(ticker);
  for (const f of faces) await f.close();
  model.close();
  rmSync(dir, { recursive: true, force: true });
});

const target = (url: string) => url.replace(/^https:\/\//, '');
const caFile = join(dir, 'fa-a-ca.pem');
if (faces[0]) writeFileSync(caFile, faces[0].ca);
const config = () => {
  const [a, b, limited] = faces;
  return JSON.stringify({
    a: { name: 'fa-a', target: target(a!.url), token: model.createApiToken('fa-a', 'pureuser') },
    b: { name: 'fa-b', target: target(b!.url), token: model.createApiToken('fa-b', 'pureuser') },
    limited: { name: 'fa-a', target: target(limited!.url), token: model.createApiToken('fa-a', 'limited'), per_second: PER_SECOND },
    ca_file: caFile,
  });
};

/** Runs one oracle script; it prints `ok N checks` and exits 0, or fails with a traceback. */
function oracle(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, [join(scripts, script)], { env: { ...env, ORACLE: config() }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${script} failed:\n${stderr || err.message}\n${stdout}`));
      else resolve(stdout);
    });
  });
}

for (const [script, what] of [
  ['volumes.py', 'login and 2.20 negotiation, arrays, connections, volumes, volume snapshots, copy with overwrite, paging, errors'],
  ['protection.py', 'protection groups, members, targets, the replica group and allowed on the target, replicate_now and transfers, restore on the target, destroy/recover/eradicate'],
  ['pods.py', 'pods: failover preferences, stretch and unstretch, volumes in and out, destroy and eradicate'],
  ['transport.py', 'HTTPS verified with the CA (ssl_cert), 429 under the rate limit'],
  ['driver.py', "the calls of Protector's FlashArray REST adapter, in its forms"],
] as const) {
  test(`Pure's client: ${what}`, { skip }, async () => {
    const out = await oracle(script);
    assert.match(out, /^ok \d+ checks$/m, out);
  });
}
