import assert from 'node:assert/strict';
import type { BusPayload, MessageBus } from '../../src/bus/index.js';

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The contract every bus driver keeps: each message reaches exactly one of two competing
 * subscribers, no more than `concurrency` handlers run at once, and a throwing handler does not
 * stop delivery. Returns the payloads each subscriber saw.
 */
export async function exerciseBus(a: MessageBus, b: MessageBus, topic: string): Promise<void> {
  const seen: BusPayload[][] = [[], []];
  let running = 0;
  let maxRunning = 0;
  const handler = (i: number) => async (p: BusPayload) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    seen[i]!.push(p);
    if (p.n === 3) throw new Error('a handler that fails');
  };
  await a.subscribe(topic, handler(0), { concurrency: 2 });
  await b.subscribe(topic, handler(1), { concurrency: 2 });
  const N = 40;
  for (let n = 0; n < N; n++) await (n % 2 ? a : b).publish(topic, { n, operation_id: `op-${n}` });
  await eventually(() => seen[0]!.length + seen[1]!.length === N, `${N} messages`);
  const all = [...seen[0]!, ...seen[1]!].map((p) => p.n as number).sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: N }, (_, i) => i), 'each message exactly once');
  assert.ok(maxRunning <= 4, `at most 2 handlers per subscriber (saw ${maxRunning} at once)`);
}
