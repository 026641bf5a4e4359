// Which registered site is this service's peer when more than two are registered (issue [7]:
// a third registration broke the storage driver of every existing PG).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localPair, type Site } from '../../src/db/sites.js';

const site = (name: string, o: { local?: boolean; paired?: boolean } = {}): Site => ({
  id: `id-${name}`,
  name,
  description: '',
  is_local: o.local ?? false,
  auth_url: 'http://keystone/v3',
  region_name: 'RegionOne',
  credentials: { username: 'protector', password: 'x', user_domain_name: 'Default', project_name: 'service', project_domain_name: 'Default' },
  array: { name: `${name}-array`, url: null, api_token: null },
  pairing: o.paired ? { current: 'secret', previous: null, set_at: 1 } : null,
  created_at: 1,
  updated_at: 1,
});

test('the paired site is the peer, whatever else is registered and however names sort', () => {
  assert.equal(localPair([site('aaa-third'), site('site-a', { local: true }), site('site-b', { paired: true })])?.peer.name, 'site-b');
  assert.equal(localPair([site('site-b', { paired: true }), site('site-a', { local: true }), site('zzz')])?.peer.name, 'site-b');
});

test('before pairing, the only other site is the peer; with several and none paired there is none', () => {
  assert.equal(localPair([site('site-a', { local: true }), site('site-b')])?.peer.name, 'site-b');
  assert.equal(localPair([site('site-a', { local: true }), site('site-b'), site('site-c')]), undefined);
  assert.equal(localPair([site('site-b', { paired: true })]), undefined, 'no local site');
});
