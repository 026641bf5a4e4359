import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenStackError, ServiceUnavailableError, parseErrorBody } from '../../src/errors.js';
import { HttpTransport, type HttpLogger } from '../../src/http.js';

/** A fetch stand-in that answers from a script and records what it was asked. */
function fakeFetch(answer: (url: string, init: RequestInit, call: number) => Promise<Response> | Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init: init ?? {} });
    return answer(url, init ?? {}, calls.length);
  }) as typeof fetch;
  return { fn, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const refused = () => {
  const err = new TypeError('fetch failed');
  (err as { cause?: unknown }).cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  return err;
};

const noSleep = async () => {};

describe('parseErrorBody: each service’s own error shape', () => {
  it('Keystone {"error": {code, title, message}}', () => {
    const r = parseErrorBody(JSON.stringify({ error: { code: 404, title: 'Not Found', message: 'Could not find trust: abc.' } }), 'application/json', 404, 'Not Found');
    assert.deepEqual(r, { code: 'Not Found', message: 'Could not find trust: abc.' });
  });
  it('Nova/Cinder {"itemNotFound": {code, message}}', () => {
    const r = parseErrorBody(JSON.stringify({ itemNotFound: { code: 404, message: 'Instance x could not be found.' } }), 'application/json', 404, 'Not Found');
    assert.deepEqual(r, { code: 'itemNotFound', message: 'Instance x could not be found.' });
  });
  it('Neutron {"NeutronError": {type, message, detail}}', () => {
    const r = parseErrorBody(JSON.stringify({ NeutronError: { type: 'PortNotFound', message: 'Port p could not be found.', detail: '' } }), 'application/json', 404, 'Not Found');
    assert.deepEqual(r, { code: 'PortNotFound', message: 'Port p could not be found.' });
  });
  it('Glance webob HTML page: the explanation without tags or heading', () => {
    const html = '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID abc<br /><br />\n\n </body>\n</html>';
    assert.deepEqual(parseErrorBody(html, 'text/html; charset=UTF-8', 404, 'Not Found'), { message: 'No image found with ID abc' });
  });
  it('plain text status page and empty bodies', () => {
    assert.equal(parseErrorBody('404 Not Found\n\nThe resource could not be found.\n\n   ', 'text/plain', 404, 'Not Found').message, 'The resource could not be found.');
    assert.equal(parseErrorBody('', null, 502, 'Bad Gateway').message, 'Bad Gateway');
  });
});

describe('HttpTransport', () => {
  it('raises one OpenStackError whose single-line message names site, service, method, path and the service message', async () => {
    const f = fakeFetch(() => json(409, { conflictingRequest: { code: 409, message: "Cannot 'os-start' instance x while it is in vm_state active" } }, { 'x-openstack-request-id': 'req-1' }));
    const http = new HttpTransport({ fetch: f.fn, site: 'site-a' });
    const err = await http.send({ service: 'nova', method: 'POST', url: 'http://nova/v2.1/servers/x/action', query: { a: 1 }, body: {} }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.equal(err.status, 409);
    assert.equal(err.code, 'conflictingRequest');
    assert.equal(err.requestId, 'req-1');
    assert.equal(err.message, "site-a Nova POST /v2.1/servers/x/action failed with 409 conflictingRequest: Cannot 'os-start' instance x while it is in vm_state active [request req-1]");
    assert.ok(!err.message.includes('\n'));
  });

  it('sends the token, the global request id and JSON; statuses in `accept` are answers', async () => {
    const f = fakeFetch(() => json(404, { error: { code: 404, title: 'Not Found', message: 'x' } }));
    const http = new HttpTransport({ fetch: f.fn });
    const res = await http.send({ service: 'keystone', method: 'GET', url: 'http://ks/v3/auth/tokens', token: 'tok-123456789', requestId: 'req-global', accept: [404] });
    assert.equal(res.status, 404);
    const headers = f.calls[0]!.init.headers as Record<string, string>;
    assert.equal(headers['X-Auth-Token'], 'tok-123456789');
    assert.equal(headers['X-OpenStack-Request-ID'], 'req-global');
    assert.equal(headers.Accept, 'application/json');
  });

  it('retries GET on 503 and on refused connections, with growing backoff, then gives up', async () => {
    const delays: number[] = [];
    let n = 0;
    const f = fakeFetch(() => {
      n++;
      if (n === 1) throw refused();
      if (n === 2) return json(503, { serviceUnavailable: { code: 503, message: 'busy' } });
      return json(200, { ok: true });
    });
    const warned: Record<string, unknown>[] = [];
    const logger = { debug: () => undefined, warn: (o: Record<string, unknown>) => void warned.push(o) };
    const http = new HttpTransport({ fetch: f.fn, retries: 2, backoffMs: 10, sleep: async (ms) => void delays.push(ms), logger });
    const res = await http.send<{ ok: boolean }>({ service: 'nova', method: 'GET', url: 'http://nova/v2.1/servers' });
    assert.deepEqual(res.body, { ok: true });
    assert.equal(f.calls.length, 3);
    assert.deepEqual(delays, [10, 20]);
    // Each retry is logged with the call and the attempt (the engine passes its logger).
    assert.deepEqual(warned.map((w) => [w.service, w.method, w.path, w.attempt]), [['nova', 'GET', '/v2.1/servers', 1], ['nova', 'GET', '/v2.1/servers', 2]]);

    const down = fakeFetch(() => {
      throw refused();
    });
    const http2 = new HttpTransport({ fetch: down.fn, retries: 2, sleep: noSleep, site: 'site-a' });
    const err = await http2.send({ service: 'nova', method: 'GET', url: 'http://nova/v2.1/servers' }).catch((e: unknown) => e);
    assert.ok(err instanceof ServiceUnavailableError);
    assert.equal(err.status, 0);
    assert.equal(down.calls.length, 3);
    assert.match(err.message, /^site-a Nova is unreachable \(GET \/v2\.1\/servers: connection refused\)/);
  });

  it('retries GET through a proxy’s 502 and 504 (the service behind it restarting)', async () => {
    for (const status of [502, 504]) {
      let n = 0;
      const f = fakeFetch(() => (++n === 1 ? new Response('<html>Bad Gateway</html>', { status, headers: { 'Content-Type': 'text/html' } }) : json(200, { ok: true })));
      const res = await new HttpTransport({ fetch: f.fn, sleep: noSleep }).send<{ ok: boolean }>({ service: 'neutron', method: 'GET', url: 'http://q/v2.0/ports' });
      assert.deepEqual(res.body, { ok: true }, String(status));
      assert.equal(f.calls.length, 2, String(status));
    }
  });

  it('never retries non-idempotent calls, nor errors other than 503/502/504 / connection failures', async () => {
    const post = fakeFetch(() => json(503, { serviceUnavailable: { code: 503, message: 'busy' } }));
    const http = new HttpTransport({ fetch: post.fn, sleep: noSleep });
    const err = await http.send({ service: 'cinder', method: 'POST', url: 'http://c/v3/p/volumes', body: {} }).catch((e: unknown) => e);
    assert.ok(err instanceof ServiceUnavailableError);
    assert.equal(err.status, 503);
    assert.equal(post.calls.length, 1);

    const refusedPost = fakeFetch(() => {
      throw refused();
    });
    await assert.rejects(new HttpTransport({ fetch: refusedPost.fn, sleep: noSleep }).send({ service: 'cinder', method: 'DELETE', url: 'http://c/x' }), ServiceUnavailableError);
    assert.equal(refusedPost.calls.length, 1);

    const e500 = fakeFetch(() => json(500, { computeFault: { code: 500, message: 'boom' } }));
    const err500 = await new HttpTransport({ fetch: e500.fn, sleep: noSleep }).send({ service: 'nova', method: 'GET', url: 'http://n/x' }).catch((e: unknown) => e);
    assert.ok(err500 instanceof OpenStackError && !(err500 instanceof ServiceUnavailableError));
    assert.equal(e500.calls.length, 1);
  });

  it('times out a request that gets no answer (status 0, not retried)', async () => {
    const f = fakeFetch(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const http = new HttpTransport({ fetch: f.fn, timeoutMs: 30, sleep: noSleep });
    const started = Date.now();
    const err = await http.send({ service: 'glance', method: 'GET', url: 'http://g/v2/images' }).catch((e: unknown) => e);
    assert.ok(err instanceof ServiceUnavailableError);
    assert.equal(err.status, 0);
    assert.equal(err.code, 'Timeout');
    assert.match(err.message, /Glance is unreachable \(GET \/v2\/images: no answer within 30 ms\)/);
    assert.equal(f.calls.length, 1);
    assert.ok(Date.now() - started < 1000);
  });

  it('never leaks tokens or secrets into messages or logs', async () => {
    const token = 'gAAAAABlSecretFernetTokenValue_1234567890abcdef';
    const subject = 'user-token-0123456789abcdef';
    const logged: string[] = [];
    const logger: HttpLogger = { debug: (o, m) => void logged.push(JSON.stringify(o) + m), warn: (o, m) => void logged.push(JSON.stringify(o) + m) };
    const f = fakeFetch(() => json(404, { error: { code: 404, title: 'Not Found', message: `Could not find token: ${subject} (caller ${token}), password hunter2-secret` } }));
    const http = new HttpTransport({ fetch: f.fn, logger });
    const err = await http
      .send({ service: 'keystone', method: 'GET', url: 'http://ks/v3/auth/tokens', token, subjectToken: subject, secrets: ['hunter2-secret'] })
      .catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    for (const s of [token, subject, 'hunter2-secret']) {
      assert.ok(!err.message.includes(s), `message leaks ${s}: ${err.message}`);
      assert.ok(!logged.join('\n').includes(s), 'log leaks a secret');
    }
    assert.match(err.message, /Could not find token: \*\*\*/);
    assert.ok(logged.length > 0);
  });
});
