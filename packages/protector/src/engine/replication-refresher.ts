import type { Kysely } from 'kysely';
import { REPLICATION_REFRESH, ReplicationStates, type RecordedState } from '../db/replication-state.js';
import type { Database } from '../db/schema.js';
import type { ReplicationGroupHandle, ReplicationStatus, StorageDriver } from '../storage/index.js';
import { StorageError } from '../storage/index.js';

export interface RefreshReport {
  /** 'full': every PG, under the site's lease; 'due': only those whose state is due (see arrayHandles). */
  kind: 'full' | 'due';
  /** PGs whose state was read and recorded. */
  pgs: number;
  /** Of them, those whose read failed (recorded with the error). */
  failed: number;
  /** States of deleted PGs removed (full refreshes only). */
  pruned: number;
  durationMs: number;
}

export interface ReplicationRefresherOptions {
  /** This engine's name in the lease and in `checked_by`. */
  owner: string;
  /** `[engine] replication_poll_interval`: between full refreshes, and the lease each one holds. */
  intervalMs: number;
  /** Between reads of the PGs whose state is due (new, reversed, transferring); default 5 s, at most intervalMs. */
  dueMs?: number;
  now?: () => number;
  onRefreshed?: (report: RefreshReport) => void;
  onError?: (err: unknown) => void;
}

/** How soon a PG just protected, just reversed or transferring is read again, by default. */
export const DUE_MS = 5000;

/**
 * The engine's background refresh of every PG's replication state (issue [10]): on each interval
 * the engine holding the site's refresh lease reads the state of every PG with an array construct
 * from the arrays, batched (a few array calls per array for all PGs, not some per PG), and records
 * it; health is answered from that record and never waits on an array. With several engines per
 * site one refreshes per interval; if it dies its lease runs out and another takes over. Between
 * full refreshes, every engine reads the few PGs whose state is due (never read, replication just
 * reversed, a transfer in flight), so health catches up within seconds. Writes are upserts in which
 * the newer read wins, so overlaps are harmless.
 */
export class ReplicationRefresher {
  private readonly states: ReplicationStates;
  private readonly now: () => number;
  private readonly dueMs: number;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<unknown> = Promise.resolve();
  private lastFull = -Infinity;

  constructor(
    db: Kysely<Database>,
    private readonly storage: StorageDriver,
    private readonly o: ReplicationRefresherOptions,
  ) {
    this.states = new ReplicationStates(db);
    this.now = o.now ?? Date.now;
    this.dueMs = Math.min(o.dueMs ?? DUE_MS, o.intervalMs);
  }

  /** A full refresh now (if this engine gets the lease), then due reads and full refreshes on their intervals, until stop(). */
  start(): void {
    const run = () => {
      this.pass = this.step()
        .then((r) => r && this.o.onRefreshed?.(r))
        .catch((err: unknown) => this.o.onError?.(err))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(run, this.dueMs);
        });
    };
    run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  private async step(): Promise<RefreshReport | null> {
    if (this.now() - this.lastFull >= this.o.intervalMs) {
      this.lastFull = this.now();
      const full = await this.tick();
      if (full) return full;
    }
    return this.refreshDue();
  }

  /** A full refresh when this engine holds the lease for this interval; null when another engine does. */
  async tick(): Promise<RefreshReport | null> {
    if (!(await this.states.claim(REPLICATION_REFRESH, this.o.owner, this.o.intervalMs, this.now()))) return null;
    return this.refresh();
  }

  /** Reads every PG's state from the arrays in one batched driver call and records it. */
  async refresh(): Promise<RefreshReport> {
    const started = this.now();
    const read = await this.read(await this.states.arrayHandles());
    const pruned = await this.states.prune();
    return { kind: 'full', ...read, pruned, durationMs: this.now() - started };
  }

  /** Reads the PGs whose state is due (none: no array call); null when there were none. */
  async refreshDue(): Promise<RefreshReport | null> {
    const started = this.now();
    const due = (await this.states.arrayHandles()).filter((p) => p.due);
    if (due.length === 0) return null;
    return { kind: 'due', ...(await this.read(due)), pruned: 0, durationMs: this.now() - started };
  }

  private async read(pgs: { id: string; handle: ReplicationGroupHandle }[]): Promise<{ pgs: number; failed: number }> {
    // A driver failure as a whole is recorded for every PG: health then says why, not just how old.
    const statuses = pgs.length > 0 ? await this.storage.replicationStatuses(pgs.map((p) => p.handle)).catch((err: unknown) => pgs.map(() => failure(err))) : [];
    const checkedAt = this.now();
    const states = pgs.map((p, i) => recorded(p.id, p.handle, statuses[i], checkedAt, this.o.owner));
    await this.states.record(states);
    return { pgs: states.length, failed: states.filter((s) => s.error !== null).length };
  }
}

const failure = (err: unknown): StorageError =>
  err instanceof StorageError ? err : new StorageError('failed', `reading the replication state: ${err instanceof Error ? err.message : String(err)}`, { cause: err });

/** The record of one PG's read: what the driver answered, or why it could not. */
function recorded(pgId: string, h: ReplicationGroupHandle, s: ReplicationStatus | StorageError | undefined, checkedAt: number, owner: string): RecordedState {
  const common = { pg_id: pgId, source_array: h.sourceArray, target_array: h.targetArray, checked_at: checkedAt, checked_by: owner };
  if (s === undefined || s instanceof StorageError) {
    const error = s?.message ?? 'the storage driver gave no answer for this protection group';
    return { ...common, link: null, source_reachable: null, target_reachable: null, lag_ms: null, newest_recovery_point: null, last_transfer_at: null, transfers: [], detail: error, error };
  }
  return {
    ...common,
    link: s.link,
    source_reachable: s.sourceReachable,
    target_reachable: s.targetReachable,
    lag_ms: s.lagMs,
    newest_recovery_point: s.newestRecoveryPoint,
    last_transfer_at: s.lastTransferAt,
    transfers: s.inFlight.map((t) => ({ recovery_point: t.recoveryPoint, progress: t.progress })),
    detail: s.detail,
    error: null,
  };
}
