import { isStorageError, StorageError, type StorageErrorCode } from '../errors.js';
import type { ArrayReport, LinkState, StorageClock } from '../types.js';
import type { ArrayPort } from './port.js';

/**
 * The two arrays a driver is configured with, and how it waits. Every group operation gets one;
 * calls on a handle are addressed by array name (source/target), which `port` resolves.
 */
export interface ArrayPair {
  port(array: string): ArrayPort;
  readonly clock: StorageClock;
  /** Between polls of the array while waiting for it (transfers, replica groups). */
  readonly pollIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long a new target may take to show the replica group (Cinder waits the same way). */
  readonly replicaWaitMs: number;
}

/** `p`, or undefined when it fails with one of `codes` (a create that finds the object, a delete that finds it gone). */
export async function ignoring<T>(codes: StorageErrorCode[], p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isStorageError(err) && codes.includes(err.code)) return undefined;
    throw err;
  }
}

export async function reachable(port: ArrayPort): Promise<boolean> {
  try {
    await port.getArray();
    return true;
  } catch {
    return false;
  }
}

/** The link between `from` and `to` as `from` reports it, given whether `to` answers. */
export async function linkFrom(from: ArrayPort, to: string, toReachable: boolean): Promise<ArrayReport['link']> {
  const c = (await from.listConnections()).find((x) => x.name === to);
  if (!c) return { remote: to, state: 'not_connected', type: null };
  const state: LinkState = c.status === 'connected' && toReachable ? 'connected' : 'down';
  return { remote: to, state, type: c.type === 'sync-replication' ? 'sync' : 'async' };
}

export interface LinkReport {
  state: LinkState;
  aUp: boolean;
  bUp: boolean;
  why: string;
}

export async function linkState(pair: ArrayPair, a: string, b: string): Promise<LinkReport> {
  const [aUp, bUp] = await Promise.all([reachable(pair.port(a)), reachable(pair.port(b))]);
  if (!aUp || !bUp) {
    const down = [aUp ? null : a, bUp ? null : b].filter((x) => x !== null).join(' and ');
    return { state: 'down', aUp, bUp, why: `array ${down} unreachable` };
  }
  const link = await linkFrom(pair.port(a), b, true);
  if (link.state === 'not_connected') return { state: 'down', aUp, bUp, why: `arrays '${a}' and '${b}' are not connected` };
  if (link.state === 'down') return { state: 'down', aUp, bUp, why: `replication link between '${a}' and '${b}' is down` };
  return { state: 'connected', aUp, bUp, why: `replication link between '${a}' and '${b}' is up` };
}

/** Prefixes what a call was for to a storage error, keeping its code. */
export async function doing<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StorageError) throw new StorageError(err.code, `${context}: ${err.message}`, { cause: err });
    throw new StorageError('failed', `${context}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Polls `check` on the pair's clock until it returns a value or `timeoutMs` passes (then null). */
export async function pollUntil<T>(pair: ArrayPair, timeoutMs: number, check: () => Promise<T | null>): Promise<T | null> {
  const deadline = pair.clock.now() + timeoutMs;
  for (;;) {
    const got = await check();
    if (got !== null) return got;
    const now = pair.clock.now();
    if (now >= deadline) return null;
    await pair.sleep(Math.min(pair.pollIntervalMs, deadline - now));
  }
}
