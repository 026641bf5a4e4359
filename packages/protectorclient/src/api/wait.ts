import { setTimeout as sleep } from 'node:timers/promises';
import { OpenStackError } from '@protector/openstack';
import { isProtectorApiError, isProtectorUnreachable, OperationSiteUnreachableError, OperationWaitTimeoutError } from './errors.js';
import { isFinished, type OperationDetail, type OperationsApi } from './operations.js';

export interface WaitForOperationOptions {
  /** Between polls; default 2000 ms. */
  intervalMs?: number;
  /** Give up after this long (OperationWaitTimeoutError); default 1 h. */
  timeoutMs?: number;
  /**
   * How long the site may go on not answering (refused or reset connections, no answer, 502, 503,
   * 504: a protector-api restarting) before the wait gives up (OperationSiteUnreachableError);
   * default 5 min. Polls back off meanwhile, from `intervalMs` doubling up to `maxBackoffMs`.
   */
  unreachableMs?: number;
  /** Longest pause between polls of a site that does not answer; default 10 s. */
  maxBackoffMs?: number;
  /** Called with the first answer and whenever the status, progress or any step changed. */
  onProgress?: (op: OperationDetail) => void;
  /** Called with every answer, changed or not (a watcher's "still running" clock). */
  onPoll?: (op: OperationDetail) => void;
  /** Called once when the site stops answering (then not again until it has answered). */
  onUnreachable?: (e: { reason: string; error: unknown; budgetMs: number }) => void;
  /** Called once when the site answers again, with how long it did not. */
  onReachable?: (e: { downMs: number }) => void;
  /** Stops waiting (the operation goes on on the site). */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What a status means for a wait: the site is restarting, or gone for a while; anything else is final. */
const DOWN_STATUSES = new Set([502, 503, 504]);

/**
 * The site does not answer for now: no connection, or a proxy / the service saying it is
 * unavailable. A whole site lost takes its Keystone with it, so Keystone failing alike counts too.
 */
export function isSiteDown(err: unknown): boolean {
  if (isProtectorUnreachable(err)) return true;
  if (isProtectorApiError(err)) return DOWN_STATUSES.has(err.status);
  return err instanceof OpenStackError && (err.status === 0 || DOWN_STATUSES.has(err.status));
}

/** Why, in a few words, for messages ("connection refused", "HTTP 503 …"). */
function downReason(err: unknown): string {
  if (isProtectorUnreachable(err)) return err.reason;
  if (isProtectorApiError(err)) return `HTTP ${err.status}${err.message ? ` ${err.message}` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

/** What changes between two polls that a watcher cares about. */
const fingerprint = (op: OperationDetail): string =>
  JSON.stringify([op.status, op.progress, op.error, op.steps.map((s) => [s.seq, s.name, s.status, s.error, s.finished_at]), (op.children ?? []).map((c) => [c.id, c.status, c.progress])]);

/**
 * Polls `GET …/operations/{id}` until the operation is completed, failed, partial, rolled_back
 * or cancelled, and returns it; a failed operation is returned, not thrown (the caller decides).
 * A site that stops answering is polled on (backing off) for `unreachableMs`: a protector-api
 * restart does not end the wait.
 */
export async function waitForOperation(ops: OperationsApi, id: string, opts: WaitForOperationOptions = {}): Promise<OperationDetail> {
  const intervalMs = opts.intervalMs ?? 2000;
  const timeoutMs = opts.timeoutMs ?? 3_600_000;
  const unreachableMs = opts.unreachableMs ?? 300_000;
  const maxBackoffMs = Math.max(intervalMs, opts.maxBackoffMs ?? 10_000);
  const now = opts.now ?? Date.now;
  const pause = opts.sleep ?? ((ms: number) => sleep(ms, undefined, opts.signal ? { signal: opts.signal } : undefined));
  const deadline = now() + timeoutMs;
  let last: string | undefined;
  let lastStatus = 'unknown';
  let down: { since: number; backoff: number } | null = null;
  for (;;) {
    opts.signal?.throwIfAborted();
    let op: OperationDetail;
    try {
      op = await ops.get(id);
    } catch (err) {
      if (!isSiteDown(err)) throw err;
      const t = now();
      if (down) down.backoff = Math.min(down.backoff * 2, maxBackoffMs);
      else {
        down = { since: t, backoff: intervalMs };
        opts.onUnreachable?.({ reason: downReason(err), error: err, budgetMs: unreachableMs });
      }
      if (t - down.since >= unreachableMs) throw new OperationSiteUnreachableError(id, lastStatus, t - down.since, downReason(err), { cause: err });
      if (t >= deadline) throw new OperationWaitTimeoutError(id, lastStatus, timeoutMs);
      // The last try lands on the budget's end, so a site back just in time still counts.
      await pause(Math.max(0, Math.min(down.backoff, down.since + unreachableMs - t, deadline - t)));
      continue;
    }
    if (down) {
      opts.onReachable?.({ downMs: now() - down.since });
      down = null;
    }
    lastStatus = op.status;
    const print = fingerprint(op);
    if (print !== last) {
      last = print;
      opts.onProgress?.(op);
    }
    opts.onPoll?.(op);
    if (isFinished(op.status)) return op;
    if (now() >= deadline) throw new OperationWaitTimeoutError(id, op.status, timeoutMs);
    await pause(Math.max(0, Math.min(intervalMs, deadline - now())));
  }
}
