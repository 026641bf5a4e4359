/** Where a watch writes; a pino logger fits. */
export interface WatchLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

/**
 * One dependency's outages (the database, the message broker) as the log tells them: one warning
 * when it becomes unreachable and one line when it answers again, however many calls fail or are
 * retried in between — so a 20-second outage is two log lines, not one per attempt.
 */
export class DependencyWatch {
  private downSince: number | undefined;

  constructor(
    /** As operators read it: "database", "message bus". */
    readonly name: string,
    private readonly logger: WatchLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The watch's clock, for `ok(startedAt)`. */
  time(): number {
    return this.now();
  }

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** A call failed because the dependency is away; only the first failure of an outage is logged. */
  failed(err: unknown, retrying = 'retrying with back-off'): void {
    if (this.downSince !== undefined) return;
    this.downSince = this.now();
    const reason = err instanceof Error ? err.message : String(err);
    this.logger.warn({ dependency: this.name, err: reason }, `${this.name} unreachable: ${reason}; ${retrying}`);
  }

  /**
   * A call succeeded: ends the outage, if there was one, saying how long it lasted. `startedAt`
   * (this watch's clock) is when the call began: one that was already running when the outage was
   * noticed proves nothing about now, so it does not end it (the log would flap otherwise).
   */
  ok(startedAt?: number): void {
    if (this.downSince === undefined) return;
    if (startedAt !== undefined && startedAt <= this.downSince) return;
    const ms = this.now() - this.downSince;
    this.downSince = undefined;
    this.logger.info({ dependency: this.name, outage_ms: ms }, `${this.name} reachable again after ${(ms / 1000).toFixed(1)} s`);
  }
}

/** The delay before retry `attempt` (0-based): doubling from `initialMs`, at most `maxMs`. */
export const backoffDelay = (attempt: number, initialMs: number, maxMs: number): number => Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
