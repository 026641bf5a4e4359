import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { MessageBus } from './bus.js';
import { DbBus } from './db-bus.js';
import { RabbitBus } from './rabbit-bus.js';

export { OPERATIONS_TOPIC, type BusPayload, type MessageBus } from './bus.js';
export { DbBus } from './db-bus.js';
export { RabbitBus, amqpUrl } from './rabbit-bus.js';

/** `[DEFAULT] transport_url` empty: the database bus; `rabbit://…`: RabbitMQ. */
export async function createBus(opts: { transportUrl: string; db: Kysely<Database>; owner: string; pollMs: number }): Promise<MessageBus> {
  if (opts.transportUrl === '') return new DbBus(opts.db, { owner: opts.owner, pollMs: opts.pollMs });
  if (opts.transportUrl.startsWith('rabbit://')) return RabbitBus.connect(opts.transportUrl);
  throw new Error(`[DEFAULT] transport_url: unsupported transport '${opts.transportUrl.split(':')[0] ?? ''}' (use rabbit:// or leave it empty for the database bus)`);
}
