import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { Site } from '../../src/site.js';

const dir = mkdtempSync(join(tmpdir(), 'cloudsim-cinder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a creating volume and its bytes survive a restart; the transition completes from stored timestamps', async () => {
  const clock = new ManualClock();
  const opts = { name: 'restart', basePort: 0, bootTimeMs: 1000, clock, dataDir: dir };
  const first = await Site.start(opts);
  const admin = first.keystone.projects.find((p) => p.name === 'admin')!.id;
  const vol = first.cinder.createVolume(admin, { size: 1, name: 'persist' });
  first.cinder.writeVolume(vol.id, 70_000, Buffer.from('kept'));
  assert.equal(first.cinder.getVolume(vol.id)!.status, 'creating');
  await first.stop();

  const second = await Site.start(opts);
  try {
    assert.equal(second.cinder.getVolume(vol.id)!.status, 'creating');
    clock.advance(1000);
    assert.equal(second.cinder.getVolume(vol.id)!.status, 'available');
    assert.equal(second.cinder.readVolume(vol.id, 70_000, 4).toString(), 'kept');
  } finally {
    await second.stop();
  }
});
