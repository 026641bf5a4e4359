import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthContext } from '../../src/keystone-types.js';
import { TokenValidator } from '../../src/token-validator.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Keystone as the validator sees it: a set of live tokens, and a count of questions asked. */
class FakeKeystone {
  live = new Map<string, AuthContext>();
  calls = 0;
  fail = false;
  async validateToken(token: string): Promise<AuthContext | undefined> {
    this.calls++;
    if (this.fail) throw new Error('Keystone is unreachable');
    return this.live.get(token);
  }
  issue(token: string, expiresAt: number): AuthContext {
    const ctx: AuthContext = { userId: 'u', userName: 'demo', userDomainId: 'default', projectId: 'p', roles: ['member'], isAdmin: false, expiresAt };
    this.live.set(token, ctx);
    return ctx;
  }
}

function setup(options: { cacheSeconds?: number; negativeCacheSeconds?: number; maxEntries?: number } = {}) {
  let now = T0;
  const ks = new FakeKeystone();
  const v = new TokenValidator(ks, { ...options, now: () => now });
  return { ks, v, advance: (ms: number) => (now += ms) };
}

describe('TokenValidator cache', () => {
  it('reuses a valid answer within cacheSeconds, and notices a revocation once it has passed', async () => {
    const { ks, v, advance } = setup({ cacheSeconds: 30 });
    ks.issue('tok-a', T0 + 3600_000);
    assert.equal((await v.validate('tok-a'))?.userId, 'u');
    ks.live.delete('tok-a'); // revoked in Keystone
    advance(29_000);
    assert.ok(await v.validate('tok-a'), 'still cached inside the TTL');
    assert.equal(ks.calls, 1);
    advance(2_000);
    assert.equal(await v.validate('tok-a'), undefined, 'revocation honoured after the TTL');
    assert.equal(ks.calls, 2);
  });

  it('never serves a token past its own expiry, whatever the TTL', async () => {
    const { ks, v, advance } = setup({ cacheSeconds: 300 });
    ks.issue('tok-b', T0 + 10_000);
    assert.ok(await v.validate('tok-b'));
    advance(10_001);
    ks.live.delete('tok-b');
    assert.equal(await v.validate('tok-b'), undefined);
    assert.equal(ks.calls, 2);
  });

  it('keeps invalid answers a few seconds at most (capped at 5 s)', async () => {
    const { ks, v, advance } = setup({ negativeCacheSeconds: 600 });
    assert.equal(await v.validate('bad'), undefined);
    advance(4_000);
    assert.equal(await v.validate('bad'), undefined);
    assert.equal(ks.calls, 1);
    ks.issue('bad', T0 + 3600_000);
    advance(1_500);
    assert.ok(await v.validate('bad'), 'a negative answer is gone after 5 s');
    assert.equal(ks.calls, 2);
  });

  it('does not cache Keystone failures, and shares one call among concurrent validations', async () => {
    const { ks, v } = setup();
    ks.fail = true;
    await assert.rejects(v.validate('tok-c'), /unreachable/);
    ks.fail = false;
    ks.issue('tok-c', T0 + 3600_000);
    const [a, b] = await Promise.all([v.validate('tok-c'), v.validate('tok-c')]);
    assert.ok(a && b);
    assert.equal(ks.calls, 2);
  });

  it('cacheSeconds 0 disables caching; forget() drops one entry; the cache stays bounded', async () => {
    const off = setup({ cacheSeconds: 0 });
    off.ks.issue('t', T0 + 3600_000);
    await off.v.validate('t');
    await off.v.validate('t');
    assert.equal(off.ks.calls, 2);

    const { ks, v } = setup({ maxEntries: 3 });
    for (const t of ['t1', 't2', 't3', 't4', 't5']) ks.issue(t, T0 + 3600_000);
    for (const t of ['t1', 't2', 't3', 't4', 't5']) await v.validate(t);
    assert.ok(v.size <= 3);
    const before = ks.calls;
    await v.validate('t5');
    assert.equal(ks.calls, before, 'the newest entry survived eviction');
    v.forget('t5');
    await v.validate('t5');
    assert.equal(ks.calls, before + 1);
  });

  it('fresh: asks Keystone past the cache and the in-flight call, and the answer replaces the cached one', async () => {
    const { ks, v } = setup({ cacheSeconds: 300 });
    ks.issue('tok-f', T0 + 3600_000);
    assert.ok(await v.validate('tok-f'));
    ks.live.delete('tok-f'); // revoked a second ago
    assert.ok(await v.validate('tok-f'), 'a read may still use the cache');
    assert.equal(await v.validate('tok-f', { fresh: true }), undefined, 'a change never does');
    assert.equal(ks.calls, 2);
    assert.equal(await v.validate('tok-f'), undefined, 'and reads see the revocation from then on');
    assert.equal(ks.calls, 2);

    ks.issue('tok-g', T0 + 3600_000);
    const shared = v.validate('tok-g');
    ks.live.delete('tok-g');
    assert.equal(await v.validate('tok-g', { fresh: true }), undefined, 'not served by the call already in flight');
    assert.ok(await shared);
    assert.equal(ks.calls, 4);
  });
});
