import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchWait, WaitError } from '../../src/index.js';

type Item = { id: string; status: string; fault?: string };

/** A list whose items move on each call as `script` says; counts the calls. */
function fakeList(script: Record<string, string[]>) {
  let call = 0;
  const calls = { n: 0 };
  const list = async (): Promise<Item[]> => {
    calls.n++;
    const i = call++;
    return Object.entries(script)
      .map(([id, states]) => ({ id, status: states[Math.min(i, states.length - 1)]! }))
      .filter((x) => x.status !== '-');
  };
  return { list, calls };
}

const spec = (list: () => Promise<Item[]>) => ({ kind: 'server', list, id: (x: Item) => x.id, status: (x: Item) => x.status, failed: ['ERROR'], explain: () => 'no valid host', intervalMs: 5 });

test('many waits share one list per interval and each ends when its object gets there', async () => {
  const { list, calls } = fakeList({ a: ['BUILD', 'ACTIVE'], b: ['BUILD', 'BUILD', 'BUILD', 'ACTIVE'], c: ['-', 'BUILD', 'ACTIVE'] });
  const w = new BatchWait(spec(list));
  const got = await Promise.all(['a', 'b', 'c'].map((id) => w.wait(id, 'ACTIVE', { timeoutMs: 5000 })));
  assert.deepEqual(got.map((x) => x.id), ['a', 'b', 'c']);
  assert.equal(calls.n, 4, 'one list per interval for all three, until the last arrived');
});

test('a failure state ends that wait with the explanation; the others go on', async () => {
  const { list } = fakeList({ ok: ['BUILD', 'ACTIVE'], bad: ['BUILD', 'ERROR'] });
  const w = new BatchWait(spec(list));
  const [ok, bad] = await Promise.allSettled([w.wait('ok', 'ACTIVE'), w.wait('bad', 'ACTIVE')]);
  assert.equal(ok.status, 'fulfilled');
  assert.equal(bad.status, 'rejected');
  const err = (bad as PromiseRejectedResult).reason as WaitError;
  assert.ok(err instanceof WaitError);
  assert.equal(err.message, 'server bad went to ERROR while waiting for ACTIVE: no valid host');
  assert.equal(err.timedOut, false);
});

test('a wait times out naming the last status, or that the object was never listed', async () => {
  const { list } = fakeList({ slow: ['BUILD'] });
  const w = new BatchWait(spec(list));
  await assert.rejects(w.wait('slow', 'ACTIVE', { timeoutMs: 30 }), (e: WaitError) => e.timedOut && /server slow is still BUILD after 0 s; wanted ACTIVE/.test(e.message));
  await assert.rejects(w.wait('ghost', 'ACTIVE', { timeoutMs: 30 }), /server ghost is not listed after 0 s/);
});

test('a list that fails ends every wait in progress with its error, and a later wait lists again', async () => {
  let fail = true;
  const w = new BatchWait(spec(async () => {
    if (fail) throw new Error('Nova answered 403');
    return [{ id: 'x', status: 'ACTIVE' }];
  }));
  const both = await Promise.allSettled([w.wait('x', 'ACTIVE'), w.wait('y', 'ACTIVE')]);
  assert.deepEqual(both.map((r) => r.status === 'rejected' && (r.reason as Error).message), ['Nova answered 403', 'Nova answered 403']);
  fail = false;
  assert.equal((await w.wait('x', 'ACTIVE')).status, 'ACTIVE');
});

test('a slow list stretches the interval to four times its own time; a quick one keeps the interval', async () => {
  let clock = 0;
  const listMs = [1, 30, 2];
  const { list } = fakeList({ a: ['BUILD', 'BUILD', 'ACTIVE'] });
  const sleeps: number[] = [];
  const w = new BatchWait({
    ...spec(async () => {
      clock += listMs.shift() ?? 0;
      return list();
    }),
    intervalMs: 100,
    now: () => clock,
    sleep: async (ms: number) => void sleeps.push(ms),
  });
  await w.wait('a', 'ACTIVE');
  assert.deepEqual(sleeps, [100, 120]);
});
