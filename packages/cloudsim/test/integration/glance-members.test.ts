import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();

interface Image {
  id: string;
  name: string;
  status: string;
}

test('sharing: pending members see the image directly, listings show it once accepted', async () => {
  const owner = await ts.tenant('owner');
  const friend = await ts.tenant('friend');
  const stranger = await ts.tenant('stranger');
  const img = (await ts.call<Image>('glance', 'POST', '/v2/images', { token: owner.token, body: { name: 'to-share', visibility: 'shared' } })).body;
  assert.equal((await ts.call('glance', 'GET', `/v2/images/${img.id}`, { token: friend.token })).status, 404);
  const added = await ts.call<{ member_id: string; status: string }>('glance', 'POST', `/v2/images/${img.id}/members`, { token: owner.token, body: { member: friend.projectId } });
  assert.equal(added.status, 200);
  assert.equal(added.body.status, 'pending');
  assert.equal((await ts.call('glance', 'POST', `/v2/images/${img.id}/members`, { token: owner.token, body: { member: friend.projectId } })).status, 409);
  assert.equal((await ts.call('glance', 'GET', `/v2/images/${img.id}`, { token: friend.token })).status, 200);
  assert.equal((await ts.call('glance', 'GET', `/v2/images/${img.id}`, { token: stranger.token })).status, 404);
  const before = await ts.call<{ images: Image[] }>('glance', 'GET', '/v2/images', { token: friend.token });
  assert.ok(!before.body.images.some((i) => i.id === img.id));
  const pending = await ts.call<{ images: Image[] }>('glance', 'GET', '/v2/images?member_status=pending&visibility=shared', { token: friend.token });
  assert.deepEqual(pending.body.images.map((i) => i.id), [img.id]);
  assert.equal((await ts.call('glance', 'PUT', `/v2/images/${img.id}/members/${friend.projectId}`, { token: owner.token, body: { status: 'accepted' } })).status, 403);
  const accepted = await ts.call<{ status: string }>('glance', 'PUT', `/v2/images/${img.id}/members/${friend.projectId}`, { token: friend.token, body: { status: 'accepted' } });
  assert.equal(accepted.body.status, 'accepted');
  const after = await ts.call<{ images: Image[] }>('glance', 'GET', '/v2/images', { token: friend.token });
  assert.ok(after.body.images.some((i) => i.id === img.id));
  assert.ok(ts.site.glance.visibleImage(img.id, friend.projectId, false));
  const badStatus = await ts.call('glance', 'PUT', `/v2/images/${img.id}/members/${friend.projectId}`, { token: friend.token, body: { status: 'maybe' } });
  assert.equal(badStatus.status, 400);
  assert.match(badStatus.text, /status/);
  const members = await ts.call<{ members: { member_id: string }[] }>('glance', 'GET', `/v2/images/${img.id}/members`, { token: owner.token });
  assert.deepEqual(members.body.members.map((m) => m.member_id), [friend.projectId]);
  assert.equal((await ts.call('glance', 'DELETE', `/v2/images/${img.id}/members/${friend.projectId}`, { token: friend.token })).status, 403);
  assert.equal((await ts.call('glance', 'DELETE', `/v2/images/${img.id}/members/${friend.projectId}`, { token: owner.token })).status, 204);
  assert.equal((await ts.call('glance', 'GET', `/v2/images/${img.id}`, { token: friend.token })).status, 404);
  const priv = (await ts.call<Image>('glance', 'POST', '/v2/images', { token: owner.token, body: { name: 'p', visibility: 'private' } })).body;
  assert.equal((await ts.call('glance', 'POST', `/v2/images/${priv.id}/members`, { token: owner.token, body: { member: friend.projectId } })).status, 403);
});

test('deactivate and reactivate are admin-only; deactivated images cannot be downloaded', async () => {
  const demo = await ts.tenant('demo');
  const img = (await ts.call<Image>('glance', 'POST', '/v2/images', { body: { name: 'd', visibility: 'public' } })).body;
  ts.site.glance.storeData(img.id, Buffer.from('x'));
  assert.equal((await ts.call('glance', 'POST', `/v2/images/${img.id}/actions/deactivate`, { token: demo.token })).status, 403);
  assert.equal((await ts.call('glance', 'POST', `/v2/images/${img.id}/actions/deactivate`)).status, 204);
  assert.equal((await ts.call<Image>('glance', 'GET', `/v2/images/${img.id}`)).body.status, 'deactivated');
  assert.equal((await ts.call('glance', 'GET', `/v2/images/${img.id}/file`, { token: demo.token })).status, 403);
  assert.equal((await ts.call('glance', 'POST', `/v2/images/${img.id}/actions/reactivate`)).status, 204);
  assert.equal((await ts.call<Image>('glance', 'GET', `/v2/images/${img.id}`)).body.status, 'active');
});
