import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointNotFoundError, findEndpoint } from '../../src/catalog.js';
import { OpenStackError } from '../../src/errors.js';
import { HttpTransport } from '../../src/http.js';
import type { CatalogEntry } from '../../src/keystone-types.js';
import { NovaClient } from '../../src/nova.js';
import { authBody, KeystoneSession, normalizeAuthUrl, trustThrough } from '../../src/session.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

const catalog: CatalogEntry[] = [
  { type: 'compute', endpoints: [{ interface: 'public', region_id: 'R1', url: 'http://nova/v2.1/' }, { interface: 'internal', region_id: 'R1', url: 'http://nova-int/v2.1' }] },
  { type: 'volumev3', endpoints: [{ interface: 'public', region_id: 'R1', url: 'http://old-cinder/v3/p' }] },
  { type: 'block-storage', endpoints: [{ interface: 'public', region_id: 'R2', url: 'http://cinder-r2/v3/p' }, { interface: 'public', region_id: 'R1', url: 'http://cinder/v3/p' }] },
];

/** A Keystone issuing 100-second tokens plus a Nova that refuses tokens listed in `revoked`. */
function fakeCloud(now: () => number) {
  let issued = 0;
  const revoked = new Set<string>();
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = (init?.headers ?? {}) as Record<string, string>;
    seen.push({ url, headers });
    if (url.endsWith('/v3/auth/tokens') && init?.method === 'POST') {
      issued++;
      const t = now();
      const body = {
        token: {
          methods: ['password'],
          user: { id: 'svc', name: 'protector', domain: { id: 'default', name: 'Default' } },
          project: { id: 'p', name: 'service', domain: { id: 'default', name: 'Default' } },
          roles: [{ id: 'r', name: 'admin' }],
          catalog,
          issued_at: new Date(t).toISOString(),
          expires_at: new Date(t + 100_000).toISOString(),
        },
      };
      return new Response(JSON.stringify(body), { status: 201, headers: { 'X-Subject-Token': `token-${issued}-abcdefgh`, 'Content-Type': 'application/json' } });
    }
    if (revoked.has(headers['X-Auth-Token'] ?? '')) {
      return new Response(JSON.stringify({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }), { status: 401 });
    }
    return new Response(JSON.stringify({ server: { id: 's1', status: 'ACTIVE' } }), { status: 200 });
  }) as typeof fetch;
  return { fn, seen, revoked, issuedCount: () => issued };
}

describe('catalog lookup', () => {
  it('prefers block-storage over volumev3, honours interface and region, trims the slash', () => {
    assert.equal(findEndpoint(catalog, ['block-storage', 'volumev3'], 'public', 'R1'), 'http://cinder/v3/p');
    assert.equal(findEndpoint(catalog, ['volumev3'], 'public', 'R1'), 'http://old-cinder/v3/p');
    assert.equal(findEndpoint(catalog, ['compute'], 'public', 'R1'), 'http://nova/v2.1');
    assert.equal(findEndpoint(catalog, ['compute'], 'internal'), 'http://nova-int/v2.1');
    assert.throws(() => findEndpoint(catalog, ['compute'], 'admin', 'R1'), EndpointNotFoundError);
    assert.throws(() => findEndpoint(catalog, ['image'], 'public'), /no public endpoint for service type image/);
  });
});

describe('auth request bodies', () => {
  it('password with a project scope, trust scope, application credential by id and by name', () => {
    assert.deepEqual(authBody({ type: 'password', username: 'u', password: 'pw', userDomainName: 'Default', scope: { projectName: 'demo', projectDomainId: 'default' } }), {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'u', domain: { name: 'Default' }, password: 'pw' } } },
        scope: { project: { name: 'demo', domain: { id: 'default' } } },
      },
    });
    assert.deepEqual(authBody({ type: 'password', userId: 'uid', password: 'pw', scope: { trustId: 't1' } }).auth, {
      identity: { methods: ['password'], password: { user: { id: 'uid', password: 'pw' } } },
      scope: { 'OS-TRUST:trust': { id: 't1' } },
    });
    assert.deepEqual(authBody({ type: 'application_credential', id: 'ac', secret: 's' }).auth, {
      identity: { methods: ['application_credential'], application_credential: { id: 'ac', secret: 's' } },
    });
    assert.deepEqual(authBody({ type: 'application_credential', name: 'n', secret: 's', user: { username: 'u', userDomainId: 'default' } }).auth, {
      identity: { methods: ['application_credential'], application_credential: { name: 'n', user: { name: 'u', domain: { id: 'default' } }, secret: 's' } },
    });
    assert.equal(normalizeAuthUrl('http://k:5000/'), 'http://k:5000/v3');
    assert.equal(normalizeAuthUrl('http://k:5000/v3/'), 'http://k:5000/v3');
  });
});

describe('KeystoneSession', () => {
  it('re-issues the token at 80% of its lifetime, not before', async () => {
    let now = T0;
    const cloud = fakeCloud(() => now);
    const session = new KeystoneSession({ authUrl: 'http://ks/v3', credentials: { type: 'password', username: 'protector', password: 'pw' }, now: () => now, http: new HttpTransport({ fetch: cloud.fn }) });
    const first = await session.token();
    now += 79_000;
    assert.equal(await session.token(), first);
    now += 2_000;
    const second = await session.token();
    assert.notEqual(second, first);
    assert.equal(cloud.issuedCount(), 2);
  });

  it('one authentication for concurrent callers', async () => {
    const cloud = fakeCloud(() => T0);
    const session = new KeystoneSession({ authUrl: 'http://ks', credentials: { type: 'password', username: 'p', password: 'pw' }, now: () => T0, http: new HttpTransport({ fetch: cloud.fn }) });
    await Promise.all([session.token(), session.token(), session.endpoint('compute')]);
    assert.equal(cloud.issuedCount(), 1);
  });

  it('on a 401 re-authenticates once and retries; a second 401 is the caller’s error', async () => {
    const cloud = fakeCloud(() => T0);
    const session = new KeystoneSession({ authUrl: 'http://ks', credentials: { type: 'password', username: 'p', password: 'pw' }, now: () => T0, http: new HttpTransport({ fetch: cloud.fn }) });
    const nova = new NovaClient(session);
    cloud.revoked.add(await session.token());
    assert.equal((await nova.getServer('s1')).id, 's1');
    assert.equal(cloud.issuedCount(), 2);

    cloud.revoked.add(await session.token());
    const orig = cloud.fn;
    // From now on every new token is refused too.
    const stubborn = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await orig(input, init);
      const t = res.headers.get('x-subject-token');
      if (t) cloud.revoked.add(t);
      return res;
    }) as typeof fetch;
    const session2 = new KeystoneSession({ authUrl: 'http://ks', credentials: { type: 'password', username: 'p', password: 'pw' }, now: () => T0, http: new HttpTransport({ fetch: stubborn }) });
    const err = await new NovaClient(session2).getServer('s1').catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.equal(err.status, 401);
  });

  it('a trust session authenticates with the trustee’s token; a refused token is renewed once', async () => {
    const cloud = fakeCloud(() => T0);
    const bodies: { identity: { methods: string[]; token?: { id: string } }; scope?: unknown }[] = [];
    const keystone = (async (input: string | URL | Request, init?: RequestInit) => {
      if (String(input).endsWith('/v3/auth/tokens') && init?.method === 'POST') {
        const { auth } = JSON.parse(String(init.body)) as { auth: (typeof bodies)[number] };
        bodies.push(auth);
        if (auth.identity.token && cloud.revoked.has(auth.identity.token.id)) return new Response(JSON.stringify({ error: { code: 404, title: 'Not Found', message: 'Failed to validate token' } }), { status: 404 });
      }
      return cloud.fn(input, init);
    }) as typeof fetch;
    const http = new HttpTransport({ fetch: keystone });
    const trustee = new KeystoneSession({ authUrl: 'http://ks', credentials: { type: 'password', username: 'p', password: 'pw' }, now: () => T0, http });
    const first = await trustee.token();
    const trusts = ['t1', 't2'].map((id) => new KeystoneSession({ authUrl: 'http://ks', credentials: trustThrough(trustee, id), now: () => T0, http }));
    await Promise.all(trusts.map((t) => t.token()));
    assert.equal(bodies.filter((b) => b.identity.methods.includes('password')).length, 1, 'the password is sent once for the trustee and both trusts');
    assert.deepEqual(bodies.slice(1).map((b) => [b.identity.token?.id, b.scope]), [[first, { 'OS-TRUST:trust': { id: 't1' } }], [first, { 'OS-TRUST:trust': { id: 't2' } }]]);

    cloud.revoked.add(first);
    trusts[0]!.invalidate();
    await trusts[0]!.token();
    const renewed = await trustee.token();
    assert.notEqual(renewed, first, 'the refused trustee token was replaced');
    assert.deepEqual(bodies.slice(3).map((b) => b.identity.token?.id ?? 'password'), [first, 'password', renewed]);
  });

  it('clients send microversion headers and, when bound, the caller’s global request id', async () => {
    const cloud = fakeCloud(() => T0);
    const session = new KeystoneSession({ authUrl: 'http://ks', region: 'R1', credentials: { type: 'password', username: 'p', password: 'pw' }, now: () => T0, http: new HttpTransport({ fetch: cloud.fn }) });
    const nova = new NovaClient(session);
    await nova.withRequestId('req-00000000-0000-0000-0000-000000000001').getServer('s1');
    await nova.getServer('s1');
    const novaCalls = cloud.seen.filter((c) => c.url.startsWith('http://nova/'));
    assert.equal(novaCalls[0]!.url, 'http://nova/v2.1/servers/s1');
    assert.equal(novaCalls[0]!.headers['OpenStack-API-Version'], 'compute 2.79');
    assert.equal(novaCalls[0]!.headers['X-OpenStack-Nova-API-Version'], '2.79');
    assert.equal(novaCalls[0]!.headers['X-OpenStack-Request-ID'], 'req-00000000-0000-0000-0000-000000000001');
    assert.equal(novaCalls[1]!.headers['X-OpenStack-Request-ID'], undefined, 'the original client is not rebound');
  });
});
