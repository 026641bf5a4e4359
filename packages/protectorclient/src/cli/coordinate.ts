import type { Operation, OperationDetail } from '../api/index.js';
import type { ShowData } from '../output/format.js';
import { propagate, type SiteHandle } from '../coordinator/index.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { progressPrinter } from './progress.js';

export interface WaitOptions {
  wait?: boolean;
}

/**
 * A change to a protection group, as DESIGN §5 orders it: the peer must answer first (else
 * nothing changes), the change is made on the owning site, then the document is pushed to the
 * peer and acknowledged. With `--wait` the operation is followed to its end and pushed again
 * (the engine's own changes bump the version too).
 */
export async function coordinated<T>(
  ctx: CliContext,
  owner: SiteHandle,
  pgId: (r: T) => string | null,
  change: (site: SiteHandle) => Promise<T>,
  opts: { pushAfterWait?: boolean } = {},
): Promise<{ result: T; peer: SiteHandle }> {
  const peer = await ctx.reachablePeer();
  const result = await change(owner);
  const id = pgId(result);
  // A command that waits for its operation pushes once, after it: the engine changes the document again.
  if (id && !opts.pushAfterWait) await pushOrExplain(id, owner, peer);
  return { result, peer };
}

export async function pushOrExplain(pgId: string, from: SiteHandle, to: SiteHandle): Promise<void> {
  try {
    await propagate(pgId, from, to);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new CliError(`the change was made on ${from.name}, but its metadata could not be stored on ${to.name}: ${why}; run 'protector protection-group sync ${pgId}' once both sites answer`);
  }
}

/** How a followed operation is printed: its outcome, RTO and steps (one formatter for every command). */
export function operationSummary(site: SiteHandle, done: OperationDetail): ShowData {
  return [
    ['operation', done.id],
    ['type', done.type],
    ['status', done.status],
    ['site', site.name],
    ['rto_seconds', done.rto_seconds],
    ['error', done.error],
    ['steps', done.steps.map((s) => `${s.name} ${s.status}${s.duration_ms === null ? '' : ` ${(s.duration_ms / 1000).toFixed(1)} s`}`)],
  ];
}

/** Follows an operation with live progress; its final state decides the exit code. */
export async function follow(site: SiteHandle, op: Operation): Promise<OperationDetail> {
  const done = await site.client.waitForOperation(op.id, { intervalMs: 500, onProgress: progressPrinter() });
  if (done.status === 'partial') process.exitCode = EXIT.operationPartial;
  else if (done.status !== 'completed') process.exitCode = EXIT.operationFailed;
  return done;
}
