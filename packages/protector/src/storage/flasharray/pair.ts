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
  return (await linkStates(pair, [[a, b]])).get(direction(a, b))!;
}

/** The key of the link from `a` to `b` in linkStates' answer. */
export const direction = (a: string, b: string): string => `${a}\u0000${b}`;

/** The link of each direction (a, b), keyed by `direction(a, b)`; each array is asked once whether it answers. */
export async function linkStates(pair: ArrayPair, directions: [string, string][]): Promise<Map<string, LinkReport>> {
  const arrays = [...new Set(directions.flat())];
  const up = new Map(await Promise.all(arrays.map(async (a) => [a, await reachable(pair.port(a))] as const)));
  const out = new Map<string, LinkReport>();
  for (const [a, b] of directions) {
    const key = direction(a, b);
    if (out.has(key)) continue;
    out.set(key, await linkBetween(pair, a, b, up.get(a) === true, up.get(b) === true));
  }
  return out;
}

async function linkBetween(pair: ArrayPair, a: string, b: string, aUp: boolean, bUp: boolean): Promise<LinkReport> {
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
    throw inContext(context, err);
  }
}

/** The failure as a StorageError whose message starts with what the call was for (its code kept). */
export function inContext(context: string, err: unknown): StorageError {
  if (err instanceof StorageError) return new StorageError(err.code, `${context}: ${err.message}`, { cause: err });
  return new StorageError('failed', `${context}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Items grouped by a key, in first-seen order (batched reads per array). */
export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/** A failure as a StorageError (a batch read answers it for each of its entries). */
export const asStorageError = (err: unknown): StorageError =>
  err instanceof StorageError ? err : new StorageError('failed', err instanceof Error ? err.message : String(err), { cause: err });

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
