import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ManualClock } from '../../src/clock.js';
import { ArrayModel } from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const indexTs = join(here, '../../src/index.ts');

function tempFile(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'array-'));
  return { path: join(dir, 'arrays.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('two models on one file see each other\'s writes, snapshots and transfers', () => {
  const { path, done } = tempFile();
  const clock = new ManualClock();
  const one = ArrayModel.open(path, clock);
  const two = ArrayModel.open(path, clock);
  try {
    one.createArray('fa-a');
    two.createArray('fa-b');
    one.connectArrays('fa-a', 'fa-b', { bandwidth: 1024 * 1024, latency_ms: 0 });
    assert.deepEqual(two.listArrays().map((a) => a.name), ['fa-a', 'fa-b']);
    two.createVolume('fa-a', 'v', 1024 * 1024);
    one.writeVolume('fa-a', 'v', 10, Buffer.from('from one'));
    assert.equal(two.readVolume('fa-a', 'v', 10, 8).toString(), 'from one');
    two.createProtectionGroup('fa-a', 'pg');
    one.addProtectionGroupVolumes('fa-a', 'pg', ['v']);
    one.addProtectionGroupTargets('fa-a', 'pg', ['fa-b']);
    two.snapshotProtectionGroup('fa-a', 'pg', { replicate_now: true });
    clock.advance(1000);
    one.tick();
    assert.ok(two.getProtectionGroupSnapshot('fa-b', 'fa-a:pg.1').completed !== null);
    assert.equal(two.readSnapshot('fa-b', 'fa-a:pg.1.v', 10, 8).toString(), 'from one');
    // A fault injected by one is seen by the other.
    one.setArrayDown('fa-a', true);
    assert.throws(() => two.getVolume('fa-a', 'v'), /array 'fa-a' is unreachable/);
  } finally {
    one.close();
    two.close();
    done();
  }
});

test('a second process writes to the file while this one writes too', async () => {
  const { path, done } = tempFile();
  const here = ArrayModel.open(path, new ManualClock());
  try {
    here.createArray('fa-a');
    here.createVolume('fa-a', 'v', 512 * 1024);
    const script = join(dirname(path), 'child.ts');
    writeFileSync(
      script,
      `import { ArrayModel } from ${JSON.stringify(pathToFileURL(indexTs).href)};
const m = ArrayModel.open(${JSON.stringify(path)});
for (let i = 0; i < 200; i++) m.writeVolume('fa-a', 'v', i * 1000, Buffer.from('child-' + i));
m.createVolumeSnapshot('fa-a', 'v', 'child');
m.close();
`,
    );
    // Both processes write at once; WAL plus BEGIN IMMEDIATE and busy_timeout serialise them.
    let finished = false;
    const child = promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: join(dirname(indexTs), '../../..') }).finally(() => {
      finished = true;
    });
    let n = 0;
    while (!finished) {
      here.writeVolume('fa-a', 'v', 300_000 + (n % 100) * 1000, Buffer.from(`parent-${n % 100}`));
      n++;
      await new Promise((r) => setTimeout(r, 1));
    }
    assert.equal((await child).stderr, '');
    for (let i = 0; i < 20; i++) here.writeVolume('fa-a', 'v', 300_000 + i * 1000, Buffer.from('parent-' + i));
    assert.equal(here.readVolume('fa-a', 'v', 199_000, 9).toString(), 'child-199');
    assert.equal(here.readSnapshot('fa-a', 'v.child', 5000, 7).toString(), 'child-5');
    assert.equal(here.readVolume('fa-a', 'v', 319_000, 9).toString(), 'parent-19');
  } finally {
    here.close();
    done();
  }
});
