import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { ArrayModel, retentionExpired } from '../../src/index.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

test('retention keeps all_for, then per_day for days, and drops the rest', () => {
  const now = 100 * DAY;
  const snaps = Array.from({ length: 24 * 5 }, (_, i) => ({ created: now - i * HOUR }));
  const dropped = new Set(retentionExpired(snaps, { all_for_sec: 6 * 3600, per_day: 2, days: 2 }, now));
  const kept = snaps.filter((s) => !dropped.has(s)).map((s) => (now - s.created) / HOUR);
  // Older than 6 h: the first snapshot of each fixed 12 h slot, up to 6 h + 2 days old.
  assert.deepEqual(kept, [0, 1, 2, 3, 4, 5, 12, 24, 36, 48, 53]);
});

test('scheduled replication over simulated days keeps source and target within retention', () => {
  const clock = new ManualClock();
  const m = ArrayModel.open(':memory:', clock);
  m.createArray('fa-a');
  m.createArray('fa-b');
  m.connectArrays('fa-a', 'fa-b', { bandwidth: 10 * 1024 * 1024, latency_ms: 5 });
  m.createVolume('fa-a', 'v', 1024 * 1024);
  m.createProtectionGroup('fa-a', 'pg', {
    replication_schedule: { enabled: true, frequency: HOUR },
    source_retention: { all_for_sec: 4 * 3600, per_day: 1, days: 1 },
    target_retention: { all_for_sec: 12 * 3600, per_day: 2, days: 2 },
  });
  m.addProtectionGroupVolumes('fa-a', 'pg', ['v']);
  m.addProtectionGroupTargets('fa-a', 'pg', ['fa-b']);
  for (let h = 0; h < 24 * 4; h++) {
    m.writeVolume('fa-a', 'v', (h % 16) * 65536, Buffer.alloc(65536, h + 1));
    clock.advance(HOUR);
    m.tick();
  }
  const ages = (array: string) =>
    m.listProtectionGroupSnapshots(array).map((s) => (clock.now() - s.created) / HOUR).sort((x, y) => x - y);
  const checkPolicy = (array: string, allForH: number, slotH: number, days: number) => {
    const a = ages(array);
    assert.deepEqual(a.filter((x) => x < allForH), Array.from({ length: allForH }, (_, i) => i), `${array} keeps all younger than ${allForH} h`);
    const older = a.filter((x) => x >= allForH);
    assert.ok(older.length >= (days * 24) / slotH - 1, `${array} keeps per-day snapshots: ${older.join(',')}`);
    assert.ok(older.every((x) => x < allForH + days * 24), `${array} drops everything past retention: ${older.join(',')}`);
    const slots = older.map((x) => Math.floor((clock.now() / HOUR - x) / slotH));
    assert.equal(new Set(slots).size, slots.length, `${array} keeps one per slot`);
  };
  checkPolicy('fa-a', 4, 24, 1);
  checkPolicy('fa-b', 12, 12, 2);
  // No leaked blocks: every stored block is mapped, and pruning freed some of the 96 written.
  const blocks = m.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM fa_blocks')?.n ?? 0;
  const mapped = m.store.get<{ n: number }>('SELECT COUNT(DISTINCT block_id) AS n FROM fa_block_maps')?.n ?? 0;
  assert.equal(blocks, mapped);
  assert.ok(blocks < 96, `${blocks} blocks`);
});
