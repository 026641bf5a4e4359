import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { Type, TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerObservability, UNMATCHED_ROUTE } from '../../src/observability/fastify.js';
import type { HealthCheck } from '../../src/observability/health.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { isRequestId, REQUEST_ID_HEADER, requestLogger, setRequestIdentity } from '../../src/observability/request-context.js';

const TOKEN = 'gAAAAABpZ3xQk2Vt7aB_c-9fJd0Lr1sT8uVwXyZ0123456789abcdefghijKLMNOP_qrstu-vwxyz==';
const GLOBAL_ID = 'req-0f8e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

interface Harness {
  app: FastifyInstance;
  lines: () => Record<string, unknown>[];
  text: () => string;
}

/** A log destination that keeps what is written, as the tests read it back. */
function capture(): { chunks: string[]; destination: Writable } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { chunks, destination };
}

async function harness(healthChecks: Record<string, HealthCheck> = {}, healthTimeoutMs = 200): Promise<Harness> {
  const { chunks, destination } = capture();
  const logger = createLogger({ service: 'protector-api', level: 'debug', destination });
  const metrics = createMetrics();
  const app = Fastify({ logger: false, disableRequestLogging: true });
  registerObservability(app, { logger, metrics, healthChecks, healthTimeoutMs });
  // stands in for the auth layer
  app.addHook('preHandler', async (request) => {
    if (request.headers['x-auth-token']) setRequestIdentity(request, { userId: 'u-1', projectId: 'p-1' });
  });
  app.get('/v1/:project_id/protection-groups/:pg_id', async (request) => {
    requestLogger(request).info({ body: { password: 'handler-pw' } }, 'showing pg');
    return { protection_group: { id: (request.params as { pg_id: string }).pg_id } };
  });
  app.post('/v1/:project_id/protection-groups', async () => ({ ok: true }));
  app.get('/v1/:project_id/boom', async () => {
    throw new Error(`backend said token ${TOKEN} is bad`);
  });
  await app.ready();
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { app, lines, text };
}

function requestLines(h: Harness): Record<string, unknown>[] {
  return h.lines().filter((l) => typeof l.status === 'number');
}

test('every response carries a fresh req-<uuid>: success, 404, 500 and 400', async () => {
  const h = await harness();
  const responses = [
    await h.app.inject({ method: 'GET', url: '/v1/p-1/protection-groups/pg-1' }),
    await h.app.inject({ method: 'GET', url: '/nowhere' }),
    await h.app.inject({ method: 'GET', url: '/v1/p-1/boom' }),
    await h.app.inject({ method: 'POST', url: '/v1/p-1/protection-groups', headers: { 'content-type': 'application/json' }, payload: '{not json' }),
  ];
  assert.deepEqual(
    responses.map((r) => r.statusCode),
    [200, 404, 500, 400],
  );
  const ids = responses.map((r) => String(r.headers[REQUEST_ID_HEADER]));
  for (const id of ids) assert.ok(isRequestId(id), `bad id ${id}`);
  assert.equal(new Set(ids).size, ids.length);
  // the log line for each request names the same id
  assert.deepEqual(
    requestLines(h).map((l) => l.request_id),
    ids,
  );
  await h.app.close();
});

test('an incoming X-OpenStack-Request-ID is the global id only when it is req-<uuid>', async () => {
  const h = await harness();
  const good = await h.app.inject({ method: 'GET', url: '/v1/p-1/protection-groups/pg-1', headers: { 'X-OpenStack-Request-ID': GLOBAL_ID } });
  // a local id is still generated: the global one names the whole user action
  assert.notEqual(good.headers[REQUEST_ID_HEADER], GLOBAL_ID);
  for (const bad of ['req-not-a-uuid', `${GLOBAL_ID}x`, GLOBAL_ID.toUpperCase(), `req-${'a'.repeat(36)}`, 'hello\nworld']) {
    await h.app.inject({ method: 'GET', url: '/v1/p-1/protection-groups/pg-1', headers: { 'x-openstack-request-id': bad } });
  }
  const lines = requestLines(h);
  assert.equal(lines.length, 6);
  assert.equal(lines[0]?.global_request_id, GLOBAL_ID);
  for (const l of lines.slice(1)) assert.equal(l.global_request_id, undefined);
  // the handler's own lines carry both ids too
  const handler = h.lines().find((l) => l.msg === 'showing pg');
  assert.equal(handler?.global_request_id, GLOBAL_ID);
  assert.equal(handler?.request_id, good.headers[REQUEST_ID_HEADER]);
  await h.app.close();
});

test('one line per request with route pattern, status, duration and identity; no secrets', async () => {
  const h = await harness();
  await h.app.inject({
    method: 'GET',
    url: `/v1/p-1/protection-groups/pg-42?token=${TOKEN}`,
    headers: { 'x-auth-token': TOKEN, authorization: 'Bearer bearer-secret' },
  });
  await h.app.inject({ method: 'GET', url: `/v1/p-1/boom`, headers: { 'x-auth-token': TOKEN } });
  const lines = requestLines(h);
  assert.equal(lines.length, 2);
  const [ok, boom] = lines;
  assert.equal(ok?.route, '/v1/:project_id/protection-groups/:pg_id');
  assert.equal(ok?.method, 'GET');
  assert.equal(ok?.status, 200);
  assert.equal(typeof ok?.duration_ms, 'number');
  assert.equal(ok?.user_id, 'u-1');
  assert.equal(ok?.project_id, 'p-1');
  assert.equal(ok?.level, 'info');
  assert.equal(boom?.level, 'error');
  assert.ok(!h.text().includes('pg-42'), 'raw path logged');
  for (const s of [TOKEN, 'bearer-secret', 'handler-pw']) assert.ok(!h.text().includes(s), `${s} leaked:\n${h.text()}`);
  // the 500's error is logged, scrubbed
  assert.ok(h.lines().some((l) => l.msg === 'request failed' && JSON.stringify(l.err).includes('[REDACTED]')));
  await h.app.close();
});

test('/metrics shows request counters and histograms by route pattern', async () => {
  const h = await harness();
  for (const pg of ['pg-1', 'pg-2', 'pg-3']) await h.app.inject({ method: 'GET', url: `/v1/p-1/protection-groups/${pg}` });
  await h.app.inject({ method: 'GET', url: '/v1/p-1/boom' });
  await h.app.inject({ method: 'GET', url: '/no/such/thing' });
  const res = await h.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const body = res.body;
  assert.match(body, /protector_api_requests_total\{method="GET",route="\/v1\/:project_id\/protection-groups\/:pg_id",status="200"\} 3/);
  assert.match(body, /protector_api_requests_total\{method="GET",route="\/v1\/:project_id\/boom",status="500"\} 1/);
  assert.match(body, new RegExp(`protector_api_requests_total\\{method="GET",route="${UNMATCHED_ROUTE}",status="404"\\} 1`));
  assert.match(body, /protector_api_request_duration_seconds_count\{method="GET",route="\/v1\/:project_id\/protection-groups\/:pg_id",status="200"\} 3/);
  assert.match(body, /protector_api_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/v1\/:project_id\/protection-groups\/:pg_id",status="200"\} 3/);
  assert.doesNotMatch(body, /pg-1|no\/such/);
  assert.match(body, /^protector_process_resident_memory_bytes /m);
  await h.app.close();
});

test('/healthz is 200 with every check ok', async () => {
  const h = await harness({ database: async () => undefined, bus: async () => undefined });
  const res = await h.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok', checks: { database: 'ok', bus: 'ok' } });
  assert.ok(isRequestId(String(res.headers[REQUEST_ID_HEADER])));
  await h.app.close();
});

test('/healthz is 503 naming failed and timed-out checks, without error text or stack', async () => {
  const h = await harness(
    {
      database: async () => {
        throw new Error('connect mysql+pymysql://protector:dbpw@db:3306/protector ECONNREFUSED');
      },
      bus: () => new Promise(() => undefined), // hangs forever
      storage: async () => undefined,
    },
    100,
  );
  const started = Date.now();
  const res = await h.app.inject({ method: 'GET', url: '/healthz' });
  assert.ok(Date.now() - started < 2000, 'the hanging check did not hang the probe');
  assert.equal(res.statusCode, 503);
  assert.deepEqual(res.json(), { status: 'failed', checks: { database: 'failed', bus: 'timeout', storage: 'ok' }, failed: ['database', 'bus'] });
  assert.doesNotMatch(res.body, /ECONNREFUSED|dbpw|at |stack/);
  // the reason is logged for the operator, scrubbed
  const warn = h.lines().find((l) => l.check === 'database');
  assert.ok(warn && JSON.stringify(warn).includes('ECONNREFUSED'));
  assert.ok(!h.text().includes('dbpw'));
  await h.app.close();
});

test('fits a TypeBox-typed app that uses the same pino logger as its loggerInstance', async () => {
  const logger = createLogger({ service: 'protector-api', level: 'silent' });
  const metrics = createMetrics({ defaultMetrics: false });
  const app = Fastify({ loggerInstance: logger, disableRequestLogging: true })
    .setValidatorCompiler(TypeBoxValidatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();
  registerObservability(app, { logger, metrics });
  app.get('/v1/:project_id/operations/:operation_id', { schema: { params: Type.Object({ project_id: Type.String(), operation_id: Type.String() }) } }, async (request) => {
    setRequestIdentity(request, { projectId: request.params.project_id });
    return { id: request.params.operation_id };
  });
  const res = await app.inject({ method: 'GET', url: '/v1/p-1/operations/op-1' });
  assert.equal(res.statusCode, 200);
  assert.ok(isRequestId(String(res.headers[REQUEST_ID_HEADER])));
  assert.match(await metrics.registry.metrics(), /route="\/v1\/:project_id\/operations\/:operation_id",status="200"\} 1/);
  await app.close();
});

test("Fastify's own request logging through this logger does not leak query tokens", async () => {
  const { chunks, destination } = capture();
  const logger = createLogger({ service: 'protector-api', level: 'info', destination });
  const app = Fastify({ loggerInstance: logger }); // request logging left on, as a careless caller might
  registerObservability(app, { logger, metrics: createMetrics({ defaultMetrics: false }) });
  app.get('/v1/:project_id/boom', async () => {
    throw new Error('kaboom');
  });
  await app.inject({ method: 'GET', url: `/v1/p-1/boom?token=${TOKEN}&password=query-pw`, headers: { 'x-auth-token': TOKEN } });
  const text = chunks.join('');
  assert.ok(text.includes('"url":"/v1/p-1/boom?token=[REDACTED]'), text);
  for (const s of [TOKEN, 'query-pw']) assert.ok(!text.includes(s), `${s} leaked:\n${text}`);
  for (const line of text.trim().split('\n')) JSON.parse(line);
  await app.close();
});

test("an app whose genReqId already makes req-<uuid> keeps one id: request.id, header and logs agree", async () => {
  const { chunks, destination } = capture();
  const logger = createLogger({ service: 'protector-api', level: 'info', destination });
  const app = Fastify({ logger: false, genReqId: () => `req-${randomUUID()}` });
  registerObservability(app, { logger, metrics: createMetrics({ defaultMetrics: false }) });
  app.get('/v1/echo', async (request) => ({ id: request.id }));
  const res = await app.inject({ method: 'GET', url: '/v1/echo' });
  const id = (res.json() as { id: string }).id;
  assert.equal(res.headers[REQUEST_ID_HEADER], id);
  assert.equal((JSON.parse(chunks.join('').trim()) as { request_id: string }).request_id, id);
  await app.close();
});
