// protector-api's reads with 1,000 PGs (3 members each) and 1,200 operations in an SQLite file
// database, measured in one run:
//  - the request rate of `GET /v1/{project}/protection-groups/{id}` beside a bare Fastify route
//    returning the same JSON, with their ratio (target: 0.5 or more) and the server CPU time per
//    request of each (which load from other processes on the machine does not change);
//  - the p95 latency of the PG list and of the operations list (target: under 200 ms): the first
//    page (the default limit), a page in the middle (by marker), and every row in one page.
// Figures only; loopback traffic, bounded in time (BENCH_SECONDS per rate, default 10, after a 1 s
// warm-up; 200 sequential requests per latency). BENCH_CPU_PROF=<dir> profiles protector-api.
//
// A cloudsim site in this process is Keystone. protector-api is the real thing (buildApi with the
// real TokenValidator, cached 300 s so the figure measures the API and not Keystone, the real
// Enforcer with the default policy, request logging at info to a log file) and runs, like the
// bare app, as its own process (api-server.ts) so the load generator does not share its thread.
// The token is a member's of the PGs' project, the usual tenant caller.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@protector/cloudsim';
import { passwordToken } from '../helpers/api.js';
import { benchSite, measureLatency, measureRate, seed, startServer, stopServers } from './api-fixture.js';

const PGS = 1000;
const MEMBERS = 3;
const EXTRA_OPERATIONS = 200;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const LATENCY_REQUESTS = 200;
const LIST_TARGET_MS = 200;

const dir = mkdtempSync(join(tmpdir(), 'protector-api-bench-'));
let site: Site | undefined;

try {
  const t0 = performance.now();
  const bench = await benchSite();
  site = bench.site;
  const { project, authUrl } = bench;

  const dbFile = join(dir, 'protector.db');
  const { pgIds, operationIds } = await seed(`sqlite:///${dbFile}`, project, { pgs: PGS, members: MEMBERS, extraOperations: EXTRA_OPERATIONS });
  const operations = operationIds.length;
  console.log(`site up, ${PGS} PGs with ${MEMBERS} members each and ${operations} operations in ${(statSync(dbFile).size / 1e6).toFixed(1)} MB of SQLite, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const api = await startServer({ BENCH_SERVER: 'protector', BENCH_DB: dbFile, BENCH_AUTH_URL: authUrl, BENCH_LOG: join(dir, 'protector-api.log') }, process.env.BENCH_CPU_PROF);
  const tk = await passwordToken(authUrl, 'tenant', 'tenant-pw', 'bench');
  const headers = { 'X-Auth-Token': tk, Accept: 'application/json' };

  // ---- GET one PG beside a bare Fastify route ----
  const path = `/v1/${project}/protection-groups/${pgIds[Math.floor(PGS / 2)]}`;
  const probe = await fetch(api.url + path, { headers });
  const json = await probe.text();
  if (probe.status !== 200) throw new Error(`GET ${path}: ${probe.status} ${json}`);
  writeFileSync(join(dir, 'body.json'), json);
  const bare = await startServer({ BENCH_SERVER: 'bare', BENCH_BODY: join(dir, 'body.json') });
  const echo = await fetch(bare.url + path).then((r) => r.text());
  if (echo !== json) throw new Error('the bare route does not return the same JSON');
  console.log(`GET ${path.replace(project, '{project}').replace(/[^/]+$/, '{id}')} answers ${json.length} bytes of JSON; 8 connections, ${DURATION} s each`);
  const real = await measureRate(`protector-api GET protection-group (${PGS} PGs)`, api, path, headers, DURATION);
  const base = await measureRate('bare Fastify route, same JSON', bare, path, {}, DURATION);
  console.log(`GET one PG: ${real.rate.toFixed(0)} req/s, bare Fastify route: ${base.rate.toFixed(0)} req/s, ratio ${(real.rate / base.rate).toFixed(2)} (target >= 0.50; CPU per request ${real.cpuUs.toFixed(0)} vs ${base.cpuUs.toFixed(0)} µs, ratio ${(base.cpuUs / real.cpuUs).toFixed(2)})`);

  // ---- lists ----
  const lists = [
    { name: 'pg list', what: `${PGS} PGs`, resource: 'protection-groups', key: 'protection_groups', ids: pgIds, total: PGS },
    { name: 'operations list', what: `${operations} operations`, resource: 'operations', key: 'operations', ids: operationIds, total: operations },
  ];
  for (const l of lists) {
    const url = `${api.url}/v1/${project}/${l.resource}`;
    const pages = [
      { label: 'first page of 100', query: '', rows: 100 },
      { label: 'page of 100 at a marker in the middle', query: `?marker=${l.ids[Math.floor(l.total / 2)]}&sort=created_at:asc`, rows: 100 },
      // api-server.ts's max_limit.
      { label: `${Math.min(l.total, 1000)} in one page`, query: `?limit=${l.total}`, rows: Math.min(l.total, 1000) },
    ];
    for (const p of pages) {
      const r = await measureLatency(url + p.query, headers, LATENCY_REQUESTS, (body) => assert.equal((body as Record<string, unknown[]>)[l.key]?.length, p.rows, `${l.name} ${p.label}`));
      const target = r.p95 < LIST_TARGET_MS ? `target < ${LIST_TARGET_MS} ms` : `target < ${LIST_TARGET_MS} ms MISSED`;
      console.log(`${l.name} ${l.what}: p95 ${r.p95.toFixed(1)} ms (${target}); ${p.label}, ${(r.bytes / 1e3).toFixed(0)} kB, p50 ${r.p50.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`);
    }
  }
} finally {
  stopServers();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
}
