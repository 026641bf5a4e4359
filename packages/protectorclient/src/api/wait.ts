import { setTimeout as sleep } from 'node:timers/promises';
import { OperationWaitTimeoutError } from './errors.js';
import { isFinished, type OperationDetail, type OperationsApi } from './operations.js';

export interface WaitForOperationOptions {
  /** Between polls; default 2000 ms. */
  intervalMs?: number;
  /** Give up after this long (OperationWaitTimeoutError); default 1 h. */
  timeoutMs?: number;
  /** Called with the first answer and whenever the status, progress or any step changed. */
  onProgress?: (op: OperationDetail) => void;
  /** Stops waiting (the operation goes on on the site). */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What changes between two polls that a watcher cares about. */
const fingerprint = (op: OperationDetail): string =>
  JSON.stringify([op.status, op.progress, op.error, op.steps.map((s) => [s.seq, s.name, s.status, s.error, s.finished_at])]);

/**
 * Polls `GET …/operations/{id}` until the operation is completed, failed, partial, rolled_back
 * or cancelled, and returns it; a failed operation is returned, not thrown (the caller decides).
 */
export async function waitForOperation(ops: OperationsApi, id: string, opts: WaitForOperationOptions = {}): Promise<OperationDetail> {
  const intervalMs = opts.intervalMs ?? 2000;
  const timeoutMs = opts.timeoutMs ?? 3_600_000;
  const now = opts.now ?? Date.now;
  const pause = opts.sleep ?? ((ms: number) => sleep(ms, undefined, opts.signal ? { signal: opts.signal } : undefined));
  const deadline = now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    const op = await ops.get(id);
    const print = fingerprint(op);
    if (print !== last) {
      last = print;
      opts.onProgress?.(op);
    }
    if (isFinished(op.status)) return op;
    if (now() >= deadline) throw new OperationWaitTimeoutError(id, op.status, timeoutMs);
    await pause(Math.max(0, Math.min(intervalMs, deadline - now())));
  }
}
