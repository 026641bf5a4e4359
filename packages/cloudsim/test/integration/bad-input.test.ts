// Every route of every service, fed malformed input: the answer is never a 5xx, and every error
// body has the service's own shape. Routes are read from the apps, so new ones are covered too.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { startTestSite } from '../helpers/site.js';

const ts = await startTestSite();
const adminProject = ts.site.keystone.projects.find((p) => p.name === 'admin')!.id;

const BODIES: unknown[] = [
  {},
  [],
  'text',
  null,
  42,
  { name: 42 },
  { x: { y: [1, { z: null }] } },
  { name: 'x'.repeat(70_000) },
];

/** Each service's error body shape (401s come from the auth layer in Keystone's shape). */
const SHAPES: Record<string, (status: number, text: string) => boolean> = {
  keystone: (_s, t) => typeof (JSON.parse(t) as { error?: { code?: number } }).error?.code === 'number',
  nova: (s, t) => computeShape(s, t),
  cinder: (s, t) => computeShape(s, t),
  neutron: (s, t) => s === 401 || typeof (JSON.parse(t) as { NeutronError?: { type?: string } }).NeutronError?.type === 'string',
  glance: (s, t) => s === 401 || /<title>\d{3} /.test(t),
};

function computeShape(status: number, text: string): boolean {
  const body = JSON.parse(text) as Record<string, { code?: number; message?: string }>;
  const keys = Object.keys(body);
  if (status === 401) return typeof body.error?.code === 'number';
  return keys.length === 1 && typeof body[keys[0]!]?.message === 'string';
}

function fill(url: string, id: string): string {
  return url.replace(/:project_id|:tenant_id/g, adminProject).replace(/:[A-Za-z_]+/g, id);
}

for (const service of ['keystone', 'nova', 'cinder', 'neutron', 'glance'] as const) {
  test(`${service}: malformed input to every route is a 4xx in ${service}'s error shape`, async () => {
    const routes = ts.site.routes(service);
    assert.ok(routes.length > 5, `${service} registers its routes`);
    let requests = 0;
    for (const route of routes) {
      const ids = [randomUUID(), 'not-a-valid-id', 'z'.repeat(300)];
      for (const id of ids) {
        const path = fill(route.url, id);
        const bodies = ['POST', 'PUT', 'PATCH'].includes(route.method) ? BODIES : [undefined];
        for (const body of bodies) {
          const headers: Record<string, string> =
            route.method === 'PATCH' && service === 'glance' ? { 'Content-Type': 'application/openstack-images-v2.1-json-patch' } : {};
          const res = await ts.call(service, route.method, path, { body: body === undefined ? undefined : JSON.stringify(body), headers });
          requests++;
          const where = `${route.method} ${route.url} (${path.slice(0, 80)}) body ${JSON.stringify(body)?.slice(0, 40)}`;
          assert.ok(res.status < 500, `${where} answered ${res.status}: ${res.text.slice(0, 300)}`);
          // HEAD answers carry no body by definition.
          if (res.status >= 400 && route.method !== 'HEAD') assert.ok(SHAPES[service]!(res.status, res.text), `${where}: ${res.status} body not in ${service}'s shape: ${res.text.slice(0, 200)}`);
        }
      }
    }
    assert.ok(requests > routes.length);
  });
}

test('a missing token is 401 in keystonemiddleware shape on every authenticated route', async () => {
  for (const service of ['nova', 'cinder', 'neutron', 'glance'] as const) {
    const route = ts.site.routes(service).find((r) => r.method === 'GET' && r.url.split('/').length > 2)!;
    const res = await ts.call(service, 'GET', fill(route.url, randomUUID()), { token: null });
    assert.equal(res.status, 401, `${service} ${route.url}`);
    assert.deepEqual(Object.keys(JSON.parse(res.text) as object), ['error']);
    assert.ok(res.headers.get('www-authenticate')?.startsWith('Keystone uri='));
  }
});
