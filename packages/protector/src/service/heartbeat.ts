import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { Services, type ServiceIdentity } from '../db/services.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { DependencyWatch } from './dependency-watch.js';

export interface ServiceHeartbeat {
  /** Stops the heartbeat; `graceful` also marks the service stopped, so it is listed down at once. */
  stop(graceful?: boolean): Promise<void>;
}

/**
 * Records this process in the services table and refreshes its `last_seen` every `intervalMs`
 * ([DEFAULT] report_interval), as Nova services report their state. A heartbeat the database
 * does not take is tried again at the next interval: an outage is told to `watch` (logged once),
 * any other failure to `onError`. A row an operator deleted is recorded again.
 */
export function startHeartbeat(
  db: Kysely<Database>,
  me: ServiceIdentity,
  o: { intervalMs: number; watch: Pick<DependencyWatch, 'time' | 'ok' | 'failed'>; onError: (err: unknown) => void; now?: () => number },
): ServiceHeartbeat {
  const services = new Services(db, o.now);
  let id: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const failed = (err: unknown) => (isDatabaseUnavailable(err) ? o.watch.failed(err) : o.onError(err));
  const beat = async () => {
    const startedAt = o.watch.time();
    try {
      if (id === undefined || !(await services.beat(id))) id = await services.register(me);
      // A database outage the heartbeat saw (or another call did) ends with it, in the log too.
      o.watch.ok(startedAt);
    } catch (err) {
      failed(err);
    }
  };
  let current = beat();
  const next = () => {
    timer = setTimeout(() => {
      current = beat().then(() => {
        if (!stopped) next();
      });
    }, o.intervalMs);
    // The heartbeat alone never keeps a process alive.
    timer.unref();
  };
  next();
  return {
    async stop(graceful = true) {
      stopped = true;
      clearTimeout(timer);
      await current;
      if (graceful && id !== undefined) await services.stopped(id).catch(failed);
    },
  };
}
