// FlashArraySession against the simulated array's REST face (@protector/arraysim/rest, over its own
// HTTPS): the session's wire format matches what the project's FlashArray model serves.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ArrayModel, ManualClock } from '@protector/arraysim';
import { serveArrayRest } from '@protector/arraysim/rest';
import { FlashArraySession } from '../../src/storage/flasharray/rest/index.js';
import { code } from '../helpers/storage.js';

const MiB = 1024 * 1024;
const clock = new ManualClock();
const model = ArrayModel.open(':memory:', clock);
let served: { url: string; ca: string; close: () => Promise<void> };
let apiToken = '';

before(async () => {
  model.createArray('fa-a');
  apiToken = model.createApiToken('fa-a', 'pureuser');
  served = await serveArrayRest(model, 'fa-a', { clock, sessionIdleMs: 30 * 60 * 1000 });
});
after(async () => {
  await served.close();
});

const session = (over: Partial<ConstructorParameters<typeof FlashArraySession>[0]> = {}) =>
  new FlashArraySession({ array: 'fa-a', url: served.url, apiToken, ca: served.ca, pageSize: 2, sleep: async () => {}, ...over });

test('volumes: create, conflict on a second create, read, page, destroy, eradicate, not_found once gone', async () => {
  const s = session();
  const made = await s.post<{ name: string; provisioned: number }>('volumes', { names: 'v1' }, { provisioned: MiB });
  assert.deepEqual(made.map((v) => [v.name, v.provisioned]), [['v1', MiB]]);
  assert.equal(s.version, '2.20');
  assert.equal(s.info?.name, 'fa-a');
  await assert.rejects(s.post('volumes', { names: 'v1' }, { provisioned: MiB }), code('conflict', /^array 'fa-a': POST \/api\/2\.20\/volumes \(names=v1\) answered 400: v1: .*already exists/));

  for (const n of ['v2', 'v3', 'v4', 'v5']) await s.post('volumes', { names: n }, { provisioned: MiB });
  const all = await s.list<{ name: string }>('volumes', { sort: 'name' });
  assert.deepEqual(all.map((v) => v.name), ['v1', 'v2', 'v3', 'v4', 'v5'], 'paged by the continuation_token of the answer body');
  assert.deepEqual((await s.get<{ name: string }>('volumes', { names: ['v2', 'v4'] })).map((v) => v.name).sort(), ['v2', 'v4']);
  await assert.rejects(s.get('volumes', { names: ['nope'] }), code('not_found', /GET \/api\/2\.20\/volumes \(names=nope\) answered 400: nope: .*does not exist/));

  await s.patch('volumes', { names: ['v5'] }, { destroyed: true });
  await s.delete('volumes', { names: ['v5'] });
  await assert.rejects(s.delete('volumes', { names: ['v5'] }), code('not_found'));
  await s.close();
});

test('an idle session expires on the array; the next call logs in again and succeeds', async () => {
  const s = session();
  await s.get('volumes');
  clock.advance(31 * 60 * 1000);
  assert.ok((await s.get('arrays')).length === 1);
  await s.close();
});

test('a revoked or wrong API token and the wrong array name are invalid', async () => {
  const wrongToken = session({ apiToken: 'not-a-token' });
  await assert.rejects(wrongToken.connect(), code('invalid', /login answered 401: .*refused the API token configured for 'fa-a'/));
  const wrongName = session({ array: 'fa-b' });
  await assert.rejects(wrongName.connect(), code('invalid', /is array 'fa-a', not 'fa-b'/));
  await Promise.all([wrongToken.close(), wrongName.close()]);
});
