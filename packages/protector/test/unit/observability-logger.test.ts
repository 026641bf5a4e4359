import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, jsonString, logPlain, withContext, type Logger } from '../../src/observability/logger.js';

const FERNET = 'gAAAAABpZ3xQk2Vt7aB_c-9fJd0Lr1sT8uVwXyZ0123456789abcdefghijKLMNOP_qrstu-vwxyz==';

function captured(level: 'info' | 'debug' = 'info'): { log: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ service: 'protector-api', level, destination });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, text };
}

test('lines are JSON with service, host, pid, level name and ISO time', () => {
  const { log, lines } = captured();
  log.info({ pg_id: 'pg-1' }, 'hello');
  const [line] = lines();
  assert.ok(line);
  assert.equal(line.service, 'protector-api');
  assert.equal(line.host, hostname());
  assert.equal(line.pid, process.pid);
  assert.equal(line.level, 'info');
  assert.equal(line.msg, 'hello');
  assert.equal(line.pg_id, 'pg-1');
  assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
});

test('[DEFAULT] host names the records instead of the machine, once per line', () => {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  createLogger({ service: 'protector-engine', host: 'controller-1', destination }).info('hello');
  const [raw] = chunks;
  assert.equal((JSON.parse(raw ?? '{}') as { host: string }).host, 'controller-1');
  assert.equal(raw?.match(/"host":/g)?.length, 1);
});

test('token headers are redacted in requests and responses, whatever their case', () => {
  const { log, text, lines } = captured();
  log.info({
    req: { headers: { 'x-auth-token': 'tok-a', 'X-Subject-Token': 'tok-b', authorization: 'Bearer tok-c', 'api-token': 'tok-d', accept: 'application/json' } },
    res: { headers: { 'x-subject-token': 'tok-e', 'x-auth-token': 'tok-f' } },
  });
  log.info({ headers: { 'X-Auth-Token': 'tok-g' } }, 'outgoing call');
  for (const s of ['tok-a', 'tok-b', 'tok-c', 'tok-d', 'tok-e', 'tok-f', 'tok-g']) assert.ok(!text().includes(s), `${s} leaked`);
  const first = lines()[0] as { req: { headers: Record<string, string> } };
  assert.equal(first.req.headers['x-auth-token'], '[REDACTED]');
  assert.equal(first.req.headers.accept, 'application/json');
});

test('secret keys are redacted at any depth, in arrays, and in child bindings', () => {
  const { log, text } = captured();
  log.info({ body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'deep-pw' } } } } } }, 'keystone request');
  log.info({ sites: [{ name: 'b', credentials: { username: 'u', password: 'cred-pw' } }] });
  log.info({ secret: 'top-secret', token: 'top-token', api_token: 'array-api-token', cfg: { secret_key: 'k3y' } });
  log.child({ token: 'child-token' }).info('from a child');
  for (const s of ['deep-pw', 'cred-pw', 'top-secret', 'top-token', 'array-api-token', 'k3y', 'child-token']) assert.ok(!text().includes(s), `${s} leaked`);
  assert.ok(text().includes('"methods":["password"]'), 'non-secret siblings are kept');
});

test('free text is scrubbed: messages, interpolation, string fields and errors', () => {
  const { log, text, lines } = captured();
  log.warn(`keystone said: Could not find token: ${FERNET}`);
  log.info('connecting with password=%s', 'interp-pw');
  log.info({ upstream_body: '{"password": "body-pw"}' }, 'array rejected');
  log.error(new Error(`401 for token ${FERNET} password=err-pw`));
  log.error({ err: new Error('db mysql+pymysql://protector:dbpw@db/protector unreachable') }, 'db down');
  for (const s of [FERNET, 'interp-pw', 'body-pw', 'err-pw', 'dbpw']) assert.ok(!text().includes(s), `${s} leaked:\n${text()}`);
  const errLine = lines()[3] as { err: { type: string; message: string }; msg: string };
  assert.equal(errLine.err.type, 'Error');
  assert.match(errLine.msg, /^401 for token \[REDACTED\]/);
});

test('withContext adds request_id, global_request_id and operation_id; level filters', () => {
  const { log, lines } = captured('info');
  withContext(log, { requestId: 'req-1', globalRequestId: 'req-0', operationId: 'op-9' }).info('step');
  withContext(log, { operationId: 'op-8' }).debug('hidden at info');
  const all = lines();
  assert.equal(all.length, 1);
  assert.equal(all[0]?.request_id, 'req-1');
  assert.equal(all[0]?.global_request_id, 'req-0');
  assert.equal(all[0]?.operation_id, 'op-9');
});

test('a log file is appended to, not truncated', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'protector-log-')), 'protector-engine.log');
  for (const n of [1, 2]) {
    const log = createLogger({ service: 'protector-engine', file });
    log.info({ n }, 'run');
    log.flush();
  }
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { n: number; service: string });
  assert.deepEqual(lines.map((l) => l.n), [1, 2]);
  assert.equal(lines[0]?.service, 'protector-engine');
});

test('the line-level pass catches class instances and keeps every line valid JSON', () => {
  const { log, text, lines } = captured();
  class Session {
    token = 'instance-token';
    constructor(readonly user: string) {}
  }
  log.info({ session: new Session('admin') }, 'session ready');
  log.info('tricky password=abc"} and {"x": "y"} rabbit://u:p@ss"w@h token=\\"q');
  log.info({ note: 'a "quoted" token: value\\ with backslash' }, 'password: "spaced secret" done');
  const all = lines(); // throws if any line is not JSON
  assert.equal(all.length, 3);
  assert.equal((all[0] as { session: { user: string } }).session.user, 'admin');
  for (const s of ['instance-token', 'abc', 'spaced secret']) assert.ok(!text().includes(s), `${s} leaked:\n${text()}`);
});

test('logPlain: byte for byte the line pino writes for the same record, escapes included', () => {
  const { log, text } = captured('info');
  const fields = { request_id: 'req-1', user_id: 'u"\\\n\u0001é\u2028', method: 'GET', route: '/v1/:project_id/protection-groups/:pg_id', status: 200, duration_ms: 0.123, odd: Number.NaN };
  const msg = 'GET "/v1" 200\t';
  log.info(fields, msg);
  logPlain(log, 'info', fields, msg);
  log.error(fields, msg);
  logPlain(log, 'error', fields, msg);
  const [viaPino, plain, errorViaPino, errorPlain] = text()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/"time":"[^"]+"/, '"time":"T"'));
  assert.ok(viaPino?.includes('"level":"info"') && viaPino.includes('"pid":'), viaPino);
  assert.equal(plain, viaPino);
  assert.equal(errorPlain, errorViaPino);
});

test('jsonString is JSON.stringify for every string, escapes and surrogates included', () => {
  const odd = ['', 'req-1', '/v1/:project_id/x', 'a"b', 'a\\b', '\n', '\u0000', '\u001f', '\u007f', 'é', '\u2028', '\u2029', '\ud83d\ude00', '\ud83d', 'x\ude00', '</script>'];
  const all = [...odd, ...Array.from({ length: 0x3000 }, (_, c) => `k${String.fromCharCode(c)}v`)];
  for (const s of all) assert.equal(jsonString(s), JSON.stringify(s), JSON.stringify(s));
  for (let c = 0xd7f0; c < 0xe010; c++) assert.equal(jsonString(String.fromCharCode(c)), JSON.stringify(String.fromCharCode(c)));
});

test('logPlain: the same line shape, in order with the other records, at the levels the logger writes; a child scrubs as usual', () => {
  const { log, lines } = captured('info');
  log.info('before');
  logPlain(log, 'info', { request_id: 'req-1', route: '/v1/:project_id/protection-groups', status: 200, duration_ms: 1.5 }, 'GET /v1/:project_id/protection-groups 200');
  logPlain(log, 'debug', { request_id: 'req-2' }, 'not written at info');
  log.warn('after');
  const [before, plain, after, ...rest] = lines();
  assert.deepEqual([before?.msg, plain?.msg, after?.msg, rest.length], ['before', 'GET /v1/:project_id/protection-groups 200', 'after', 0]);
  assert.deepEqual(Object.keys(plain ?? {}).sort(), ['duration_ms', 'host', 'level', 'msg', 'pid', 'request_id', 'route', 'service', 'status', 'time']);
  assert.equal(plain?.level, 'info');
  assert.equal(plain?.service, 'protector-api');
  assert.equal(plain?.status, 200);
  // It is for fields that cannot hold secrets; a child logger (not createLogger's) still scrubs.
  const child = captured('info');
  logPlain(child.log.child({ request_id: 'req-3' }), 'info', { password: 'hunter2' }, 'x');
  assert.equal(child.lines()[0]?.password, '[REDACTED]');
});
