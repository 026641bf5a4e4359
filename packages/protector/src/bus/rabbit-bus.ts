import { connect, type Channel, type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import { backoffDelay, type DependencyWatch } from '../service/dependency-watch.js';
import { parsePayload, type BusPayload, type MessageBus } from './bus.js';

/** Where channels come from: the recovering connection, or the fresh one its setup hook gets. */
type ChannelSource = Pick<ChannelModel, 'createChannel'>;

interface Subscription {
  topic: string;
  handler: (payload: BusPayload) => Promise<void>;
  concurrency: number;
}

/** oslo.messaging's `rabbit://user:pass@host:5672/vhost` as an AMQP URL (the first host when several are listed). */
export function amqpUrl(transportUrl: string): string {
  const m = /^rabbit:\/\/([^/]*)(\/.*)?$/.exec(transportUrl);
  if (!m) throw new Error('[DEFAULT] transport_url: expected rabbit://user:password@host:5672/vhost');
  const first = (m[1] ?? '').split(',')[0] ?? '';
  return `amqp://${first}${m[2] ?? '/'}`;
}

/**
 * RabbitMQ driver: one durable queue per topic, persistent messages published on a confirm
 * channel, consumers with prefetch = concurrency and an ack after the handler. amqplib's
 * recovery reconnects with backoff, for as long as the broker is away; its setup hook re-creates
 * the channels and consumers, so a broker restart or a dropped connection only delays messages.
 * A publish gives up after `publishTimeoutMs`: the operations table is the truth, and the
 * engines' scan finds what a lost wake-up would have announced.
 */
export class RabbitBus implements MessageBus {
  readonly driver = 'rabbit' as const;
  private pub?: ConfirmChannel;
  private readonly subs: Subscription[] = [];
  private readonly consumers: Channel[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  private model?: RecoveringChannelModel;
  /** The live connection; unset from a disconnect until the next setup. */
  private current?: ChannelModel;

  private constructor(private readonly publishTimeoutMs: number) {}

  static async connect(transportUrl: string, opts: { initialMaxRetries?: number; publishTimeoutMs?: number; watch?: DependencyWatch } = {}): Promise<RabbitBus> {
    const bus = new RabbitBus(opts.publishTimeoutMs ?? 10_000);
    const model = await connect(amqpUrl(transportUrl), {
      recovery: {
        initialDelay: 200,
        maxDelay: 5000,
        initialMaxRetries: opts.initialMaxRetries ?? 5,
        maxRetries: Infinity,
        setup: async (model: ChannelModel) => bus.setup(model),
      },
    });
    // amqplib emits these; without listeners an 'error' event would crash the process.
    model.on('error', () => {});
    model.on('disconnect', (err: Error) => {
      bus.current = undefined;
      bus.pub = undefined;
      opts.watch?.failed(err, 'reconnecting with back-off; operations are still found by the engines\' scan');
    });
    model.on('connect', () => opts.watch?.ok());
    bus.model = model;
    return bus;
  }

  private async setup(model: ChannelModel): Promise<void> {
    // Channels of the connection this hook is given die with it; the next setup makes new ones.
    this.current = model;
    this.consumers.length = 0;
    const pub = await model.createConfirmChannel();
    pub.on('error', () => {});
    this.pub = pub;
    for (const s of this.subs) await this.consume(model, s);
  }

  private async consume(model: ChannelSource, s: Subscription): Promise<void> {
    const ch = await model.createChannel();
    ch.on('error', () => {});
    await ch.assertQueue(s.topic, { durable: true });
    await ch.prefetch(s.concurrency);
    await ch.consume(s.topic, (msg) => {
      if (!msg) return;
      const p = (async () => {
        try {
          await s.handler(parsePayload(msg.content.toString('utf8')));
        } catch {
          // The operations table is the truth; the engine's scan retries what a handler dropped.
        }
        try {
          ch.ack(msg);
        } catch {
          // The channel died with the connection; the broker redelivers the message.
        }
      })();
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    });
    this.consumers.push(ch);
  }

  async publish(topic: string, payload: BusPayload): Promise<void> {
    const body = Buffer.from(JSON.stringify(payload));
    const deadline = Date.now() + this.publishTimeoutMs;
    let lastError: unknown = new Error('the bus is closed');
    // Bounded by time, each attempt too (a broker that stops answering must not hold the caller).
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const ch = this.pub;
        if (!ch) throw new Error('not connected to RabbitMQ');
        await within(deadline, (async () => {
          await ch.assertQueue(topic, { durable: true });
          ch.sendToQueue(topic, body, { persistent: true, contentType: 'application/json' });
          await ch.waitForConfirms();
        })());
        return;
      } catch (err) {
        lastError = err;
      }
      const wait = Math.min(backoffDelay(attempt, 100, 2000), deadline - Date.now());
      if (wait <= 0) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    throw new Error(`RabbitMQ did not take the message within ${this.publishTimeoutMs} ms: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }

  async subscribe(topic: string, handler: (payload: BusPayload) => Promise<void>, opts: { concurrency?: number } = {}): Promise<void> {
    const s = { topic, handler, concurrency: Math.max(1, opts.concurrency ?? 1) };
    this.subs.push(s);
    const model = this.current;
    // Disconnected (now or meanwhile): the next setup consumes it, as it does every subscription.
    if (model) await this.consume(model, s).catch((err: unknown) => {
      if (this.current === model) throw err;
    });
  }

  async check(): Promise<void> {
    if (!this.current || !this.pub) throw new Error('not connected to RabbitMQ');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const ch of this.consumers) await ch.close().catch(() => {});
    await Promise.allSettled(this.inFlight);
    await this.model?.close().catch(() => {});
  }
}

/** The work, or a rejection once `deadline` (epoch ms) has passed. */
async function within<T>(deadline: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer from RabbitMQ in time')), Math.max(0, deadline - Date.now()));
  });
  work.catch(() => {}); // settled later than the deadline: nobody waits for it any more
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
