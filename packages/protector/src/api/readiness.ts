import type { Kysely } from 'kysely';
import type { MessageBus } from '../bus/index.js';
import type { Database } from '../db/schema.js';
import type { HealthCheck } from '../observability/index.js';

/**
 * What /healthz checks, so a load balancer stops sending work to an API that cannot do it: the
 * database, and a RabbitMQ bus's broker (the database bus rides on the database, so it adds no
 * check of its own). Each failing check is named in the 503.
 */
export function readinessChecks(db: Kysely<Database>, bus?: MessageBus): Record<string, HealthCheck> {
  return {
    database: async () => db.selectFrom('sites').select('id').limit(1).execute(),
    ...(bus?.driver === 'rabbit' ? { message_bus: () => bus.check() } : {}),
  };
}
