/**
 * The message bus wakes engines; it is never the source of truth. The operations table is: an
 * engine that misses a message still finds the operation when it scans for work, and one that
 * gets a message twice finds it already claimed. So every driver must guarantee only this:
 *
 * - `publish` returns once the message is stored or handed to the broker (at-least-once), or
 *   fails within a bounded time when it cannot be;
 * - `subscribe` calls the handler for messages of the topic, at most `concurrency` at a time,
 *   until `close`; a handler that throws does not stop the subscription, and neither does the
 *   database or the broker going away (delivery resumes when it is back);
 * - `check` resolves when the bus can take a message now (for /healthz);
 * - `close` stops delivery and waits for running handlers, then releases connections.
 */
export interface MessageBus {
  readonly driver: 'db' | 'rabbit';
  publish(topic: string, payload: BusPayload): Promise<void>;
  subscribe(topic: string, handler: (payload: BusPayload) => Promise<void>, opts?: { concurrency?: number }): Promise<void>;
  check(): Promise<void>;
  close(): Promise<void>;
}

/** What travels on the bus: small JSON, e.g. `{ operation_id }`. */
export type BusPayload = Record<string, string | number | boolean | null>;

/** The topic engines listen on for operations to run. */
export const OPERATIONS_TOPIC = 'protector.operations';

export function parsePayload(text: string): BusPayload {
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('a bus message must be a JSON object');
  return v as BusPayload;
}
