import { Worker } from 'node:worker_threads';
import { StorageError, type StorageErrorCode } from '../errors.js';
import { FlashArrayDriver } from '../flasharray/driver.js';
import type { ArrayPort } from '../flasharray/port.js';
import { PORT_METHODS, type FromWorker, type PortMethod, type ToWorker, type WorkerSetup } from './off-thread-protocol.js';

/**
 * The simulated arrays' file opened on a worker thread (model-worker.ts), reached by messages.
 * Run from the TypeScript sources (tests, under tsx) the worker loads them through tsx, which
 * Node 20 does not hand to worker threads by itself.
 */
class ModelThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private next = 1;
  private gone: StorageError | undefined;

  constructor(setup: WorkerSetup) {
    const here = import.meta.url;
    const entry = new URL(here.endsWith('.ts') ? './model-worker.ts' : './model-worker.js', here);
    this.worker = here.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true, workerData: setup })
      : new Worker(entry, { workerData: setup });
    // An idle worker does not keep a process alive that is otherwise done; one with calls in flight does.
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.type === 'answer') p?.resolve(m.value);
      else p?.reject(new StorageError(m.code as StorageErrorCode, m.message));
    });
    const end = (why: string) => {
      this.gone ??= new StorageError('failed', `the simulated arrays' worker thread ${why}`);
      for (const p of this.pending.values()) p.reject(this.gone);
      this.pending.clear();
    };
    this.worker.on('error', (err) => end(`failed: ${err.message}`));
    this.worker.on('exit', () => end('has stopped'));
  }

  call(array: string, method: PortMethod | 'close', args: unknown[]): Promise<unknown> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage((method === 'close' ? { type: 'close', id } : { type: 'call', id, array, method, args }) satisfies ToWorker);
    });
  }

  /** The model is closed on its thread (its SQLite connection checkpointed and released), then the thread ends. */
  async close(): Promise<void> {
    if (this.gone) return;
    await this.call('', 'close', []).catch(() => undefined);
    await this.worker.terminate();
  }
}

/** An array port whose every call is answered on the model's thread. */
function portOn(thread: ModelThread, array: string): ArrayPort {
  const port: Record<string, unknown> = { name: array, close: async () => {} };
  for (const m of PORT_METHODS) port[m] = (...args: unknown[]) => thread.call(array, m, args);
  return port as unknown as ArrayPort;
}

export interface OffThreadMockConfig {
  localArray: string;
  peerArray: string;
  /** The simulated arrays' file (the lab's arrays.db); the worker's model runs on the system clock. */
  path: string;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The mock driver with its model on a worker thread: the same FlashArray driver and in-process
 * port logic, but the model's synchronous SQLite calls run on the worker, so a service answering
 * requests (protector-api) never blocks its event loop on the simulated arrays.
 */
export class OffThreadMockDriver extends FlashArrayDriver {
  private readonly thread: ModelThread;

  constructor(config: OffThreadMockConfig) {
    if (!config.localArray || !config.peerArray || config.localArray === config.peerArray) {
      throw new StorageError('invalid', `mock storage driver needs two different arrays (local '${config.localArray}', peer '${config.peerArray}')`);
    }
    const thread = new ModelThread({ path: config.path, arrays: [config.localArray, config.peerArray] });
    super({ name: 'mock', local: portOn(thread, config.localArray), peer: portOn(thread, config.peerArray), pollIntervalMs: config.pollIntervalMs, sleep: config.sleep });
    this.thread = thread;
  }

  override async close(): Promise<void> {
    await super.close();
    await this.thread.close();
  }
}
