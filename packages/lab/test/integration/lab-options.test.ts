// `protector-lab up` refuses a bad scale-out option before it starts anything, naming the option.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../dist/bin/protector-lab.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lab-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `up` with these options (ports no lab uses: nothing may start), expecting it to fail. */
async function refused(...args: string[]): Promise<string> {
  const err = (await run(process.execPath, [bin, 'up', '--detach', '--dir', dir, '--base-port', '18600', ...args], { timeout: 30_000 }).then(
    () => assert.fail(`up ${args.join(' ')} started a lab`),
    (e: unknown) => e,
  )) as { code: number; stderr: string };
  assert.equal(err.code, 1, err.stderr);
  return err.stderr;
}

test('up refuses bad counts, URLs and option combinations before starting anything', async () => {
  assert.match(await refused('--apis', '0'), /--apis must be a whole number from 1 to 16/);
  assert.match(await refused('--engines', '17'), /--engines must be a whole number from 1 to 16/);
  assert.match(await refused('--engines', 'two'), /--engines must be a whole number from 1 to 16/);
  assert.match(await refused('--database', 'sqlite:////tmp/p.db'), /--database: expected a MariaDB\/MySQL URL/);
  const secret = await refused('--database', 'mysql+pymysql://u:hunter2@127.0.0.1:3306/no-dashes');
  assert.match(secret, /--database: 'no-dashes' cannot prefix a database name/);
  assert.doesNotMatch(secret, /hunter2/);
  assert.match(await refused('--transport-url', 'amqp://u:pw@127.0.0.1:5672/'), /--transport-url: expected rabbit:\/\//);
  assert.match(await refused('--rabbitmqctl', 'rabbitmqctl'), /--rabbitmqctl makes the vhosts of --transport-url: give --transport-url too/);
  // Nothing was started: no state file, no site folder.
  assert.ok(!existsSync(join(dir, 'lab.json')), readdirSync(dir).join(', '));
});
