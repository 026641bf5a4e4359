// One async planned failover of 1 PG x 10 volumes at the storage driver, with each adapter of the
// FlashArray driver in the same run: in-process (the mock driver on the simulated arrays' model)
// and REST 2.x over HTTPS (the pure driver on the same arrays' REST faces). Figures and their
// ratio only, never a threshold.
//
// The arrays run on a manual clock that the driver's waits advance, so the figures are the
// driver's own cost (calls, HTTP, TLS, JSON) and not simulated transfer time. Each adapter runs
// ROUNDS failovers on fresh arrays; the median is reported.
import { BLOCK_SIZE } from '@protector/arraysim';
import { arrayPair, type Adapter } from '../helpers/array-pair.js';

const VOLUMES = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const policy = { intervalSeconds: 300, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } };

/** Milliseconds of wall time for protect + final snapshot + transfer + demote/promote + restore + reverse. */
async function failover(adapter: Adapter): Promise<number> {
  const env = await arrayPair(adapter, { bandwidth: 1024 ** 3 });
  try {
    const vols = Array.from({ length: VOLUMES }, (_, i) => `volume-${String(i).padStart(8, '0')}-cinder`);
    for (const v of vols) {
      env.model.createVolume('fa-a', v, 4 * BLOCK_SIZE);
      env.model.writeVolume('fa-a', v, 0, Buffer.from(`data of ${v}`));
    }
    const start = performance.now();
    const h = await env.driver.createReplicationGroup({ id: 'bench', name: 'bench', replicationType: 'async', ...policy });
    await env.driver.addVolumes(h, vols);
    const snap = await env.driver.snapshotNow(h, { replicate: true, suffix: 'failover-1' });
    const rp = await env.driver.waitForTransfer(h, snap.snapshot, 60_000);
    await env.driver.demote(h);
    await env.driver.promote(h);
    const copies = await env.driver.restoreVolumes(
      h,
      rp.name,
      vols.map((v, i) => ({ source: v, target: `volume-${String(i).padStart(8, '0')}-target` })),
      { overwrite: false },
    );
    await env.driver.reverseReplication(h, { volumes: copies.map((c) => c.name), policy });
    const ms = performance.now() - start;
    // Proof it did the work: the copies hold the source's bytes.
    const want = `data of ${vols[0]}`;
    const text = env.model.readVolume('fa-b', copies[0]!.name, 0, want.length).toString();
    if (text !== want) throw new Error(`restored copy holds '${text}'`);
    return ms;
  } finally {
    await env.close();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const results: Record<Adapter, number[]> = { 'in-process': [], rest: [] };
for (let i = 0; i < ROUNDS; i++) {
  // Interleaved, so both see the same machine load.
  for (const adapter of ['in-process', 'rest'] as const) results[adapter].push(await failover(adapter));
}
const inProcess = median(results['in-process']);
const rest = median(results.rest);
console.log(`async failover of 1 PG x ${VOLUMES} volumes at the storage driver, median of ${ROUNDS} (first round included):`);
console.log(`  in-process adapter (mock driver):      ${inProcess.toFixed(1).padStart(8)} ms`);
console.log(`  REST 2.x adapter over HTTPS (pure):    ${rest.toFixed(1).padStart(8)} ms`);
console.log(`  ratio REST / in-process:               ${(rest / inProcess).toFixed(1).padStart(8)} x`);
