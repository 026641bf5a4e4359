/**
 * The worker thread of an off-thread mock driver (off-thread.ts): it opens the simulated arrays'
 * file and answers array-port calls on it, so the model's synchronous SQLite reads and writes run
 * here and never hold the event loop of the thread that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ArrayModel } from '@protector/arraysim';
import { isStorageError } from '../errors.js';
import { ModelArrayPort } from '../flasharray/model-port.js';
import { PORT_METHODS, type FromWorker, type ToWorker, type WorkerSetup } from './off-thread-protocol.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const methods = new Set<string>(PORT_METHODS);
const send = (m: FromWorker) => port.postMessage(m);

// A file that cannot be opened fails every call with why, as the in-process driver fails at once.
let model: ArrayModel | undefined;
let unusable: string | undefined;
try {
  model = ArrayModel.open(setup.path);
} catch (err) {
  unusable = `cannot open the simulated array file '${setup.path}': ${err instanceof Error ? err.message : String(err)}`;
}
const ports = new Map(model ? setup.arrays.map((a) => [a, new ModelArrayPort(model!, a)] as const) : []);

port.on('message', (m: ToWorker) => {
  if (m.type === 'close') {
    model?.close();
    model = undefined;
    unusable = 'the simulated array file has been closed';
    send({ type: 'answer', id: m.id, value: null });
    return;
  }
  void answer(m);
});

async function answer(m: Extract<ToWorker, { type: 'call' }>): Promise<void> {
  try {
    if (unusable) throw new Error(unusable);
    const p = ports.get(m.array);
    if (!p || !methods.has(m.method)) throw new Error(`no array port call ${m.array}.${m.method}`);
    const fn = p[m.method] as (...args: unknown[]) => Promise<unknown>;
    send({ type: 'answer', id: m.id, value: await fn.apply(p, m.args) });
  } catch (err) {
    send({ type: 'failed', id: m.id, code: isStorageError(err) ? err.code : 'failed', message: err instanceof Error ? err.message : String(err) });
  }
}
