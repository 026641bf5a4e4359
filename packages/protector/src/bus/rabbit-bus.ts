import { connect, type Channel, type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
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
 * recovery reconnects with backoff; its setup hook re-creates the channels and consumers, so a
 * broker restart or a dropped connection only delays messages.
 */
export class RabbitBus implements MessageBus {
  readonly driver = 'rabbit' as const;
  private pub?: ConfirmChannel;
  private readonly subs: Subscription[] = [];
  private readonly consumers: Channel[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  private model?: RecoveringChannelModel;
  private current?: ChannelModel;

  private constructor() {}

  static async connect(transportUrl: string, opts: { initialMaxRetries?: number } = {}): Promise<RabbitBus> {
    const bus = new RabbitBus();
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
    bus.model = model;
    return bus;
  }

  private async setup(model: ChannelModel): Promise<void> {
    // Channels of the connection this hook is given die with it; the next setup makes new ones.
    this.current = model;
    this.consumers.length = 0;
    this.pub = await model.createConfirmChannel();
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
    let lastError: unknown;
    // Bounded: a broker that stays away surfaces as an error the caller reports.
    for (let attempt = 0; attempt < 20 && !this.closed; attempt++) {
      try {
        const ch = this.pub;
        if (!ch) throw new Error('not connected to RabbitMQ yet');
        await ch.assertQueue(topic, { durable: true });
        ch.sendToQueue(topic, body, { persistent: true, contentType: 'application/json' });
        await ch.waitForConfirms();
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
    throw new Error(`RabbitMQ did not take the message: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }

  async subscribe(topic: string, handler: (payload: BusPayload) => Promise<void>, opts: { concurrency?: number } = {}): Promise<void> {
    const s = { topic, handler, concurrency: Math.max(1, opts.concurrency ?? 1) };
    this.subs.push(s);
    if (this.current) await this.consume(this.current, s);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const ch of this.consumers) await ch.close().catch(() => {});
    await Promise.allSettled(this.inFlight);
    await this.model?.close().catch(() => {});
  }
}
