import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, Site } from '../../../cloudsim/src/index.js';
import { OpenStackError } from '../../src/errors.js';
import { KeystoneClient } from '../../src/keystone.js';
import { KeystoneSession } from '../../src/session.js';
import { createSiteClients } from '../../src/site-clients.js';
import { TokenValidator } from '../../src/token-validator.js';

// The site's clock is manual, so token expiry and validation caching are tested without sleeping.
const clock = new ManualClock(Date.now());
let site: Site;
let authUrl: string;
let demo: { userId: string; projectId: string };
let serviceUserId: string;

const password = (username: string, pw: string, project: string) =>
  ({ type: 'password', username, password: pw, userDomainId: 'default', scope: { projectName: project, projectDomainId: 'default' } }) as const;

before(async () => {
  site = await Site.start({ name: 'site-a', basePort: 0, bootTimeMs: 0, clock, tokenTtlSeconds: 3600 });
  authUrl = `${site.url('keystone')}/v3`;
  const ks = site.keystone;
  const project = ks.ensureProject('demo', 'default');
  const user = ks.createUser({ name: 'demo', password: 'demo-pw', default_project_id: project.id });
  ks.ensureAssignment(user.id, ks.ensureRole('member').id, { project_id: project.id });
  demo = { userId: user.id, projectId: project.id };
  const svc = ks.createUser({ name: 'protector', password: 'svc-pw' });
  ks.ensureAssignment(svc.id, ks.ensureRole('admin').id, { project_id: ks.ensureProject('service', 'default').id });
  serviceUserId = svc.id;
});
after(() => site.stop());

const sessionFor = (credentials: ConstructorParameters<typeof KeystoneSession>[0]['credentials']) =>
  new KeystoneSession({ authUrl, credentials, region: 'RegionOne', now: () => clock.now() });

describe('Keystone sessions against cloudsim', () => {
  it('password auth: project-scoped token and the catalog’s endpoints (Cinder by block-storage or volumev3)', async () => {
    const session = sessionFor(password('demo', 'demo-pw', 'demo'));
    const info = await session.auth();
    assert.equal(info.userId, demo.userId);
    assert.equal(info.projectId, demo.projectId);
    assert.deepEqual([...info.roles].sort(), ['member', 'reader']);
    assert.equal(await session.endpoint('compute'), `${site.url('nova')}/v2.1`);
    assert.equal(await session.endpoint(['block-storage', 'volumev3']), `${site.url('cinder')}/v3/${demo.projectId}`);
    assert.equal(await session.endpoint('volumev3'), `${site.url('cinder')}/v3/${demo.projectId}`);
    assert.equal(await session.endpoint('network', 'internal'), site.url('neutron'));
  });

  it('wrong password: a 401 naming Keystone, without the password', async () => {
    const err = await sessionFor(password('demo', 'not-the-password', 'demo'))
      .token()
      .catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.equal(err.status, 401);
    assert.match(err.message, /^Keystone POST \/v3\/auth\/tokens failed with 401/);
    assert.ok(!err.message.includes('not-the-password'));
  });

  it('application credential auth (by id, and by name with the user)', async () => {
    const userToken = await sessionFor(password('demo', 'demo-pw', 'demo')).token();
    const res = await fetch(`${authUrl}/users/${demo.userId}/application_credentials`, {
      method: 'POST',
      headers: { 'X-Auth-Token': userToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ application_credential: { name: 'protector-ac', secret: 'ac-secret-123' } }),
    });
    assert.equal(res.status, 201);
    const ac = ((await res.json()) as { application_credential: { id: string } }).application_credential;
    const byId = await sessionFor({ type: 'application_credential', id: ac.id, secret: 'ac-secret-123' }).auth();
    assert.equal(byId.userId, demo.userId);
    assert.equal(byId.projectId, demo.projectId);
    const byName = await sessionFor({ type: 'application_credential', name: 'protector-ac', secret: 'ac-secret-123', user: { username: 'demo', userDomainName: 'Default' } }).auth();
    assert.equal(byName.projectId, demo.projectId);
  });

  it('token auth re-scopes an existing token', async () => {
    const unscopedUser = await sessionFor({ type: 'password', username: 'demo', password: 'demo-pw', userDomainId: 'default', scope: 'unscoped' }).auth();
    assert.equal(unscopedUser.projectId, undefined);
    const scoped = await sessionFor({ type: 'token', token: unscopedUser.token, scope: { projectId: demo.projectId } }).auth();
    assert.equal(scoped.projectId, demo.projectId);
  });
});

describe('trusts: the member delegates to the service user, which acts through the trust', () => {
  it('create, use (impersonating the trustor), delete', async () => {
    const user = createSiteClients({ authUrl, region: 'RegionOne', credentials: password('demo', 'demo-pw', 'demo'), now: () => clock.now() });
    const svc = createSiteClients({ authUrl, region: 'RegionOne', credentials: password('protector', 'svc-pw', 'service'), now: () => clock.now() });
    assert.equal(await svc.keystone.currentUserId(), serviceUserId);
    assert.equal((await svc.keystone.findUser('protector'))?.id, serviceUserId);

    const trust = await user.keystone.createTrust({ trustorUserId: demo.userId, trusteeUserId: serviceUserId, projectId: demo.projectId, roles: ['member'], impersonation: true });
    assert.equal(trust.trustor_user_id, demo.userId);
    assert.equal(trust.impersonation, true);
    assert.deepEqual(trust.roles.map((r) => r.name), ['member']);

    const delegated = createSiteClients({
      authUrl,
      region: 'RegionOne',
      credentials: { type: 'password', username: 'protector', password: 'svc-pw', userDomainId: 'default', scope: { trustId: trust.id } },
      now: () => clock.now(),
    });
    const info = await delegated.session.auth();
    assert.equal(info.userId, demo.userId, 'impersonation: the token speaks for the trustor');
    assert.equal(info.projectId, demo.projectId);
    assert.equal(info.trustId, trust.id);
    // Acting through the trust: the trustor's project's resources are visible.
    const vol = await delegated.cinder.createVolume({ size: 1, name: 'via-trust' });
    assert.equal((await user.cinder.getVolume(vol.id)).name, 'via-trust');
    const ctx = await svc.keystone.validateToken(info.token);
    assert.equal(ctx?.trustId, trust.id);
    assert.equal(ctx?.userId, demo.userId);

    await user.keystone.deleteTrust(trust.id);
    const err = await sessionFor({ type: 'password', username: 'protector', password: 'svc-pw', userDomainId: 'default', scope: { trustId: trust.id } })
      .token()
      .catch((e: unknown) => e);
    assert.ok(err instanceof OpenStackError);
    assert.equal(err.status, 404);
    assert.match(err.message, /Could not find trust/);
    assert.equal(await svc.keystone.validateToken(info.token), undefined, 'tokens of a deleted trust stop validating');
  });
});

describe('token validation with the service’s own token', () => {
  it('valid → AuthContext; revoked → invalid; the cache honours revocation within its TTL', async () => {
    const service = new KeystoneClient(sessionFor(password('protector', 'svc-pw', 'service')));
    const validator = new TokenValidator(service, { cacheSeconds: 30, now: () => clock.now() });
    const userSession = sessionFor(password('demo', 'demo-pw', 'demo'));
    const userToken = await userSession.token();

    assert.equal(validator.cached(userToken), undefined, 'nothing cached before the first validation');
    const ctx = await validator.validate(userToken);
    assert.ok(ctx);
    assert.equal(validator.cached(userToken)?.ctx, ctx, 'cached() answers what validate() remembered');
    assert.equal(ctx.userId, demo.userId);
    assert.equal(ctx.userName, 'demo');
    assert.equal(ctx.projectId, demo.projectId);
    assert.equal(ctx.projectName, 'demo');
    assert.equal(ctx.isAdmin, false);
    assert.ok(ctx.roles.includes('member'));
    assert.ok(Math.abs(ctx.expiresAt - (clock.now() + 3600_000)) < 2000);

    await new KeystoneClient(userSession).revokeToken(userToken);
    assert.equal(await service.validateToken(userToken), undefined, 'uncached: invalid at once');
    assert.ok(await validator.validate(userToken), 'cached: still valid inside the 30 s TTL');
    clock.advance(31_000);
    assert.equal(validator.cached(userToken), undefined, 'cached() has no answer once the TTL passed: only Keystone can say');
    assert.equal(await validator.validate(userToken), undefined, 'revocation honoured once the TTL passed');
    assert.deepEqual(validator.cached(userToken), { ctx: undefined }, 'the invalid answer is cached (briefly)');
    assert.equal(await validator.validate('no-such-token-0000'), undefined);
  });

  it('a cached answer ends at the token’s expiry even with a longer TTL', async () => {
    const service = new KeystoneClient(sessionFor(password('protector', 'svc-pw', 'service')));
    const validator = new TokenValidator(service, { cacheSeconds: 7200, now: () => clock.now() });
    const token = await sessionFor(password('demo', 'demo-pw', 'demo')).token();
    assert.ok(await validator.validate(token));
    clock.advance(3601_000);
    assert.equal(validator.cached(token), undefined, 'cached() does not outlive the token either');
    // The service session renews its own expired token by itself before asking.
    assert.equal(await validator.validate(token), undefined);
  });

  it('the service session re-issues its token at 80% of its lifetime', async () => {
    const session = sessionFor(password('protector', 'svc-pw', 'service'));
    const first = await session.token();
    clock.advance(2800_000);
    assert.equal(await session.token(), first);
    clock.advance(100_000);
    assert.notEqual(await session.token(), first);
  });
});
