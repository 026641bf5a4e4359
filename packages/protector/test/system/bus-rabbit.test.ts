// The RabbitMQ bus against a real broker (.ci/run starts one and sets PROTECTOR_TEST_TRANSPORT_URL
// and PROTECTOR_TEST_RABBIT_DIR for scripts/system/rabbitmq.sh ctl).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { amqpUrl, RabbitBus } from '../../src/bus/index.js';
import { eventually, exerciseBus } from '../helpers/bus.js';

const url = process.env.PROTECTOR_TEST_TRANSPORT_URL;
const rabbitDir = process.env.PROTECTOR_TEST_RABBIT_DIR;
const script = new URL('../../../../scripts/system/rabbitmq.sh', import.meta.url).pathname;

test('oslo.messaging transport URLs become AMQP URLs', () => {
  assert.equal(amqpUrl('rabbit://u:p@h1:5672,u:p@h2:5672/vh'), 'amqp://u:p@h1:5672/vh');
  assert.equal(amqpUrl('rabbit://u:p@h:5672'), 'amqp://u:p@h:5672/');
  assert.throws(() => amqpUrl('amqp://x'), /transport_url/);
});

test('the rabbit bus delivers each message to exactly one engine', async () => {
  assert.ok(url, 'PROTECTOR_TEST_TRANSPORT_URL must name a RabbitMQ (rabbit://user:pw@127.0.0.1:PORT/)');
  const a = await RabbitBus.connect(url);
  const b = await RabbitBus.connect(url);
  try {
    await exerciseBus(a, b, `protector.test.${process.pid}`);
  } finally {
    await a.close();
    await b.close();
  }
});

test('the rabbit bus reconnects after the broker drops its connections', async () => {
  assert.ok(url && rabbitDir, 'PROTECTOR_TEST_TRANSPORT_URL and PROTECTOR_TEST_RABBIT_DIR must be set');
  const bus = await RabbitBus.connect(url);
  const topic = `protector.reconnect.${process.pid}`;
  const got: number[] = [];
  try {
    await bus.subscribe(topic, async (p) => void got.push(p.n as number));
    await bus.publish(topic, { n: 1 });
    await eventually(() => got.length === 1, 'the first message');
    execFileSync(script, ['ctl', rabbitDir, 'close_all_connections', 'test: dropped on purpose'], { stdio: 'ignore' });
    // Published while the client reconnects: it waits for the new channel rather than losing the message.
    await bus.publish(topic, { n: 2 });
    await eventually(() => got.includes(2), 'the message published across the reconnect', 30_000);
  } finally {
    await bus.close();
  }
});
