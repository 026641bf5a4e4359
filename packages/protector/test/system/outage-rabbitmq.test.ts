// RabbitMQ stops for 20 s while an operation runs (.ci/run starts the broker and sets
// PROTECTOR_TEST_TRANSPORT_URL and PROTECTOR_TEST_RABBIT_DIR for scripts/system/rabbitmq.sh):
// a real protector-engine process lives through it, finishes that operation once and runs the
// one posted meanwhile (found by its scan); protector-api answers the action's 202 without
// waiting for the broker, and /healthz says the message bus is down; afterwards the engine has
// reconnected and consumes its queue again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { outageSite, PROJECT, TOKEN, type OutageSite } from '../helpers/outage-site.js';

const url = process.env.PROTECTOR_TEST_TRANSPORT_URL;
const dir = process.env.PROTECTOR_TEST_RABBIT_DIR;
const skip = url && dir ? false : 'needs a real RabbitMQ: PROTECTOR_TEST_TRANSPORT_URL and PROTECTOR_TEST_RABBIT_DIR (.ci/run sets them)';
const script = new URL('../../../../scripts/system/rabbitmq.sh', import.meta.url).pathname;
const rabbit = (...args: string[]) => execFileSync(script, [args[0]!, dir!, ...args.slice(1)], { encoding: 'utf8' });
const OUTAGE_MS = 20_000;

async function postSync(s: OutageSite): Promise<{ status: number; id: string; ms: number; text: string }> {
  const started = Date.now();
  const res = await fetch(`${s.apiUrl}/v1/${PROJECT}/protection-groups/${s.pgId}/action`, {
    method: 'POST',
    headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sync: {} }),
  });
  const text = await res.text();
  const id = res.status === 202 ? (JSON.parse(text) as { operation: { id: string } }).operation.id : '';
  return { status: res.status, id, ms: Date.now() - started, text };
}

const finished = (s: OutageSite, id: string) =>
  s.waitFor(`operation ${id} to finish`, async () => {
    const o = await s.ops.get(id);
    return o?.status === 'completed' || o?.status === 'failed' ? o : undefined;
  });

test('protector-engine lives through a 20 s RabbitMQ stop mid-operation; actions are answered at once and still run', { skip, timeout: 180_000 }, async () => {
  const s = await outageSite({ transportUrl: url });
  let down = false;
  try {
    const before = s.snapshots();
    const first = await postSync(s);
    assert.equal(first.status, 202, first.text);
    await s.waitFor('the transfer wait to start', async () => ((await s.stepsOf(first.id)).some((x) => x.name === 'wait_for_transfer' && x.status === 'running') ? true : undefined));

    rabbit('down');
    down = true;
    const downAt = Date.now();
    await s.release();
    assert.equal((await finished(s, first.id)).status, 'completed', 'the running operation needs no broker');
    // Posted with the broker away: the 202 does not wait for the wake-up (RabbitBus gives up
    // after 10 s), and the engine's scan finds the operation anyway.
    const second = await postSync(s);
    assert.equal(second.status, 202, second.text);
    assert.ok(second.ms < 5000, `answered in ${second.ms} ms with the broker down`);
    const health = await fetch(`${s.apiUrl}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual(((await health.json()) as { failed: string[] }).failed, ['message_bus']);
    assert.equal((await finished(s, second.id)).status, 'completed');
    await s.waitFor('the lost wake-up to be logged', async () => (s.apiLines().some((l) => String(l.msg).startsWith('bus publish failed') && l.operation_id === second.id) ? true : undefined));

    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    assert.equal(s.engine.exitCode, null, 'protector-engine is still running');
    rabbit('up');
    down = false;

    // Reconnected and subscribed again: the engine consumes the operations queue, the API's bus is ready.
    await s.waitFor('the engine to consume again', async () => (/^protector\.operations\s+1$/m.test(rabbit('ctl', 'list_queues', '-q', 'name', 'consumers')) ? true : undefined));
    await s.waitFor('/healthz to be 200', async () => ((await fetch(`${s.apiUrl}/healthz`)).status === 200 ? true : undefined));
    const third = await postSync(s);
    assert.equal(third.status, 202, third.text);
    assert.equal((await finished(s, third.id)).status, 'completed');

    for (const op of [first, second, third]) {
      assert.deepEqual((await s.stepsOf(op.id)).map((x) => [x.name, x.status]), [['snapshot_and_replicate', 'completed'], ['wait_for_transfer', 'completed']]);
    }
    assert.equal(s.snapshots() - before, 3, 'one snapshot per operation: nothing ran twice');
    const log = s.engineLines();
    assert.equal(log.filter((l) => l.dependency === 'message bus' && l.level === 'warn').length, 1, JSON.stringify(log.filter((l) => l.dependency)));
    assert.equal(log.filter((l) => l.dependency === 'message bus' && /reachable again/.test(String(l.msg))).length, 1);
    assert.ok(!log.some((l) => l.event === 'operation_crashed' || l.event === 'step_failed'));
  } finally {
    if (down) rabbit('up');
    await s.close();
  }
});
