// The REST adapter's reads of many groups at once (the engine's status refresh of every PG): a
// few calls with `source_names` in URL-sized chunks, a chunk the array refuses for a group it does
// not have asked again group by group, and pods read in one call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StorageError } from '../../src/storage/index.js';
import { RestArrayPort, type Query, type RestSession } from '../../src/storage/flasharray/rest-port.js';

/** A session over `groups` (name → snapshot count); naming a group it lacks is 'not_found', as an array answers. */
function fakeSession(groups: Map<string, number>, pods: string[] = []): { session: RestSession; calls: { path: string; query?: Query }[] } {
  const calls: { path: string; query?: Query }[] = [];
  const session: RestSession = {
    async list<T>(path: string, query?: Query): Promise<T[]> {
      calls.push({ path, query });
      if (path === 'pods') return pods.map((name) => ({ name, destroyed: false, arrays: [{ name: 'fa-b', status: 'online' }], failover_preferences: [] })) as T[];
      const names = (query?.source_names ?? []) as string[];
      const missing = names.find((n) => !groups.has(n));
      if (missing) throw new StorageError('not_found', `array 'fa-b': GET ${path}: Protection group '${missing}' does not exist.`);
      return names.flatMap((g) =>
        Array.from({ length: groups.get(g)! }, (_, i) =>
          path.endsWith('/transfer')
            ? { name: `${g}.${i}`, progress: 1, started: 1, completed: 2, data_transferred: 10 }
            : { name: `${g}.${i}`, source: { name: g }, suffix: `${i}`, created: i, destroyed: false },
        ),
      ) as T[];
    },
    post: async () => [],
    patch: async () => [],
    delete: async () => undefined,
    close: async () => undefined,
  };
  return { session, calls };
}

const group = (i: number) => `fa-a:protector-${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;

test('snapshots and transfers of 1,000 groups: a few calls, each URL-sized, nothing lost', async () => {
  const groups = new Map(Array.from({ length: 1000 }, (_, i) => [group(i), 2] as const));
  const { session, calls } = fakeSession(groups);
  const port = new RestArrayPort(session, 'fa-b');
  const snaps = await port.listSnapshotsOfGroups([...groups.keys()]);
  assert.equal(snaps.length, 2000);
  assert.ok(calls.length >= 10 && calls.length <= 20, `${calls.length} calls`);
  for (const c of calls) assert.ok((c.query!.source_names as string[]).join(',').length <= 4000);
  calls.length = 0;
  const transfers = await port.listTransfers({ groups: [...groups.keys()] });
  assert.equal(transfers.length, 2000);
  assert.ok(transfers.every((t) => t.completed === 2));
  assert.ok(calls.length <= 20);
});

test('a chunk naming a group the array lacks is asked again a group at a time; the missing one has none', async () => {
  const groups = new Map(Array.from({ length: 100 }, (_, i) => [group(i), 1] as const));
  const { session, calls } = fakeSession(groups);
  const port = new RestArrayPort(session, 'fa-b');
  const asked = [...groups.keys(), 'fa-a:protector-gone'];
  const snaps = await port.listSnapshotsOfGroups(asked);
  assert.deepEqual(snaps.map((s) => s.source).sort(), [...groups.keys()].sort());
  const chunks = calls.filter((c) => (c.query!.source_names as string[]).length > 1).length;
  const singles = calls.filter((c) => (c.query!.source_names as string[]).length === 1).length;
  assert.ok(chunks >= 2, 'more than one chunk');
  assert.ok(singles > 0 && singles < asked.length, `only the refused chunk is asked group by group (${singles} of ${asked.length})`);
});

test('pods are read in one call, those asked for kept', async () => {
  const { session, calls } = fakeSession(new Map(), ['protector-a', 'protector-b', 'customer-pod']);
  const pods = await new RestArrayPort(session, 'fa-b').listPods(['protector-b', 'protector-gone']);
  assert.deepEqual(pods.map((p) => p.name), ['protector-b']);
  assert.deepEqual(calls.map((c) => c.path), ['pods']);
});
