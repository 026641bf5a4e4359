// protector-api while its dependencies are away: the database (503 in the API's error shape,
// never a 500 or a stack; /healthz 503 naming it, 200 once it is back) and the message bus (an
// action's 202 does not wait for the wake-up; a lost one is logged, the engines' scan finds the
// operation). The system suite plays the same against a real MariaDB and RabbitMQ.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageBus } from '../../src/bus/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { startApi } from '../helpers/api.js';
import { activePg } from '../helpers/api-pg.js';
import { eventually } from '../helpers/bus.js';
import { outageDatabase } from '../helpers/db-outage.js';
import { assertErrorAnswer, errorAnswer } from '../helpers/error-answers.js';

let outage: ReturnType<typeof outageDatabase> | undefined;
const h = await startApi({ peer: true, openDb: (url) => (outage = outageDatabase(url)).db });
const db = outage!;
const logLines = () => h.logs.map((l) => JSON.parse(l) as { level: string; msg: string; err?: unknown; operation_id?: string });

test('with the database away the API answers 503 in its error shape, and /healthz says which dependency is down', async () => {
  const alice = await h.token('alice');
  const list = `/v1/${h.projects.demo}/protection-groups`;
  db.down();
  try {
    const read = await h.call('GET', list, { token: alice });
    assertErrorAnswer(errorAnswer(read), 503, 'a read');
    assert.match(read.text, /database of this Protector site is unreachable/);
    assert.doesNotMatch(read.text, /ECONNREFUSED|3306|at .*\.ts/, 'no driver text or stack');
    const write = await h.call('POST', list, { token: alice, headers: { 'X-Peer-Auth-Token': await h.peer!.token('alice') }, body: { protection_group: { name: 'while-down', replication_type: 'async' } } });
    assertErrorAnswer(errorAnswer(write), 503, 'a write');
    const health = await h.call<{ status: string; checks: Record<string, string>; failed: string[] }>('GET', '/healthz');
    assert.equal(health.status, 503);
    assert.equal(health.body.checks.database, 'failed');
    assert.deepEqual(health.body.failed, ['database']);
  } finally {
    db.up();
  }
  const lines = logLines();
  assert.ok(lines.some((l) => l.level === 'warn' && l.msg === 'database unreachable; answered 503'), 'a warning per refused request');
  assert.ok(!lines.some((l) => l.msg === 'unexpected error' || l.msg === 'request failed'), 'not logged as a fault of the API, with its stack');
  assert.equal((await h.call('GET', '/healthz')).status, 200);
  assert.equal((await h.call('GET', list, { token: alice })).status, 200);
});

test('an action answers 202 without waiting for the bus; a wake-up that fails is logged', async () => {
  const pgId = await activePg(h, 'wake-up');
  await new ProtectionGroups(h.deps.db).setResources(pgId, (r) => ({ ...r, array: { type: 'async', name: 'protector-wake-up', sourceArray: 'site-a-array', targetArray: 'peer-array' } }));
  const stallMs = 3000;
  // A broker that is away: the publish gives up after its bounded wait.
  const away: MessageBus = {
    driver: 'rabbit',
    publish: () => new Promise((_, reject) => setTimeout(() => reject(new Error(`RabbitMQ did not take the message within ${stallMs} ms: not connected to RabbitMQ`)), stallMs)),
    subscribe: async () => {},
    check: async () => Promise.reject(new Error('not connected to RabbitMQ')),
    close: async () => {},
  };
  const bus = h.deps.bus;
  h.deps.bus = away;
  try {
    const started = Date.now();
    const r = await h.call<{ operation: { id: string; status: string } }>('POST', `/v1/${h.projects.demo}/protection-groups/${pgId}/action`, { token: await h.token('alice'), body: { sync: {} } });
    const took = Date.now() - started;
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.operation.status, 'pending');
    assert.ok(took < stallMs, `answered in ${took} ms, before the publish gave up (${stallMs} ms)`);
    await eventually(() => logLines().some((l) => l.msg.startsWith('bus publish failed') && l.operation_id === r.body.operation.id), 'the lost wake-up logged', stallMs + 5000);
  } finally {
    h.deps.bus = bus;
  }
});
