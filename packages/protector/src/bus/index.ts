import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { DependencyWatch } from '../service/dependency-watch.js';
import type { MessageBus } from './bus.js';
import { DbBus } from './db-bus.js';
import { RabbitBus } from './rabbit-bus.js';

export { OPERATIONS_TOPIC, type BusPayload, type MessageBus } from './bus.js';
export { DbBus } from './db-bus.js';
export { RabbitBus, amqpUrl } from './rabbit-bus.js';

/**
 * `[DEFAULT] transport_url` empty: the database bus; `rabbit://…`: RabbitMQ. Outages of what the
 * bus rides on are reported to `watch` (the database bus: the database's watch).
 */
export async function createBus(opts: {
  transportUrl: string;
  db: Kysely<Database>;
  owner: string;
  pollMs: number;
  watch?: { database?: DependencyWatch; bus?: DependencyWatch };
}): Promise<MessageBus> {
  if (opts.transportUrl === '') return new DbBus(opts.db, { owner: opts.owner, pollMs: opts.pollMs, watch: opts.watch?.database });
  if (opts.transportUrl.startsWith('rabbit://')) return RabbitBus.connect(opts.transportUrl, { watch: opts.watch?.bus });
  throw new Error(`[DEFAULT] transport_url: unsupported transport '${opts.transportUrl.split(':')[0] ?? ''}' (use rabbit:// or leave it empty for the database bus)`);
}
