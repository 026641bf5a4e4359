// Request rate of protector-api's `GET /v1/{project}/protection-groups/{id}` with 1,000 PGs (3
// members each) in an SQLite file database, beside a bare Fastify route returning the same JSON,
// measured in the same run, and their ratio. Figures only; loopback traffic, bounded in time
// (BENCH_SECONDS per target, default 10, after a 1 s warm-up).
//
// A cloudsim site in this process is Keystone. protector-api is the real thing (buildApi with the
// real TokenValidator, cached 300 s so the figure measures the API and not Keystone, the real
// Enforcer with the default policy, request logging at info to a log file) and runs, like the
// bare app, as its own process (api-server.ts) so the load generator does not share its thread.
// The token is a member's of the PGs' project, the usual tenant caller.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Site } from '@protector/cloudsim';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { ProtectionGroups, type MemberDetails } from '../../src/db/protection-groups.js';
import { passwordToken } from '../helpers/api.js';

const PGS = 1000;
const MEMBERS = 3;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = 1;
const CONNECTIONS = 8;

const dir = mkdtempSync(join(tmpdir(), 'protector-api-bench-'));
const children: ChildProcess[] = [];
let site: Site | undefined;

/** Starts api-server.ts with `env` and resolves with its base URL once it listens. */
async function server(env: Record<string, string>): Promise<string> {
  const script = fileURLToPath(new URL('./api-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`api-server (${env.BENCH_SERVER}) exited with ${code}`))));
  const port = new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  return `http://127.0.0.1:${await Promise.race([port, exited])}`;
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

interface Figures {
  rate: number;
  p50: number;
  p99: number;
}

async function measure(title: string, url: string, headers: Record<string, string>): Promise<Figures> {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: WARMUP });
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION });
  const ok = result['2xx'];
  const rate = ok / DURATION;
  console.log(
    `${title}: ${rate.toFixed(1)} req/s (2xx ${ok}, non-2xx ${result.non2xx}, errors ${result.errors}), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${(result.throughput.average / 1e6).toFixed(1)} MB/s`,
  );
  return { rate, p50: result.latency.p50, p99: result.latency.p99 };
}

try {
  const t0 = performance.now();
  site = await Site.start({ name: 'bench', basePort: 0, bootTimeMs: 0 });
  const ks = site.keystone;
  const project = ks.ensureProject('bench', 'default').id;
  const user = ks.createUser({ name: 'tenant', password: 'tenant-pw', default_project_id: project });
  ks.ensureAssignment(user.id, ks.ensureRole('member').id, { project_id: project });
  const authUrl = `${site.url('keystone')}/v3`;

  const dbFile = join(dir, 'protector.db');
  const db = openDatabase(`sqlite:///${dbFile}`);
  await syncDatabase(db);
  const pgs = new ProtectionGroups(db);
  const [primary, secondary] = [randomUUID(), randomUUID()];
  const ids: string[] = [];
  for (let i = 0; i < PGS; i++) {
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
    for (let m = 0; m < MEMBERS; m++) {
      await pgs.putMember({ id: randomUUID(), pg_id: id, server_id: randomUUID(), name: `pg-${i}-server-${m}`, boot_order: m, details: details(i, m) });
    }
    ids.push(id);
  }
  await db.destroy();
  console.log(`site up, ${PGS} PGs with ${MEMBERS} members each in ${(statSync(dbFile).size / 1e6).toFixed(1)} MB of SQLite, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const api = await server({ BENCH_SERVER: 'protector', BENCH_DB: dbFile, BENCH_AUTH_URL: authUrl, BENCH_LOG: join(dir, 'protector-api.log') });
  const tk = await passwordToken(authUrl, 'tenant', 'tenant-pw', 'bench');
  const path = `/v1/${project}/protection-groups/${ids[Math.floor(PGS / 2)]}`;
  const headers = { 'X-Auth-Token': tk, Accept: 'application/json' };
  const probe = await fetch(api + path, { headers });
  const json = await probe.text();
  if (probe.status !== 200) throw new Error(`GET ${path}: ${probe.status} ${json}`);
  writeFileSync(join(dir, 'body.json'), json);
  const bare = await server({ BENCH_SERVER: 'bare', BENCH_BODY: join(dir, 'body.json') });
  const echo = await fetch(bare + path).then((r) => r.text());
  if (echo !== json) throw new Error('the bare route does not return the same JSON');
  console.log(`GET ${path.replace(project, '{project}').replace(/[^/]+$/, '{id}')} answers ${json.length} bytes of JSON; ${CONNECTIONS} connections, ${DURATION} s each`);

  const real = await measure(`protector-api GET protection-group (${PGS} PGs)`, api + path, headers);
  const base = await measure('bare Fastify route, same JSON', bare + path, {});
  console.log(`ratio bare/protector-api: ${(base.rate / real.rate).toFixed(2)} (p50 ${real.p50} vs ${base.p50} ms, p99 ${real.p99} vs ${base.p99} ms)`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
}
