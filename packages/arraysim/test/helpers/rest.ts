import assert from 'node:assert/strict';
import { after } from 'node:test';
import type { ArrayModel } from '../../src/index.js';
import { ArrayRestClient, serveArrayRest } from '../../src/rest/index.js';
import type { Clock } from '../../src/clock.js';

/** FlashArray REST 2.x list envelope. */
export interface List<T> {
  items: T[];
  continuation_token: string | null;
  more_items_remaining: boolean;
  total_item_count: number | null;
}

type Errors = { errors: { context: string; message: string }[] };

/** Asserts a FlashArray error answer: the status, exactly one error, and its context and message when given. */
export function assertError(ans: { status: number; body: unknown }, status: number, context?: string, message?: RegExp): void {
  assert.equal(ans.status, status, JSON.stringify(ans.body));
  const errors = (ans.body as Errors).errors;
  assert.ok(Array.isArray(errors) && errors.length === 1, JSON.stringify(ans.body));
  const e = errors[0]!;
  assert.equal(typeof e.message, 'string');
  if (context !== undefined) assert.equal(e.context, context, JSON.stringify(ans.body));
  if (message) assert.match(e.message, message);
}

export const names = (l: { items: { name: string }[] }) => l.items.map((i) => i.name);

/**
 * Serves each named array's REST face on a loopback port and returns a client logged in to each
 * with a fresh `pureuser` token; everything closes when the test file ends. The arrays must exist.
 */
export async function serveLoggedIn(model: ArrayModel, arrays: string[], clock: Clock): Promise<ArrayRestClient[]> {
  const clients: ArrayRestClient[] = [];
  for (const name of arrays) {
    const served = await serveArrayRest(model, name, { clock });
    after(() => served.close());
    const client = new ArrayRestClient(served.url, { ca: served.ca });
    assert.equal((await client.login(model.createApiToken(name, 'pureuser'))).status, 200);
    clients.push(client);
  }
  return clients;
}
