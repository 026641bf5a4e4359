import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { backoffDelay, type DependencyWatch } from '../service/dependency-watch.js';
import { parsePayload, type BusPayload, type MessageBus } from './bus.js';

/**
 * The default bus: a table in the service's own database, polled. A message is claimed by a
 * conditional UPDATE (`… WHERE claimed_by IS NULL`): of two engines racing for it exactly one
 * changes the row, on SQLite and MariaDB alike, which does what SKIP LOCKED would without
 * holding locks. Claimed messages are deleted once handled. While the database is unreachable
 * the poll backs off and keeps trying (the outage is reported once, to `watch`).
 */
export class DbBus implements MessageBus {
  readonly driver = 'db' as const;
  private closed = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: { owner: string; pollMs: number; now?: () => number; watch?: DependencyWatch },
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  async publish(topic: string, payload: BusPayload): Promise<void> {
    await this.db
      .insertInto('bus_messages')
      .values({ topic, payload: JSON.stringify(payload), created_at: this.now(), claimed_by: null, claimed_at: null })
      .execute();
  }

  async subscribe(topic: string, handler: (payload: BusPayload) => Promise<void>, opts: { concurrency?: number } = {}): Promise<void> {
    const limit = Math.max(1, opts.concurrency ?? 1);
    const running = new Set<Promise<void>>();
    let failures = 0;
    const loop = async () => {
      while (!this.closed) {
        let claimed = 0;
        try {
          while (running.size < limit && !this.closed) {
            const startedAt = this.opts.watch?.time();
            const msg = await this.claim(topic);
            failures = 0;
            this.opts.watch?.ok(startedAt);
            if (!msg) break;
            claimed++;
            const p = this.handle(msg, handler).finally(() => running.delete(p));
            running.add(p);
          }
        } catch (err) {
          // A poll that fails is tried again: the subscription lives as long as the bus does.
          if (isDatabaseUnavailable(err)) this.opts.watch?.failed(err);
          await sleep(backoffDelay(failures++, this.opts.pollMs, Math.max(this.opts.pollMs, 5000)));
          continue;
        }
        if (running.size >= limit) await Promise.race(running);
        else if (claimed === 0) await sleep(this.opts.pollMs);
      }
      await Promise.allSettled(running);
    };
    this.loops.push(loop());
  }

  private async claim(topic: string): Promise<{ id: number; payload: string } | undefined> {
    const candidates = await this.db
      .selectFrom('bus_messages')
      .select(['id', 'payload'])
      .where('topic', '=', topic)
      .where('claimed_by', 'is', null)
      .orderBy('id')
      .limit(5)
      .execute();
    for (const c of candidates) {
      const r = await this.db
        .updateTable('bus_messages')
        .set({ claimed_by: this.opts.owner, claimed_at: this.now() })
        .where('id', '=', c.id)
        .where('claimed_by', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return c;
    }
    return undefined;
  }

  private async handle(msg: { id: number; payload: string }, handler: (payload: BusPayload) => Promise<void>): Promise<void> {
    try {
      await handler(parsePayload(msg.payload));
    } catch {
      // The operations table is the truth: a failed wake-up is retried by the engine's scan.
    } finally {
      // Lost with the database: the message stays claimed, and the operation is still found by the engine's scan.
      await this.db.deleteFrom('bus_messages').where('id', '=', msg.id).execute().catch(() => {});
    }
  }

  async check(): Promise<void> {
    await this.db.selectFrom('bus_messages').select('id').limit(1).execute();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.loops);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
