// The site pair from a clouds.yaml: two clouds' Keystones (and Protector endpoint overrides),
// never their credentials; what is wrong is said with the file and the cloud.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSitePair, SitePairError } from '../../src/server/index.js';

const file = (text: string): string => {
  const p = join(mkdtempSync(join(tmpdir(), 'dash-pair-')), 'clouds.yaml');
  writeFileSync(p, text);
  return p;
};

const CLOUDS = `clouds:
  site-a-demo:
    auth: {auth_url: 'http://a:5000/v3', username: alice, password: secret}
    region_name: RegionOne
  site-b-demo:
    auth: {auth_url: 'http://b:5000/v3'}
    interface: internal
    protector_endpoint_override: http://b:8788
  site-c: {auth: {auth_url: 'http://c:5000/v3'}}
`;

test('the first two clouds, or the two named; credentials are not read', () => {
  const f = file(CLOUDS);
  assert.deepEqual(loadSitePair(f), [
    { name: 'site-a-demo', authUrl: 'http://a:5000/v3', region: 'RegionOne', interface: undefined, endpoint: undefined },
    { name: 'site-b-demo', authUrl: 'http://b:5000/v3', region: undefined, interface: 'internal', endpoint: 'http://b:8788' },
  ]);
  assert.deepEqual(loadSitePair(f, ['site-c', 'site-a-demo']).map((s) => s.name), ['site-c', 'site-a-demo']);
  assert.ok(!JSON.stringify(loadSitePair(f)).includes('secret'));
});

test('what cannot be used is refused, naming the file and the cloud', () => {
  const f = file(CLOUDS);
  assert.throws(() => loadSitePair(f, ['site-a-demo', 'nope']), (e: unknown) => e instanceof SitePairError && /has no cloud 'nope' \(it has site-a-demo, site-b-demo, site-c\)/.test(e.message));
  assert.throws(() => loadSitePair(f, ['site-c']), /needs exactly two sites/);
  assert.throws(() => loadSitePair(f, ['site-c', 'site-c']), /must differ/);
  assert.throws(() => loadSitePair(file('clouds:\n  x: {auth: {}}\n  y: {auth: {auth_url: u}}\n')), /cloud 'x' in .* has no auth.auth_url/);
  assert.throws(() => loadSitePair('/nonexistent/clouds.yaml'), /cannot read the site pair from \/nonexistent\/clouds.yaml/);
});
