// Request rates of a cloudsim site: Nova's server detail list with 1,000 servers, and Keystone
// token validation. Figures only; loopback traffic, bounded in time. The site runs as its own
// process (the built `cloudsim up`) so the load generator does not share its thread.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVERS = 1000;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

const servers = Array.from({ length: SERVERS }, (_, i) => `  - { name: bench-${i}, project: admin, flavor: m1.tiny, image: cirros }`).join('\n');
const seed = `
flavors: [{ name: m1.tiny, vcpus: 1, ram: 64, disk: 1 }]
images: [{ name: cirros, visibility: public }]
quotas: [{ project: admin, instances: ${SERVERS}, cores: ${SERVERS}, ram: ${SERVERS * 64} }]
servers:
${servers}
`;

const BASE = Number(process.env.BENCH_BASE_PORT ?? 19500);
const url = (offset: number) => `http://127.0.0.1:${BASE + offset}`;
const dir = mkdtempSync(join(tmpdir(), 'cloudsim-bench-'));
writeFileSync(join(dir, 'seed.yaml'), seed);
const bin = fileURLToPath(new URL('../../dist/bin/cloudsim.js', import.meta.url));
const t0 = performance.now();
const child = spawn(process.execPath, [bin, 'up', '--name', 'bench', '--base-port', String(BASE), '--data', dir, '--seed', join(dir, 'seed.yaml'), '--boot-time', '0'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (let ready = false; !ready; ) {
  if (child.exitCode !== null) throw new Error(`cloudsim exited with ${child.exitCode}`);
  ready = await fetch(`${url(5)}/sim/info`).then((r) => r.ok, () => false);
  if (!ready) await new Promise((r) => setTimeout(r, 200));
}
console.log(`site with ${SERVERS} seeded servers up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

async function token(): Promise<string> {
  const res = await fetch(`${url(0)}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', password: 'secret', domain: { id: 'default' } } } },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    }),
  });
  return res.headers.get('x-subject-token')!;
}

async function measure(title: string, url: string, headers: Record<string, string>, check: (body: string) => void): Promise<number> {
  const probe = await fetch(url, { headers });
  check(await probe.text());
  const result = await autocannon({ url, headers, connections: 8, duration: DURATION });
  const ok = result['2xx'];
  const rate = ok / DURATION;
  console.log(
    `${title}: ${rate.toFixed(1)} req/s (2xx ${ok}, non-2xx ${result.non2xx}, errors ${result.errors}), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${(result.throughput.average / 1e6).toFixed(1)} MB/s`,
  );
  return rate;
}

try {
  const admin = await token();
  const subject = await token();
  const detail = await measure(
    `GET /v2.1/servers/detail with ${SERVERS} servers`,
    `${url(1)}/v2.1/servers/detail?limit=${SERVERS}`,
    { 'X-Auth-Token': admin },
    (body) => {
      const n = (JSON.parse(body) as { servers: unknown[] }).servers.length;
      if (n !== SERVERS) throw new Error(`expected ${SERVERS} servers in the list, got ${n}`);
    },
  );
  const validate = await measure(
    'GET /v3/auth/tokens (token validation)',
    `${url(0)}/v3/auth/tokens?nocatalog`,
    { 'X-Auth-Token': admin, 'X-Subject-Token': subject },
    (body) => {
      if (!(JSON.parse(body) as { token?: unknown }).token) throw new Error('token validation did not return a token');
    },
  );
  console.log(`ratio token validations per server-detail list: ${(validate / detail).toFixed(1)}`);
} finally {
  child.kill('SIGTERM');
}
