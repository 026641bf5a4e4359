import { ArrayModel, ManualClock } from '@protector/arraysim';
import { createSelfSignedTls, serveArrayRest, type ArrayRestOptions } from '@protector/arraysim/rest';
import { createPureDriver, MockStorageDriver, type StorageDriver } from '../../src/storage/index.js';

/** The two ways the FlashArray driver reaches an array; the contract suite runs on each. */
export const ADAPTERS = ['in-process', 'rest'] as const;
export type Adapter = (typeof ADAPTERS)[number];

export interface ArrayPairEnv {
  adapter: Adapter;
  clock: ManualClock;
  model: ArrayModel;
  driver: StorageDriver;
  /** REST adapter: every back-off the sessions took (429, retries), in ms of simulated time. */
  sessionWaits: number[];
  /** Moves simulated time on and lets the arrays act on it (as cloudsim's sites do in the lab). */
  advance(ms: number): void;
  close(): Promise<void>;
}

/**
 * fa-a (this site) and fa-b (the peer) linked at `bandwidth` (default 1 MiB/s), 10 ms, on a manual
 * clock, and a driver for them through `adapter`: in-process (the mock driver) or REST (the pure
 * driver over HTTPS to each array's REST face, served from the same model with a test CA).
 */
export async function arrayPair(adapter: Adapter, opts: {
    bandwidth?: number;
    pollIntervalMs?: number;
    type?: 'async-replication' | 'sync-replication';
    /** REST adapter: how the arrays' faces behave (rate limit, session idle timeout, versions). */
    face?: Pick<ArrayRestOptions, 'rateLimit' | 'sessionIdleMs' | 'versions'>;
  } = {},): Promise<ArrayPairEnv> {
  const clock = new ManualClock();
  const model = ArrayModel.open(':memory:', clock);
  model.createArray('fa-a');
  model.createArray('fa-b');
  model.connectArrays('fa-a', 'fa-b', { type: opts.type, bandwidth: opts.bandwidth ?? 1024 * 1024, latency_ms: 10 });
  const advance = (ms: number): void => {
    clock.advance(ms);
    model.tick();
  };
  const sleep = async (ms: number): Promise<void> => advance(ms);
  const pollIntervalMs = opts.pollIntervalMs ?? 100;
  const sessionWaits: number[] = [];
  if (adapter === 'in-process') {
    const driver = new MockStorageDriver({ model, localArray: 'fa-a', peerArray: 'fa-b', clock, pollIntervalMs, sleep });
    return { adapter, clock, model, driver, advance, sessionWaits, close: () => driver.close().then(() => model.close()) };
  }
  // One CA for both faces, as in the lab: the driver is given it as its CA bundle.
  const tls = await createSelfSignedTls();
  const served = await Promise.all(['fa-a', 'fa-b'].map((a) => serveArrayRest(model, a, { ...opts.face, clock, tls })));
  const [a, b] = served as [(typeof served)[number], (typeof served)[number]];
  const driver = createPureDriver({
    localArray: 'fa-a',
    peerArray: 'fa-b',
    local: { url: a.url, apiToken: model.createApiToken('fa-a', 'pureuser') },
    peer: { url: b.url, apiToken: model.createApiToken('fa-b', 'pureuser') },
    // Back-offs (retries, 429) pass on the simulated clock, so a test never waits for real.
    session: {
      ca: a.ca,
      retries: 2,
      retryDelayMs: 10,
      timeoutMs: 5000,
      sleep: async (ms) => {
        sessionWaits.push(ms);
        advance(ms);
      },
    },
    clock,
    pollIntervalMs,
    sleep,
  });
  return {
    adapter,
    clock,
    model,
    driver,
    advance,
    sessionWaits,
    close: async () => {
      await driver.close();
      await Promise.all(served.map((s) => s.close()));
      model.close();
    },
  };
}
