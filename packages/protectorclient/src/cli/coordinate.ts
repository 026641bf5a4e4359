import { OperationSiteUnreachableError, OperationWaitAbandonedError, type Operation, type OperationDetail, type ProtectionGroup } from '../api/index.js';
import type { ShowData } from '../output/format.js';
import type { SiteHandle } from '../coordinator/index.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { progressPrinter, type Follower } from './progress.js';
import { addressLines } from './addresses.js';

export interface WaitOptions {
  wait?: boolean;
}

const note = (text: string): void => void process.stderr.write(`${text}\n`);
const syncCommand = (pgRef: string): string => `protector protection-group sync ${pgRef}`;

// The cross-site rules are the SDK Coordinator's (coordinator/coordinator.ts); these keep the
// commands' vocabulary.

/** A change made on `owner` once the peer answers, then pushed to it (DESIGN §5). */
export function coordinated<T>(
  ctx: CliContext,
  owner: SiteHandle,
  pgId: (r: T) => string | null,
  change: (site: SiteHandle) => Promise<T>,
  opts: { pushAfterWait?: boolean } = {},
): Promise<{ result: T; peer: SiteHandle }> {
  return ctx.coordinator().change(owner, pgId, change, opts);
}

/** After a followed operation: its document stored on the peer, or what to run said. */
export function storeAfterWait(ctx: CliContext, done: Pick<Operation, 'id' | 'type' | 'status'>, pgId: string, pgRef: string, from: SiteHandle, to: SiteHandle | null): Promise<void> {
  return ctx.coordinator().storeAfterOperation(done, pgId, pgRef, from, to);
}

/** The PG named `ref` on the --os-cloud site, its copies settled with the peer first. */
export function pgFor(ctx: CliContext, ref: string, opts: { change?: boolean } = {}): Promise<ProtectionGroup> {
  return ctx.coordinator().pg(ref, opts);
}

/** `protection-group list` with a peer named: copies that differ are settled first. */
export function settleList(ctx: CliContext, pgs: ProtectionGroup[]): Promise<ProtectionGroup[]> {
  return ctx.coordinator().settleList(pgs);
}

/** How a followed operation is printed: its outcome, queue time, RTO (from the request) and steps (one formatter for every command). */
export function operationSummary(site: SiteHandle, done: OperationDetail): ShowData {
  return [
    ['operation', done.id],
    ['type', done.type],
    ['status', done.status],
    ['site', site.name],
    ['queued_seconds', done.queued_seconds],
    ['rto_seconds', done.rto_seconds],
    ['error', done.error],
    ['steps', done.steps.map((s) => `${s.name} ${s.status}${s.duration_ms === null ? '' : ` ${(s.duration_ms / 1000).toFixed(1)} s`}`)],
    ...(addressLines(done.result).length > 0 ? [['addresses', addressLines(done.result)] as const] : []),
  ];
}

export interface FollowOptions {
  /** How the user named the operation's PG: the give-up message names the sync to run. */
  pgRef?: string;
  /** What to run again when the operation did not complete (said after the steps). */
  retry?: string;
  /** A parent's children are shown by their PG: how the user named each PG, by id. */
  names?: ReadonlyMap<string, string>;
  /** How the progress is shown (default: the steps, as progressPrinter). */
  printer?: Follower;
}

/** Why a wait gave up, in the words of its options. */
function abandoned(err: OperationWaitAbandonedError, site: SiteHandle, ctx: CliContext): string {
  if (err instanceof OperationSiteUnreachableError) return `${site.name} did not answer for ${Math.round(err.downMs / 1000)} s (${err.reason}; --wait-unreachable ${ctx.waitLimits().unreachableMs / 1000})`;
  return `it was still ${err.lastStatus} after --wait-timeout ${ctx.waitLimits().timeoutMs / 1000} s`;
}

/**
 * Follows an operation with live progress through a protector-api restart or a site briefly
 * gone (SDK waitForOperation); its final state decides the exit code. Giving up exits 6 naming
 * the operation and the commands to follow it and to store its result on both sites.
 */
export async function follow(ctx: CliContext, site: SiteHandle, op: Operation, o: FollowOptions = {}): Promise<OperationDetail> {
  let done: OperationDetail;
  try {
    done = await site.client.waitForOperation(op.id, { intervalMs: 500, ...ctx.waitLimits(), ...(o.printer ?? progressPrinter(op, site.name, process.stderr, { names: o.names })) });
  } catch (err) {
    if (!(err instanceof OperationWaitAbandonedError)) throw err;
    const pg = o.pgRef ?? op.protection_group_id;
    const sync = pg ? `, and once it has finished '${syncCommand(pg)}' to store its result on both sites` : '';
    throw new CliError(
      `stopped following operation ${op.id} (${op.type}, last seen ${err.lastStatus}) on ${site.name}: ${abandoned(err, site, ctx)}. It may go on there: run 'protector --os-cloud ${site.name} operation show ${op.id}' to follow it${sync}`,
      EXIT.waitAbandoned,
    );
  }
  if (done.status === 'partial') process.exitCode = EXIT.operationPartial;
  else if (done.status !== 'completed') process.exitCode = EXIT.operationFailed;
  // The summary on stdout has the error; this names the operation and what to run next.
  if (done.status !== 'completed') note(`protector: operation ${done.id} (${done.type}) ended ${done.status} on ${site.name}; 'protector --os-cloud ${site.name} operation show ${done.id} --steps' lists what each step did${o.retry ? `; ${o.retry}` : ''}`);
  return done;
}
