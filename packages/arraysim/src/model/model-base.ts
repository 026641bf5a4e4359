import { systemClock, type Clock } from '../clock.js';
import type { Db } from '../database.js';
import * as arrays from './arrays.js';
import { podOf } from './names.js';
import * as pods from './pods.js';
import type { ArrayConnectionRecord, ArrayRecord } from './records.js';
import { progressTransfers, rescaleTransfers } from './replication.js';
import { migrate } from './schema.js';
import { Store } from './store.js';

export interface ArrayModelOptions {
  /** Pending-eradication period of destroyed objects; Purity's default is 24 hours. */
  eradicationDelayMs?: number;
}

/**
 * The arrays, their connections, faults and API tokens, and how every call is guarded; ArrayModel
 * (model.ts) adds the objects on the arrays. A set of simulated FlashArrays in one SQLite file. Every call names the array it is made on and
 * fails as the array would when it is down or a fault is injected. All state is in the database,
 * so two processes may open the same file; time comes from the clock, and `tick` applies what is
 * due (schedules, transfers, retention) up to the clock's now.
 */
export class ModelBase {
  readonly store: Store;

  constructor(
    readonly db: Db,
    clock: Clock = systemClock,
    opts: ArrayModelOptions = {},
  ) {
    // A second process waits for the writer's lock instead of failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    migrate(db);
    this.store = new Store(db, clock, opts.eradicationDelayMs);
  }

  close(): void {
    this.db.close();
  }

  protected call<T>(array: string, call: string, fn: () => T): T {
    arrays.guard(this.store, array, call);
    return fn();
  }

  /**
   * A call on volumes `reads` and `writes` (names, possibly in pods): pods must let this array
   * serve them, and what it changes reaches every other synced copy of a stretched pod.
   */
  protected volumeCall<T>(array: string, call: string, io: { reads?: string[]; writes?: string[] }, fn: () => T): T {
    const names = [...(io.reads ?? []), ...(io.writes ?? [])];
    // Volumes outside pods need none of this (and reads then take no write lock).
    if (!names.some((n) => podOf(n) !== null)) return this.call(array, call, fn);
    return this.call(array, call, () =>
      this.store.tx(() => {
        for (const n of io.reads ?? []) pods.checkAccess(this.store, array, n, 'read');
        for (const n of io.writes ?? []) pods.checkAccess(this.store, array, n, 'write');
        const out = fn();
        pods.mirrorVolumes(this.store, array, io.writes ?? []);
        return out;
      }),
    );
  }

  /** Link or array state changes: everything due is applied under the old state, then pods react. */
  protected changeLinkState(fn: () => void): void {
    const s = this.store;
    s.tx(() => {
      progressTransfers(s);
      pods.settle(s);
      fn();
      pods.settle(s);
    });
  }

  // ---- arrays, connections and faults (administration: not subject to array faults) ----

  createArray(name: string): ArrayRecord {
    return arrays.createArray(this.store, name);
  }

  listArrays(): ArrayRecord[] {
    return arrays.listArrays(this.store);
  }

  getArray(name: string): ArrayRecord {
    return this.call(name, 'getArray', () => arrays.getArray(this.store, name));
  }

  connectArrays(local: string, remote: string, opts?: arrays.ConnectOptions): ArrayConnectionRecord {
    return this.call(local, 'connectArrays', () =>
      this.store.tx(() => {
        const c = arrays.connect(this.store, local, remote, opts);
        pods.settle(this.store);
        return c;
      }),
    );
  }

  listArrayConnections(array: string): ArrayConnectionRecord[] {
    return this.call(array, 'listArrayConnections', () => arrays.listConnections(this.store, array));
  }

  /**
   * Fault and tuning switch on the link (down/up, a slow link); transfers are brought to now
   * first, under the old state. Down shows as status 'connecting', as the array reports it.
   */
  setLink(a: string, b: string, change: { up?: boolean; bandwidth?: number; latency_ms?: number }): void {
    const s = this.store;
    this.changeLinkState(() => {
      const c = arrays.requireConnection(s, a, b);
      const status = change.up === undefined ? undefined : change.up ? 'connected' : 'connecting';
      arrays.updateConnection(s, a, b, { status, bandwidth: change.bandwidth, latency_ms: change.latency_ms });
      if (change.bandwidth !== undefined && change.bandwidth !== c.bandwidth) rescaleTransfers(s, c, change.bandwidth);
    });
  }

  linkDown(a: string, b: string): void {
    this.setLink(a, b, { up: false });
  }

  linkUp(a: string, b: string): void {
    this.setLink(a, b, { up: true });
  }

  /** Whether an array is off the network (does not consume injected call failures). */
  isArrayDown(name: string): boolean {
    return arrays.isDown(this.store, name);
  }

  /** Takes an array off the network: every call on it fails as unreachable until it is back. */
  setArrayDown(name: string, down: boolean): void {
    const s = this.store;
    this.changeLinkState(() => {
      arrays.getArray(s, name);
      arrays.setArrayDown(s, name, down);
    });
  }

  /** The next `times` calls of method `call` on `array` fail with code 'failed'. */
  failNext(array: string, call: string, times = 1): void {
    arrays.failNext(this.store, array, call, times);
  }

  /** Issues an API token for `user` (a given `token` is stored as is: seeds use fixed ones). */
  createApiToken(array: string, user: string, token?: string): string {
    return arrays.createApiToken(this.store, array, user, token);
  }

  /** The user an API token belongs to, or null; checked by the REST face's login. */
  apiTokenUser(array: string, token: string): string | null {
    return this.call(array, 'login', () => arrays.apiTokenUser(this.store, array, token));
  }

  revokeApiToken(array: string, token: string): void {
    arrays.revokeApiToken(this.store, array, token);
  }
}
