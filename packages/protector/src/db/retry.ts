import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * MySQL/MariaDB answers that mean "this transaction lost a race with another one; run it again":
 * a deadlock (a Galera certification failure reports itself as one too), a lock wait that timed
 * out, and MariaDB 11's snapshot isolation refusing a write over a row changed since it was read.
 */
const RETRYABLE_MYSQL = new Map<number, string>([
  [1213, 'ER_LOCK_DEADLOCK'],
  [1205, 'ER_LOCK_WAIT_TIMEOUT'],
  [1020, 'ER_CHECKREAD'],
]);

/** Whether `err` is a lost race the whole transaction may simply be run again for (nothing of it was kept). */
export function isRetryableConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { errno?: unknown; code?: unknown };
  if (typeof e.errno === 'number' && RETRYABLE_MYSQL.has(e.errno)) return true;
  if (typeof e.code === 'string' && [...RETRYABLE_MYSQL.values()].includes(e.code)) return true;
  // A Galera node that is joining or lost its quorum refuses statements for a moment (1047, "WSREP has not yet prepared node").
  if (e.errno === 1047 && /WSREP/i.test(e.message)) return true;
  // SQLite in WAL mode: a transaction that read before another process wrote cannot then write (SQLITE_BUSY_SNAPSHOT).
  return typeof e.code === 'string' && e.code.startsWith('SQLITE_BUSY');
}

export interface ConflictRetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** The longest wait before a try doubles from baseMs up to maxMs; the wait is a random part of it. */
  baseMs?: number;
  maxMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told of each conflict that is retried (for a log line or a metric). */
  onRetry?: (err: Error, attempt: number) => void;
}

const DEFAULTS = { attempts: 10, baseMs: 20, maxMs: 1000 };

/**
 * Runs `work` again while it fails with a lost race (isRetryableConflict), as oslo.db's
 * retry_on_deadlock does; any other error, or the last try's, is thrown. The waits are random
 * (full jitter) so the transactions that collided do not collide again in step.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, o: ConflictRetryOptions = {}): Promise<T> {
  const { attempts, baseMs, maxMs } = { ...DEFAULTS, ...o };
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isRetryableConflict(err) || attempt >= attempts) throw err;
      o.onRetry?.(err as Error, attempt);
      await sleep(Math.random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
    }
  }
}

/**
 * Runs `fn` as one transaction, from its start again when it loses a race. Inside a caller's
 * transaction it joins that one: only the outermost transaction can be run again, so retrying
 * is its owner's. `fn` must touch nothing but the database, since it may run more than once.
 */
export function transact<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>, o?: ConflictRetryOptions): Promise<T> {
  if (db.isTransaction) return fn(db);
  return retryOnConflict(() => db.transaction().execute(fn), o);
}
