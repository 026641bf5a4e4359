// Snapshot-and-replicate cycles of the simulated FlashArray pair: 100 protection groups of 10
// volumes; a cycle writes 1 MiB to each volume of one group, snapshots it with replicate_now, and
// ticks until the copy is on the target, with retention applied. Groups take turns, so each is
// replicated once per round of 100 cycles (hourly in simulated time). Figures only.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.js';
import { ArrayModel } from '../../src/index.js';

const PGS = 100;
const VOLS = 10;
const MiB = 1024 * 1024;
const CYCLES = Number(process.env.ARRAY_BENCH_CYCLES ?? 1000);
const ROUND_MS = 3600_000;
const CYCLE_MS = ROUND_MS / PGS;

const dir = mkdtempSync(join(tmpdir(), 'array-bench-'));
const file = join(dir, 'arrays.db');
const clock = new ManualClock();
const m = ArrayModel.open(file, clock);
m.createArray('fa-a');
m.createArray('fa-b');
// A 1 GbE replication link.
m.connectArrays('fa-a', 'fa-b', { bandwidth: 125_000_000, latency_ms: 2 });
// Keep every snapshot for 1 h, then 1 a day for a day; the same on the target.
const retention = { all_for_sec: 3600, per_day: 1, days: 1 };
const t0 = performance.now();
for (let p = 0; p < PGS; p++) {
  const pg = `pg-${p}`;
  const vols = Array.from({ length: VOLS }, (_, v) => `pg-${p}-vol-${v}`);
  for (const v of vols) m.createVolume('fa-a', v, 64 * MiB);
  m.createProtectionGroup('fa-a', pg, { source_retention: retention, target_retention: retention });
  m.addProtectionGroupVolumes('fa-a', pg, vols);
  m.addProtectionGroupTargets('fa-a', pg, ['fa-b']);
}
console.log(`setup: ${PGS} protection groups x ${VOLS} volumes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const data = Buffer.alloc(MiB);
let pending = 0;
const start = performance.now();
let lastReport = start;
for (let c = 0; c < CYCLES; c++) {
  const p = c % PGS;
  // Different bytes every cycle, so nothing is shared between versions but what the model shares.
  data.fill((c % 250) + 1);
  data.writeUInt32LE(c, 0);
  for (let v = 0; v < VOLS; v++) m.writeVolume('fa-a', `pg-${p}-vol-${v}`, 0, data);
  m.snapshotProtectionGroup('fa-a', `pg-${p}`, { replicate_now: true });
  clock.advance(CYCLE_MS);
  const r = m.tick();
  pending += 1 - r.completed.length;
  const now = performance.now();
  if (now - lastReport > 5000) {
    console.log(`  ${c + 1}/${CYCLES} cycles, ${((c + 1) / ((now - start) / 1000)).toFixed(1)} cycles/s`);
    lastReport = now;
  }
}
const seconds = (performance.now() - start) / 1000;
const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
m.db.pragma('wal_checkpoint(TRUNCATE)');
const bytes = size(file) + size(`${file}-wal`);
const src = m.listProtectionGroupSnapshots('fa-a').length;
const tgt = m.listProtectionGroupSnapshots('fa-b');
const written = CYCLES * VOLS;
console.log(`cycles: ${CYCLES} in ${seconds.toFixed(1)} s = ${(CYCLES / seconds).toFixed(1)} cycles/s (${(written / seconds).toFixed(0)} MiB/s written and replicated)`);
console.log(`transfers not complete at their cycle's end: ${pending}; incomplete now: ${tgt.filter((t) => t.completed === null).length}`);
console.log(`retained: ${src} source snapshots, ${tgt.length} replicated copies (${((src + tgt.length) / PGS).toFixed(1)} per group)`);
console.log(`SQLite file after ${CYCLES} cycles (${written} MiB written): ${(bytes / MiB).toFixed(0)} MiB = ${(bytes / (written * MiB)).toFixed(2)} x the bytes written`);
m.close();
rmSync(dir, { recursive: true, force: true });
