// Planned failover at scale against its critical-path bound (`npm run bench:scale`). Figures and
// ratios, never a threshold.
//
// Each scenario (PGs x VMs, one volume per VM, one boot tier) runs on a fresh in-process lab: two
// cloudsim sites whose servers take BOOT_MS to boot and volumes BOOT_MS to create or manage, a
// replication link of LINK_MIB_S, and site-b's engine running every PG's failover at once within
// the default per-site limits, all requested as one bulk action. The bound is what the cloud and
// array themselves need, measured in the same run on probe objects, never assumed:
//   stop (all at once) + final transfer + server delete (the old copies, all at once)
//   + max(ceil(volumes / cinder limit) x volume create + boot, volume create + ceil(servers / nova limit) x boot)
// (a server boots once its volume is managed, so Cinder's and Nova's queues overlap across PGs).
// Everything else the engine does (database, array calls, ports, role swap) is overhead the
// ratio shows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createBulk } from '../../src/engine/bulk-operations.js';
import { DEFAULT_SITE_LIMITS, SiteLimits } from '../../src/engine/index.js';
import { FINISHED } from '../../src/engine/operations.js';
import type { ProtectionGroup } from '../../src/db/protection-groups.js';
import { guestRead, guestWrite, protectedPg } from '../helpers/dr.js';
import { startTwoSites, type TwoSites } from '../helpers/two-sites.js';

const BOOT_MS = Number(process.env.BENCH_BOOT_MS ?? 2000);
const LINK_MIB_S = Number(process.env.BENCH_LINK_MIB_S ?? 100);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? '1x1,1x20,10x10,100x10').split(',').map((s) => s.trim().split('x').map(Number) as [number, number]);
const POLL_MS = 50;

const sinceMs = (t: number) => performance.now() - t;

/** Milliseconds until `done` says yes, polling every POLL_MS. */
async function timeUntil(done: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<number> {
  const t0 = performance.now();
  while (!(await done())) {
    if (sinceMs(t0) > timeoutMs) throw new Error('probe timed out');
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return sinceMs(t0);
}

interface Probes {
  volumeMs: number;
  bootMs: number;
  stopMs: number;
  deleteServerMs: number;
  transferMs: number;
}

/** The cloud's and the array's own latencies, on objects of their own on the target (and one transfer on the PG). */
async function probe(t: TwoSites, pg: ProtectionGroup): Promise<Probes> {
  const b = t.alice('b');
  const flavor = await b.nova.findFlavorByName('m1.tiny');
  const net = (await b.neutron.listNetworks({ name: 'demo-net' }))[0];
  assert.ok(flavor && net);
  let t0 = performance.now();
  const vol = await b.cinder.createVolume({ size: 1, volume_type: 'replicated-async', name: 'probe-root' });
  await timeUntil(async () => (await b.cinder.getVolume(vol.id)).status === 'available');
  const volumeMs = sinceMs(t0);
  t0 = performance.now();
  const { id } = await b.nova.createServer({ name: 'probe', flavorRef: flavor.id, networks: [{ uuid: net.id }], block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', uuid: vol.id, boot_index: 0 }] });
  await timeUntil(async () => (await b.nova.getServer(id)).status === 'ACTIVE');
  const bootMs = sinceMs(t0);
  t0 = performance.now();
  await b.nova.stopServer(id);
  await timeUntil(async () => (await b.nova.getServer(id)).status === 'SHUTOFF');
  const stopMs = sinceMs(t0);
  t0 = performance.now();
  await b.nova.deleteServer(id);
  await timeUntil(async () => (await b.nova.getServer(id).then(() => false, () => true)));
  const deleteServerMs = sinceMs(t0);
  await b.cinder.deleteVolume(vol.id);
  const handle = pg.resources.array;
  assert.ok(handle);
  t0 = performance.now();
  const snap = await t.atA.storage.snapshotNow(handle, { replicate: true, suffix: 'probe' });
  await t.atA.storage.waitForTransfer(handle, snap.snapshot, 60_000);
  const transferMs = sinceMs(t0);
  return { volumeMs, bootMs, stopMs, deleteServerMs, transferMs };
}

async function scenario(pgCount: number, vms: number): Promise<void> {
  const t = await startTwoSites();
  try {
    // Room for the whole scenario (and the probes) in the demo project on both sites.
    for (const site of [t.a, t.b]) {
      const demo = site.keystone.projects.find((x) => x.name === 'demo')!.id;
      const n = pgCount * vms * 2 + 10;
      site.nova.setQuotas(demo, { instances: n, cores: n, ram: n * 512 });
      site.cinder.setQuotas(demo, { volumes: n, gigabytes: n * 2, snapshots: n, groups: pgCount + 10 });
      site.neutron.setQuota(demo, { port: n * 2 });
    }
    // Set up fast; only the failover runs at the cloud's speed.
    const pgs = await Promise.all(Array.from({ length: pgCount }, (_, i) => protectedPg(t, { name: `scale-${i}`, servers: Object.fromEntries(Array.from({ length: vms }, (_, j) => [`pg${i}-vm${j}`, 0])) })));
    for (const { servers } of pgs) await guestWrite(t.a, servers[0]!.serverId, 0, `before the failover of ${servers[0]!.name}`);
    for (const site of [t.a, t.b]) site.ctx.bootTimeMs = BOOT_MS;
    t.a.arrays.setLink('site-a-array', 'site-b-array', { bandwidth: LINK_MIB_S * 1024 * 1024 });
    const p = await probe(t, pgs[0]!.pg);

    const limits = new SiteLimits(DEFAULT_SITE_LIMITS);
    t.atB.deps.limits = limits;
    const engine = t.atB.engine(undefined, { concurrency: pgCount });
    const t0 = performance.now();
    // One request for all of them, as `protector failover PG PG …` makes it: a parent with a child per PG.
    const bulk = await createBulk(
      t.atB.ops,
      Date.now(),
      { id: randomUUID(), project_id: pgs[0]!.pg.project_id, params: { action: 'failover', protection_groups: pgs.map(({ pg }) => pg.id), type: 'planned' }, request_id: 'req-scale', user_id: 'alice' },
      pgs.map(({ pg }) => ({ id: randomUUID(), pg_id: pg.id, type: 'failover', params: { type: 'planned' } })),
    );
    const ops = bulk.children;
    await engine.start();
    await timeUntil(async () => FINISHED.includes((await t.atB.ops.get(bulk.parent.id))!.status), 1_800_000);
    const measuredMs = sinceMs(t0);
    const ended = await Promise.all(ops.map((o) => t.atB.ops.get(o.id)));
    const bad = ended.filter((o) => o?.status !== 'completed');
    assert.equal(bad.length, 0, `every failover completed (${bad.map((o) => `${o?.status}: ${o?.error}`).join('; ')})`);
    // Proof by data: the first VM of each PG reads on site-b what was written on site-a.
    for (const { pg, servers } of pgs) {
      const m = (await t.atB.pgs.members(pg.id)).find((x) => x.name === servers[0]!.name)!;
      const want = `before the failover of ${servers[0]!.name}`;
      assert.equal(await guestRead(t.b, m.server_id, 0, want.length), want);
    }
    const servers = pgCount * vms;
    const L = limits.config;
    // A server boots once its volume is managed; the two limits pipeline across PGs, so the bound
    // is whichever of Cinder's and Nova's queues is longer, plus one unit of the other.
    const bringUpMs = Math.max(Math.ceil(servers / L.cinder) * p.volumeMs + p.bootMs, p.volumeMs + Math.ceil(servers / L.nova) * p.bootMs);
    const boundMs = p.stopMs + p.transferMs + bringUpMs + p.deleteServerMs;
    const s = (ms: number) => (ms / 1000).toFixed(1);
    console.log(`failover ${pgCount}x${vms}: measured ${s(measuredMs)} s, bound ${s(boundMs)} s, ratio ${(measuredMs / boundMs).toFixed(2)}`);
    console.log(
      `  probes: boot ${s(p.bootMs)} s, volume ${s(p.volumeMs)} s, stop ${s(p.stopMs)} s, server delete ${s(p.deleteServerMs)} s, transfer ${s(p.transferMs)} s; ` +
        `limits nova ${L.nova}, cinder ${L.cinder}; peaks nova ${limits.peak.get(`${t.atB.siteB.id}|nova`) ?? 0}, cinder ${limits.peak.get(`${t.atB.siteB.id}|cinder`) ?? 0}`,
    );
    // Where the time went: each step's mean and longest duration across the failovers.
    const steps = new Map<string, number[]>();
    for (const o of ops) for (const st of await t.atB.ops.steps(o.id)) steps.set(st.name, [...(steps.get(st.name) ?? []), st.duration_ms ?? 0]);
    console.log(`  steps (mean/max s): ${[...steps].map(([n, d]) => `${n} ${s(d.reduce((a, x) => a + x, 0) / d.length)}/${s(Math.max(...d))}`).join(', ')}`);
    await engine.stop(1000);
  } finally {
    delete t.atB.deps.limits;
    await t.close();
  }
}

for (const [pgCount, vms] of SCENARIOS) await scenario(pgCount, vms);
