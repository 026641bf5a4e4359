/**
 * Health checks for `/healthz`: each runs with a timeout so one hung dependency (a database that
 * accepts connections and never answers) cannot hang the probe, and they run in parallel so the
 * probe takes as long as the slowest check, not the sum.
 */

/** Resolves when healthy, rejects when not. The signal fires at the timeout so work can stop. */
export type HealthCheck = (signal: AbortSignal) => Promise<unknown>;

export type CheckResult = 'ok' | 'failed' | 'timeout';

export interface HealthReport {
  status: 'ok' | 'failed';
  checks: Record<string, CheckResult>;
  /** Names of the checks that did not pass; present only when status is `failed`. */
  failed?: string[];
}

export interface HealthOptions {
  timeoutMs: number;
  /** Told why a check failed, for the log; the report itself never carries error text. */
  onFailure?: (name: string, result: Exclude<CheckResult, 'ok'>, error: unknown) => void;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;

class HealthTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'HealthTimeout';
  }
}

export async function runHealthChecks(checks: Readonly<Record<string, HealthCheck>>, options: HealthOptions): Promise<HealthReport> {
  const entries = Object.entries(checks);
  const results = await Promise.all(entries.map(([name, check]) => runOne(name, check, options)));
  const report: HealthReport = { status: 'ok', checks: {} };
  const failed: string[] = [];
  entries.forEach(([name], i) => {
    const result = results[i] ?? 'failed';
    report.checks[name] = result;
    if (result !== 'ok') failed.push(name);
  });
  if (failed.length > 0) {
    report.status = 'failed';
    report.failed = failed;
  }
  return report;
}

async function runOne(name: string, check: HealthCheck, options: HealthOptions): Promise<CheckResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new HealthTimeout(options.timeoutMs);
      controller.abort(err);
      reject(err);
    }, options.timeoutMs);
  });
  try {
    // Promise.resolve().then(): a check that throws synchronously is a failure, not a crash.
    await Promise.race([Promise.resolve().then(() => check(controller.signal)), timeout]);
    return 'ok';
  } catch (error) {
    const result = error instanceof HealthTimeout ? 'timeout' : 'failed';
    options.onFailure?.(name, result, error);
    return result;
  } finally {
    clearTimeout(timer);
  }
}
