// What api.bench.ts (and a scale benchmark) needs around protector-api: a database seeded with
// many PGs and operations, api-server.ts processes, and the two measurements (request rate under
// load, latency percentiles of sequential requests). Loopback traffic only, bounded in time.
import autocannon from 'autocannon';
import { Site } from '@protector/cloudsim';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { ProtectionGroups, type MemberDetails } from '../../src/db/protection-groups.js';

export interface Seeded {
  pgIds: string[];
  operationIds: string[];
}

function details(pg: number, m: number): MemberDetails {
  return {
    flavor_id: randomUUID(),
    flavor_name: 'm1.small',
    image_id: null,
    availability_zone: 'nova',
    key_name: null,
    ports: [{ id: randomUUID(), network_id: randomUUID(), mac_address: 'fa:16:3e:00:00:01', fixed_ips: [{ subnet_id: randomUUID(), ip_address: `10.${pg % 250}.${m}.10` }], security_group_ids: [randomUUID()] }],
    volumes: [{ volume_id: randomUUID(), device: '/dev/vda', boot_index: 0, volume_type: 'replicated-async', size_gb: 10, array_volume: `volume-${randomUUID()}-cinder` }],
  };
}

const OPERATION_TYPES = ['failover', 'test_failover', 'test_cleanup', 'replicate', 'member_add'] as const;

/**
 * `pgs` PGs with `members` members each in `project`, a completed pg_create per PG, and
 * `extraOperations` more operations spread over the PGs (types and statuses mixed), at distinct
 * creation times, as a site that has run for a while holds them.
 */
export async function seed(url: string, project: string, opts: { pgs: number; members: number; extraOperations: number }): Promise<Seeded> {
  const db = openDatabase(url);
  try {
    await syncDatabase(db);
    const pgs = new ProtectionGroups(db);
    const [primary, secondary] = [randomUUID(), randomUUID()];
    const pgIds: string[] = [];
    for (let i = 0; i < opts.pgs; i++) {
      const id = randomUUID();
      const replication = i % 2 === 0 ? 'async' : 'sync';
      await pgs.create({
        id,
        project_id: project,
        name: `pg-${i}`,
        description: `benchmark protection group ${i}`,
        replication_type: replication,
        status: 'active',
        primary_site_id: primary,
        secondary_site_id: secondary,
        current_primary_site_id: primary,
        resources: {
          sites: { [primary]: { group_type_id: randomUUID(), group_id: randomUUID(), trust_id: randomUUID() }, [secondary]: { group_type_id: randomUUID(), group_id: randomUUID(), trust_id: randomUUID() } },
          array: { type: replication, name: `protector-${id}`, sourceArray: 'bench-array', targetArray: 'peer-array' },
        },
      });
      for (let m = 0; m < opts.members; m++) {
        await pgs.putMember({ id: randomUUID(), pg_id: id, server_id: randomUUID(), name: `pg-${i}-server-${m}`, boot_order: m, details: details(i, m) });
      }
      pgIds.push(id);
    }
    // One pg_create per PG, then the extra operations spread over the PGs, a second apart.
    const kinds = [
      ...pgIds.map((pg) => ({ pg, type: 'pg_create', status: 'completed' })),
      ...Array.from({ length: opts.extraOperations }, (_, j) => ({
        pg: pgIds[j % pgIds.length] as string,
        type: OPERATION_TYPES[j % OPERATION_TYPES.length] as string,
        status: j % 7 === 0 ? 'failed' : 'completed',
      })),
    ];
    const t0 = Date.now() - 86_400_000;
    const rows = kinds.map(({ pg, type, status }, i) => {
      const at = t0 + i * 1000;
      return {
        id: randomUUID(), project_id: project, pg_id: pg, type, status, progress: 100,
        params: JSON.stringify(type === 'failover' ? { type: 'planned' } : {}), result: JSON.stringify({ steps: 5 }),
        error: status === 'failed' ? 'boot_servers: 1 of 10 servers did not come up' : null,
        request_id: `req-${randomUUID()}`, user_id: randomUUID().replace(/-/g, ''), lease_owner: null, lease_expires_at: null,
        created_at: at, started_at: at + 10, finished_at: at + 900, updated_at: at + 900,
      };
    });
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('operations').values(rows.slice(i, i + 200)).execute();
    return { pgIds, operationIds: rows.map((r) => r.id) };
  } finally {
    await db.destroy();
  }
}

export interface ApiProcess {
  url: string;
  pid: number;
}

const children: ChildProcess[] = [];

/**
 * Starts api-server.ts with `env` (see there) and resolves once it listens. `cpuProfileDir`
 * runs it under `node --cpu-prof`, to find where its time goes.
 */
export async function startServer(env: Record<string, string>, cpuProfileDir?: string): Promise<ApiProcess> {
  const script = fileURLToPath(new URL('./api-server.ts', import.meta.url));
  const prof = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`api-server (${env.BENCH_SERVER}) exited with ${code}`))));
  const port = new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  return { url: `http://127.0.0.1:${await Promise.race([port, exited])}`, pid: child.pid! };
}

export function stopServers(): void {
  for (const c of children.splice(0)) c.kill('SIGTERM');
}

/** CPU seconds (user, system) a process has used, from /proc: what a request costs, whatever else runs on the machine. */
function cpuSeconds(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // utime and stime are fields 14 and 15 of stat(5), 12 and 13 once pid and comm are cut.
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

export interface Rate {
  rate: number;
  p50: number;
  p99: number;
  /** Server CPU time per answered request, microseconds. */
  cpuUs: number;
}

/** Requests per second `server` answers with `connections` concurrent clients, after a 1 s warm-up. */
export async function measureRate(title: string, server: ApiProcess, path: string, headers: Record<string, string>, seconds: number, connections = 8): Promise<Rate> {
  const url = server.url + path;
  await autocannon({ url, headers, connections, duration: 1 });
  const cpu0 = cpuSeconds(server.pid);
  const result = await autocannon({ url, headers, connections, duration: seconds });
  const cpu1 = cpuSeconds(server.pid);
  const ok = result['2xx'];
  if (ok === 0 || result.non2xx > 0) throw new Error(`${title}: ${ok} answers 2xx, ${result.non2xx} others`);
  const rate = ok / seconds;
  const perRequest = (s: number) => (s * 1e6) / ok;
  const [user, system] = [perRequest(cpu1.user - cpu0.user), perRequest(cpu1.system - cpu0.system)];
  const cpuUs = user + system;
  console.log(
    `${title}: ${rate.toFixed(1)} req/s (2xx ${ok}, errors ${result.errors}), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, server CPU ${cpuUs.toFixed(0)} µs/request (user ${user.toFixed(0)}, system ${system.toFixed(0)})`,
  );
  return { rate, p50: result.latency.p50, p99: result.latency.p99, cpuUs };
}

/** Latency percentiles (ms) of `count` sequential GETs, after `count / 10` unmeasured ones. */
export async function measureLatency(url: string, headers: Record<string, string>, count: number, check: (body: unknown) => void): Promise<{ p50: number; p95: number; max: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = -Math.ceil(count / 10); i < count; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    const text = await res.text();
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
    if (i < 0) continue;
    if (i === 0) check(JSON.parse(text));
    times.push(ms);
    bytes = text.length;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] as number;
  return { p50: at(0.5), p95: at(0.95), max: times.at(-1) as number, bytes };
}

/** A simulated site whose Keystone has project `bench` with a member `tenant` (password `tenant-pw`): the usual tenant caller. */
export async function benchSite(): Promise<{ site: Site; project: string; authUrl: string }> {
  const site = await Site.start({ name: 'bench', basePort: 0, bootTimeMs: 0 });
  const ks = site.keystone;
  const project = ks.ensureProject('bench', 'default').id;
  const user = ks.createUser({ name: 'tenant', password: 'tenant-pw', default_project_id: project });
  ks.ensureAssignment(user.id, ks.ensureRole('member').id, { project_id: project });
  return { site, project, authUrl: `${site.url('keystone')}/v3` };
}
