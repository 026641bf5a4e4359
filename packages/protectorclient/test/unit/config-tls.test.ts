import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { HttpTransport, ServiceUnavailableError } from '@protector/openstack';
import { loadCloud, type RawCloud } from '../../src/config/index.js';

/**
 * clouds.yaml `cacert` and `verify: false` reach the wire: an HTTPS server on 127.0.0.1 with a
 * self-signed certificate made by openssl for this run.
 */
const dir = mkdtempSync(join(tmpdir(), 'protector-tls-'));
let server: Server;
let url = '';

function selfSigned(name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {
    stdio: 'ignore',
  });
  return { key, cert };
}

let good: { key: string; cert: string };
let other: { key: string; cert: string };

before(async () => {
  good = selfSigned('server');
  other = selfSigned('other');
  server = createServer({ key: readFileSync(good.key), cert: readFileSync(good.cert) }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
    res.end(JSON.stringify({ version: { id: 'v3.14' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function cloudWith(extra: RawCloud) {
  const cwd = mkdtempSync(join(dir, 'cwd-'));
  writeFileSync(join(cwd, 'clouds.yaml'), stringify({ clouds: { tls: { auth: { auth_url: url, username: 'u', password: 'p' }, ...extra } } }));
  return loadCloud('tls', { env: {}, cwd, home: cwd, systemDir: join(cwd, 'etc') });
}

const get = (cloud: ReturnType<typeof cloudWith>) =>
  new HttpTransport(cloud.httpOptions({ retries: 0, timeoutMs: 5000 })).send<{ version: { id: string } }>({ service: 'keystone', method: 'GET', url: `${url}/v3` });

describe('TLS from clouds.yaml through HttpTransport', () => {
  it('a self-signed server is refused with the default trust store', async () => {
    await assert.rejects(get(cloudWith({})), (e: Error) => e instanceof ServiceUnavailableError && /SELF_SIGNED|self-signed|certificate/i.test(e.message));
  });

  it('cacert naming the server’s certificate is trusted', async () => {
    const res = await get(cloudWith({ cacert: good.cert }));
    assert.equal(res.body.version.id, 'v3.14');
  });

  it('cacert naming another CA is refused', async () => {
    await assert.rejects(get(cloudWith({ cacert: other.cert })), ServiceUnavailableError);
  });

  it('verify: false accepts the certificate', async () => {
    const res = await get(cloudWith({ verify: false, cacert: other.cert }));
    assert.equal(res.status, 200);
  });
});
