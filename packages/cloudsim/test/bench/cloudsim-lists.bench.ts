// Request rates of cloudsim's lists and single GETs with 1,000 servers, volumes and ports in one
// project, as a large failover's polling sees them: a non-admin tenant's token, every object
// created through the public APIs of an in-process site. Figures only (loopback, bounded in time);
// the load generator runs in a worker thread so it does not share the site's event loop.
import autocannon from 'autocannon';
import { ArrayRestClient } from '@protector/arraysim/rest';
import { Site } from '../../src/site.js';
import { TestSite } from '../helpers/site.js';

const N = Number(process.env.BENCH_OBJECTS ?? 1000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CREATE_CONCURRENCY = 8;
const GROUPS = 10;
/** Measures only the GETs whose title contains this (for profiling one route). */
const ONLY = process.env.BENCH_ONLY;

const site = await Site.start({ name: 'bench', basePort: 0, bootTimeMs: 50 });

async function call<T = Record<string, unknown>>(service: Parameters<Site['url']>[0], method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(site.url(service) + path, {
    method,
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

const token = (user: string, password: string, project: string): Promise<string> => new TestSite(site).token(user, password, project);

/**
 * Runs `fn(i)` for i < n, `CREATE_CONCURRENCY` at a time; describes the rate of the first and the
 * last tenth of the calls (a create that costs O(objects present) slows down as they pile up).
 */
async function pool(n: number, fn: (i: number) => Promise<void>): Promise<string> {
  const tenth = Math.max(1, Math.floor(n / 10));
  const done: number[] = [];
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      await fn(next++);
      done.push(performance.now());
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
  const rate = (from: number, to: number) => ((to - from) / ((done[to - 1]! - (from === 0 ? t0 : done[from - 1]!)) / 1000)).toFixed(0);
  return `${rate(0, tenth)}/s first ${tenth}, ${rate(n - tenth, n)}/s last ${tenth}`;
}

// A tenant: a project and a member, as the engine's service account would be on a real cloud.
const ks = site.keystone;
const project = ks.ensureProject('bench', 'default');
const user = ks.createUser({ name: 'bench-user', password: 'pw', default_project_id: project.id });
ks.ensureAssignment(user.id, ks.ensureRole('member').id, { project_id: project.id });
const admin = await token('admin', 'secret', 'admin');
const tenant = await token('bench-user', 'pw', 'bench');
const adminProject = ks.ensureProject('admin', 'default').id;

const big = N * 2 + 100;
await call('nova', 'PUT', `/v2.1/os-quota-sets/${project.id}`, admin, { quota_set: { instances: big, cores: big, ram: big * 64 } });
await call('cinder', 'PUT', `/v3/${adminProject}/os-quota-sets/${project.id}`, admin, { quota_set: { volumes: big, gigabytes: big } });
await call('neutron', 'PUT', `/v2.0/quotas/${project.id}`, admin, { quota: { port: big } });
const flavor = (await call<{ flavor: { id: string } }>('nova', 'POST', '/v2.1/flavors', admin, { flavor: { name: 'bench.tiny', vcpus: 1, ram: 64, disk: 1 } })).flavor;
const net = (await call<{ network: { id: string } }>('neutron', 'POST', '/v2.0/networks', tenant, { network: { name: 'bench-net' } })).network;
await call('neutron', 'POST', '/v2.0/subnets', tenant, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.20.0.0/20' } });

const volumes: string[] = [];
const ports: string[] = [];
const servers: string[] = [];
const v3 = `/v3/${project.id}`;
const volRate = await pool(N, async (i) => {
  const body = { volume: { size: 1, name: `bench-vol-${i}`, metadata: { group: `g${i % GROUPS}` } } };
  volumes[i] = (await call<{ volume: { id: string } }>('cinder', 'POST', `${v3}/volumes`, tenant, body)).volume.id;
});
const portRate = await pool(N, async (i) => {
  ports[i] = (await call<{ port: { id: string } }>('neutron', 'POST', '/v2.0/ports', tenant, { port: { network_id: net.id, name: `bench-port-${i}` } })).port.id;
});
// Volumes leave 'creating' after bootTimeMs; boots need them 'available'.
await new Promise((r) => setTimeout(r, 100));
const nova252 = { 'OpenStack-API-Version': 'compute 2.52' };
const serverRate = await pool(N, async (i) => {
  const body = {
    server: {
      name: `bench-${i}`,
      flavorRef: flavor.id,
      networks: [{ port: ports[i] }],
      block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', uuid: volumes[i], boot_index: 0 }],
      tags: ['bench', `g${i % GROUPS}`],
    },
  };
  servers[i] = (await call<{ server: { id: string } }>('nova', 'POST', '/v2.1/servers', tenant, body, nova252)).server.id;
});
console.log(`created ${N} volumes (${volRate}), ${N} ports (${portRate}), ${N} servers with a volume and a port each (${serverRate})`);
await new Promise((r) => setTimeout(r, 100));

/** Requests per second of one GET under 8 connections, after checking one answer. */
async function measure(title: string, url: string, headers: Record<string, string>, check: (body: unknown) => string | undefined): Promise<void> {
  if (ONLY && !title.includes(ONLY)) return;
  const probe = await fetch(url, { headers });
  const problem = probe.ok ? check(await probe.json()) : `HTTP ${probe.status}`;
  if (problem) {
    console.log(`${title}: not measured (${problem})`);
    return;
  }
  const r = await autocannon({ url, headers, connections: 8, duration: DURATION, workers: 1 });
  const ok = r['2xx'];
  console.log(
    `${title}: ${(ok / DURATION).toFixed(1)} req/s (non-2xx ${r.non2xx}, errors ${r.errors}), latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
  );
}

/**
 * How long after its simulated end a replication transfer shows complete to a client polling the
 * site's array face every POLL_MS (real clock: the site's own array tick runs as in a lab).
 */
async function transferLag(): Promise<void> {
  const POLL_MS = 50;
  const MiB = 1024 * 1024;
  const arrays = site.arrays;
  const local = site.arrayName;
  arrays.createArray('bench-peer');
  arrays.connectArrays(local, 'bench-peer', { bandwidth: 100 * MiB, latency_ms: 10 });
  arrays.createVolume(local, 'bench-v', 64 * MiB);
  arrays.createProtectionGroup(local, 'bench-pg');
  arrays.addProtectionGroupVolumes(local, 'bench-pg', ['bench-v']);
  arrays.addProtectionGroupTargets(local, 'bench-pg', ['bench-peer']);
  const rest = new ArrayRestClient(site.url('array'), { ca: site.arrayCa });
  await rest.login(arrays.createApiToken(local, 'pureuser'));
  const lags: number[] = [];
  for (let i = 0; i < 10; i++) {
    arrays.writeVolume(local, 'bench-v', 0, Buffer.alloc(20 * MiB, i + 1));
    const snap = arrays.snapshotProtectionGroup(local, 'bench-pg', { replicate_now: true });
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const res = await rest.call<{ items: { completed: number | null }[] }>('GET', 'protection-group-snapshots/transfer', { query: { names: snap.name } });
      const completed = res.body.items[0]?.completed ?? null;
      if (completed !== null) {
        lags.push(Date.now() - completed);
        break;
      }
    }
  }
  const mean = lags.reduce((a, b) => a + b, 0) / lags.length;
  console.log(`transfer completion noticed ${mean.toFixed(0)} ms (mean), ${Math.max(...lags)} ms (max) after its simulated end, polling every ${POLL_MS} ms (10 transfers of 20 MiB)`);
}

const count = (key: string, want: number) => (body: unknown) => {
  const items = (body as Record<string, unknown[]>)[key];
  return items?.length === want ? undefined : `expected ${want} ${key}, got ${items?.length}`;
};
const h = { 'X-Auth-Token': tenant };
const novaH = { ...h, 'OpenStack-API-Version': 'compute 2.72' };
const nova = site.url('nova');
const cinder = site.url('cinder');
const neutron = site.url('neutron');
try {
  await measure(`GET /v2.1/servers/detail (${N} servers)`, `${nova}/v2.1/servers/detail`, novaH, count('servers', N));
  await measure(`GET /v2.1/servers/detail?tags-any=g0 (${N / GROUPS} of ${N})`, `${nova}/v2.1/servers/detail?tags-any=g0`, novaH, count('servers', N / GROUPS));
  await measure(`GET /v3/{project}/volumes/detail (${N} volumes)`, `${cinder}${v3}/volumes/detail`, h, count('volumes', N));
  const meta = encodeURIComponent(JSON.stringify({ group: 'g0' }));
  await measure(`GET /v3/{project}/volumes/detail?metadata={"group":"g0"} (${N / GROUPS} of ${N})`, `${cinder}${v3}/volumes/detail?metadata=${meta}`, h, count('volumes', N / GROUPS));
  await measure(`GET /v2.0/ports (${N} ports)`, `${neutron}/v2.0/ports`, h, count('ports', N));
  await measure(`GET /v2.1/servers/{id} (of ${N})`, `${nova}/v2.1/servers/${servers[N >> 1]}`, novaH, (b) => ((b as { server?: unknown }).server ? undefined : 'no server'));
  await measure(`GET /v3/{project}/volumes/{id} (of ${N})`, `${cinder}${v3}/volumes/${volumes[N >> 1]}`, h, (b) => ((b as { volume?: unknown }).volume ? undefined : 'no volume'));
  await measure(`GET /v2.0/ports/{id} (of ${N})`, `${neutron}/v2.0/ports/${ports[N >> 1]}`, h, (b) => ((b as { port?: unknown }).port ? undefined : 'no port'));
  if (!ONLY || 'transfer'.includes(ONLY)) await transferLag();
} finally {
  await site.stop();
}
