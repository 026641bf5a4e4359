// Creates that fail in transit, against a real HTTP server on 127.0.0.1 (a Keystone handing out
// a catalog and a Neutron keeping its ports in memory) that fails one POST on purpose: nothing
// is created twice, and each retry is logged with the call and the attempt.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OpenStackError, ServiceUnavailableError } from '../../src/errors.js';
import { NeutronClient } from '../../src/neutron.js';
import { KeystoneSession } from '../../src/session.js';

/** How the next port create fails: after making the port (its answer lost) or before; then it works again. */
type Fault = 'none' | 'created-then-503' | 'created-then-drop' | 'created-then-502' | 'refused-503' | 'always-503';

const ports: { id: string; name: string; network_id: string }[] = [];
let fault: Fault = 'none';
let posts = 0;
let base = '';

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};
const busy = (res: ServerResponse, status = 503) => send(res, status, { NeutronError: { type: 'ServiceUnavailable', message: 'try again', detail: '' } });

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

const server = createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url ?? '/', base);
    if (req.method === 'POST' && url.pathname === '/v3/auth/tokens') {
      await body(req);
      res.setHeader('X-Subject-Token', 'tok-fake');
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      return send(res, 201, {
        token: {
          methods: ['password'], user: { id: 'u', name: 'demo', domain: { id: 'default', name: 'Default' } },
          project: { id: 'p', name: 'demo', domain: { id: 'default', name: 'Default' } }, roles: [{ id: 'r', name: 'member' }],
          catalog: [{ type: 'network', endpoints: [{ interface: 'public', region_id: 'R1', url: base }] }],
          issued_at: new Date().toISOString(), expires_at: expires,
        },
      });
    }
    if (req.method === 'GET' && url.pathname === '/v2.0/ports') {
      const name = url.searchParams.get('name');
      return send(res, 200, { ports: ports.filter((p) => name === null || p.name === name) });
    }
    if (req.method === 'POST' && url.pathname === '/v2.0/ports') {
      posts++;
      const port = (await body(req)).port as { name: string; network_id: string };
      const now = fault;
      if (now !== 'always-503') fault = 'none';
      if (now === 'refused-503' || now === 'always-503') return busy(res);
      const made = { id: randomUUID(), name: port.name, network_id: port.network_id };
      ports.push(made);
      if (now === 'created-then-503') return busy(res);
      if (now === 'created-then-502') return busy(res, 502);
      if (now === 'created-then-drop') return req.socket.destroy();
      return send(res, 201, { port: made });
    }
    send(res, 404, { NeutronError: { type: 'HTTPNotFound', message: 'no such route', detail: '' } });
  })();
});

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function client() {
  const warned: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = { debug: () => undefined, warn: (obj: Record<string, unknown>, msg: string) => void warned.push({ obj, msg }) };
  const session = new KeystoneSession({
    authUrl: `${base}/v3`,
    credentials: { type: 'password', username: 'demo', password: 'pw', userDomainName: 'Default', scope: { projectName: 'demo', projectDomainName: 'Default' } },
    http: { retries: 2, backoffMs: 1, logger },
  });
  const neutron = new NeutronClient(session);
  const lookup = (name: string) => async () => (await neutron.listPorts({ name })).find((p) => p.name === name);
  return { neutron, lookup, warned };
}

/** Creates one port named `name` through the client under `f`; returns what the client answered and what the server holds. */
async function createUnder(f: Fault, name: string) {
  const c = client();
  fault = f;
  posts = 0;
  const port = await c.neutron.createPort({ network_id: 'net-1', name }, { lookup: c.lookup(name) });
  return { port, held: ports.filter((p) => p.name === name), posts, warned: c.warned };
}

describe('createOnce: a create with a lookup is retried without creating twice', () => {
  it('a 503 after the port was made: the lookup finds it, no second POST', async () => {
    const r = await createUnder('created-then-503', 'protector-a-1');
    assert.equal(r.held.length, 1, 'one port on the server');
    assert.equal(r.port.id, r.held[0]!.id, 'the client answers with the port the lost answer was about');
    assert.equal(r.posts, 1);
    const retry = r.warned.find((w) => w.msg === 'retrying OpenStack request');
    assert.deepEqual(retry && [retry.obj.service, retry.obj.method, retry.obj.path, retry.obj.attempt], ['neutron', 'POST', '/v2.0/ports', 1]);
  });

  it('the connection dropped after the port was made: the same, one port', async () => {
    const r = await createUnder('created-then-drop', 'protector-a-2');
    assert.equal(r.held.length, 1);
    assert.equal(r.port.id, r.held[0]!.id);
    assert.equal(r.posts, 1);
    assert.ok(r.warned.some((w) => w.msg === 'retrying OpenStack request' && w.obj.method === 'POST' && w.obj.attempt === 1), JSON.stringify(r.warned));
  });

  it('a proxy 502 after the port was made counts as transient too', async () => {
    const r = await createUnder('created-then-502', 'protector-a-3');
    assert.equal(r.held.length, 1);
    assert.equal(r.posts, 1);
  });

  it('a 503 before anything was made: nothing found, so the POST is sent again, once', async () => {
    const r = await createUnder('refused-503', 'protector-a-4');
    assert.equal(r.held.length, 1);
    assert.equal(r.port.id, r.held[0]!.id);
    assert.equal(r.posts, 2);
    assert.equal(r.warned.filter((w) => w.msg === 'retrying OpenStack request').length, 1);
  });

  it('bounded: a service that stays away fails the create after `retries` more attempts', async () => {
    const c = client();
    fault = 'always-503';
    posts = 0;
    const err = await c.neutron.createPort({ network_id: 'net-1', name: 'protector-a-5' }, { lookup: c.lookup('protector-a-5') }).catch((e: unknown) => e);
    fault = 'none';
    assert.ok(err instanceof ServiceUnavailableError, String(err));
    assert.equal(posts, 3);
    assert.deepEqual(c.warned.filter((w) => w.msg === 'retrying OpenStack request').map((w) => w.obj.attempt), [1, 2]);
  });

  it('without a lookup a failed create is not repeated (it could have been carried out)', async () => {
    const c = client();
    fault = 'created-then-503';
    posts = 0;
    const err = await c.neutron.createPort({ network_id: 'net-1', name: 'protector-a-6' }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError && err.status === 503);
    assert.equal(posts, 1);
    assert.equal(ports.filter((p) => p.name === 'protector-a-6').length, 1);
  });
});
