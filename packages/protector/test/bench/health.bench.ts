// Health with 1,000 PGs (issue [10] Deliver 4 and 5): the engine's refresher reads every PG's
// replication state from the simulated arrays (array calls counted, time printed) and records it;
// then protector-api (its own process, api-server.ts) answers `GET /v1/{project}/health` from the
// database: its p95 asked by one caller at a time, then /healthz's p95 while health is hammered by
// CONNECTIONS callers at once; and /metrics, which reads the same health of every PG (with the
// heartbeats and unfinished operations) at each scrape, asked by one caller at a time. Figures only; loopback traffic, bounded in time (BENCH_SECONDS per
// phase, default 10).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ArrayModel } from '@protector/arraysim';
import type { Site } from '@protector/cloudsim';
import { benchSite } from './api-fixture.js';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { ReplicationRefresher } from '../../src/engine/index.js';
import { passwordToken } from '../helpers/api.js';
import { countingDriver, seedPgs } from '../helpers/recorded-pgs.js';

const PGS = 1000;
const MEMBERS = 3;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const CONNECTIONS = 8;
const TARGET_MS = 200;

const dir = mkdtempSync(join(tmpdir(), 'protector-health-bench-'));
const children: ChildProcess[] = [];
let site: Site | undefined;

/** Starts api-server.ts (the real protector-api) on the database and resolves with its base URL. */
async function protectorApi(env: Record<string, string>): Promise<string> {
  const script = fileURLToPath(new URL('./api-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, BENCH_SERVER: 'protector', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`api-server exited with ${code}`))));
  const port = new Promise<string>((resolve) => lines.on('line', (line) => /^listening (\d+)$/.exec(line)?.[1] && resolve(/^listening (\d+)$/.exec(line)![1]!)));
  return `http://127.0.0.1:${await Promise.race([port, exited])}`;
}

const p95 = (ms: number[]): number => {
  const s = ms.toSorted((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? NaN;
};

interface Run {
  latencies: number[];
  failures: number;
}

/** `url` asked back to back by one caller until `until`, each answer checked and timed. */
async function caller(url: string, headers: Record<string, string>, until: number, check: (status: number, body: string) => boolean, pauseMs = 0): Promise<Run> {
  const run: Run = { latencies: [], failures: 0 };
  while (performance.now() < until) {
    const t = performance.now();
    try {
      const res = await fetch(url, { headers });
      const body = await res.text();
      run.latencies.push(performance.now() - t);
      if (!check(res.status, body)) run.failures++;
    } catch {
      run.failures++;
    }
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return run;
}

/** `connections` callers asking `url` back to back for `ms`, on a worker thread (plain JS: no loader needed there). */
function hammerOnThread(w: { url: string; headers: Record<string, string>; connections: number; ms: number; minBytes: number }): Promise<Run> {
  const code = `
    const { parentPort, workerData: w } = require('node:worker_threads');
    const latencies = [];
    let failures = 0;
    const until = performance.now() + w.ms;
    const one = async () => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          const res = await fetch(w.url, { headers: w.headers });
          const body = await res.text();
          latencies.push(performance.now() - t);
          if (res.status !== 200 || body.length < w.minBytes) failures++;
        } catch {
          failures++;
        }
      }
    };
    Promise.all(Array.from({ length: w.connections }, one)).then(() => parentPort.postMessage({ latencies, failures }));
  `;
  const worker = new Worker(code, { eval: true, workerData: w });
  return new Promise((resolve, reject) => {
    worker.once('message', (run: Run) => void worker.terminate().then(() => resolve(run)));
    worker.once('error', reject);
  });
}

try {
  const t0 = performance.now();
  const bench = await benchSite();
  site = bench.site;
  const { project, authUrl } = bench;

  // 1,000 PGs (one in ten sync) with their constructs on a simulated array pair.
  const dbFile = join(dir, 'protector.db');
  const db = openDatabase(`sqlite:///${dbFile}`);
  await syncDatabase(db);
  const model = ArrayModel.open(':memory:');
  model.createArray('fa-a');
  model.createArray('fa-b');
  model.connectArrays('fa-a', 'fa-b', { type: 'sync-replication' });
  const { driver, calls } = countingDriver(model, 'fa-a', 'fa-b');
  const pgs = await seedPgs(db, driver, { count: PGS, projectId: project, members: MEMBERS, sync: (i) => i % 10 === 0 });
  for (const pg of pgs.filter((_, i) => i % 10 !== 0 && i % 3 === 0)) await driver.snapshotNow(pg.handle, { replicate: true });
  model.tick();
  console.log(`site up, ${PGS} PGs (${MEMBERS} members each, one in ten sync) with their constructs on the arrays, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  calls.length = 0;
  const refresher = new ReplicationRefresher(db, driver, { owner: 'bench-engine', intervalMs: 30_000 });
  const tr = performance.now();
  const report = await refresher.refresh();
  const perArray = ['fa-a', 'fa-b'].map((a) => `${a} ${calls.filter((c) => c.startsWith(`${a} `)).length}`).join(', ');
  console.log(`refresh ${report.pgs} PGs: ${(performance.now() - tr).toFixed(0)} ms, ${calls.length} array calls (${perArray}), ${report.failed} failed`);
  await db.destroy();
  await driver.close();
  model.close();

  const api = await protectorApi({ BENCH_DB: dbFile, BENCH_AUTH_URL: authUrl, BENCH_LOG: join(dir, 'protector-api.log') });
  const headers = { 'X-Auth-Token': await passwordToken(authUrl, 'tenant', 'tenant-pw', 'bench'), Accept: 'application/json' };
  const healthUrl = `${api}/v1/${project}/health`;
  const first = await fetch(healthUrl, { headers });
  const body = (await first.json()) as { health: { failover_ready: boolean }[] };
  if (first.status !== 200 || body.health.length !== PGS) throw new Error(`GET /v1/{project}/health: ${first.status}, ${body.health?.length} PGs`);
  const healthOk = (status: number, text: string) => status === 200 && text.length > PGS * 100;
  const healthzOk = (status: number) => status === 200;
  // Warm-up: connections, JIT, SQLite's page cache.
  await caller(healthUrl, headers, performance.now() + 1000, healthOk);

  const alone = await caller(healthUrl, headers, performance.now() + DURATION_MS, healthOk);
  const fig = p95(alone.latencies);
  console.log(`health ${PGS} PGs: p95 ${fig.toFixed(1)} ms (target < ${TARGET_MS} ms) [one caller, ${alone.latencies.length} answers, ${alone.failures} failed, ${JSON.stringify(body).length} bytes each]`);

  // The hammer runs on its own thread, so the probes' figures are not its own event loop's queue.
  const until = performance.now() + DURATION_MS;
  const [hammer, probes] = await Promise.all([
    hammerOnThread({ url: healthUrl, headers, connections: CONNECTIONS, ms: DURATION_MS, minBytes: PGS * 100 }),
    caller(`${api}/healthz`, {}, until, healthzOk, 20),
  ]);
  console.log(
    `/healthz while health is hammered by ${CONNECTIONS} callers: p95 ${p95(probes.latencies).toFixed(1)} ms, ${probes.latencies.length} probes, ${probes.failures} failed ` +
      `[health meanwhile: p95 ${p95(hammer.latencies).toFixed(1)} ms, ${(hammer.latencies.length / (DURATION_MS / 1000)).toFixed(1)} req/s, ${hammer.failures} failed]`,
  );

  // What a Prometheus scrape costs: every PG's health, as the alert rules of docs/alerts read it.
  const metricsOk = (status: number, text: string) => status === 200 && text.split('protector_rpo_compliant{').length === PGS + 1;
  const scrapes = await caller(`${api}/metrics`, {}, performance.now() + DURATION_MS, metricsOk);
  const size = (await (await fetch(`${api}/metrics`)).text()).length;
  console.log(`/metrics with ${PGS} PGs: p95 ${p95(scrapes.latencies).toFixed(1)} ms [one caller, ${scrapes.latencies.length} answers, ${scrapes.failures} failed, ${size} bytes each]`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
}
