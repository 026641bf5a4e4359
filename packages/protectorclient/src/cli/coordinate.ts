import { OperationSiteUnreachableError, OperationWaitAbandonedError, type Operation, type OperationDetail, type ProtectionGroup } from '../api/index.js';
import type { ShowData } from '../output/format.js';
import { catchUp, DivergedError, describeStored, propagate, type CaughtUp, type SiteHandle } from '../coordinator/index.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { findPg } from './find.js';
import { progressPrinter } from './progress.js';

export interface WaitOptions {
  wait?: boolean;
}

const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const note = (text: string): void => void process.stderr.write(`${text}\n`);
const syncCommand = (pgRef: string): string => `protector protection-group sync ${pgRef}`;

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
    throw new CliError(`the change was made on ${from.name}, but its metadata could not be stored on ${to.name}: ${why(err)}; run '${syncCommand(pgId)}' once both sites answer`);
  }
}

/**
 * After a followed operation, whatever it ended as (completed, failed, partial, rolled_back,
 * cancelled): its site's document is stored on the peer and acknowledged, or the user is told
 * what to run once the peer answers. A completed operation whose document could not be stored
 * exits 1; a failed one keeps its own exit code (3 or 4), the note said.
 */
export async function storeAfterWait(done: OperationDetail, pgId: string, pgRef: string, from: SiteHandle, to: SiteHandle | null): Promise<void> {
  if (!to) return note(`the peer site did not answer: run '${syncCommand(pgRef)}' when it is back, to store the result of operation ${done.id} there`);
  try {
    await propagate(pgId, from, to);
  } catch (err) {
    const msg = `operation ${done.id} (${done.type}) ended ${done.status} on ${from.name}, but its metadata could not be stored on ${to.name}: ${why(err)}; run '${syncCommand(pgRef)}' once both sites answer`;
    if (done.status === 'completed') throw new CliError(msg);
    note(`protector: ${msg}`);
  }
}

/**
 * Brings the PG's two copies together before a command uses it (DESIGN §5): a document an
 * operation started without --wait left on one site is stored on the other once nothing runs
 * on either (the SDK coordinator's catchUp decides). For a change (`change`), copies that
 * cannot be brought together refuse it before anything changes; for a read, they are noted.
 */
export async function settle(pgId: string, pgRef: string, a: SiteHandle, b: SiteHandle, change: boolean): Promise<CaughtUp | null> {
  let r: CaughtUp;
  try {
    r = await catchUp(pgId, a, b);
  } catch (err) {
    if (change) throw err;
    note(`protector: the metadata of protection group ${pgRef} could not be brought together on both sites: ${why(err)}; run '${syncCommand(pgRef)}'`);
    return null;
  }
  if (r.stored) note(describeStored(r.stored));
  if (change && r.pending.state === 'diverged') {
    throw new DivergedError(pgRef, r.pending.copies.map((c) => ({ site: c.site.name, version: c.version, syncState: c.syncState })));
  }
  return r;
}

/**
 * The PG named `ref` on the --os-cloud site, after settling its copies with the peer when one
 * is named (re-read when this site's copy was the older one).
 */
export async function pgFor(ctx: CliContext, ref: string, opts: { change?: boolean } = {}): Promise<ProtectionGroup> {
  const here = ctx.primary();
  const pg = await findPg(here, ref);
  const peer = ctx.secondary();
  if (!peer) return pg;
  const r = await settle(pg.id, ref, here, peer, opts.change === true);
  return r?.stored && r.stored.to === here.name ? here.client.protectionGroups.get(pg.id) : pg;
}

/**
 * `protection-group list` with a peer named: every PG whose copies differ is settled (one list
 * call per site finds them); the list is read again when anything was stored here.
 */
export async function settleList(ctx: CliContext, pgs: ProtectionGroup[]): Promise<ProtectionGroup[]> {
  const here = ctx.primary();
  const peer = ctx.secondary();
  if (!peer) return pgs;
  const there = new Map((await peer.client.protectionGroups.list().catch(() => [])).map((p) => [p.id, p]));
  let storedHere = false;
  for (const p of pgs) {
    const q = there.get(p.id);
    if (!q || (q.metadata_version === p.metadata_version && q.sync_state === 'in_sync' && p.sync_state === 'in_sync')) continue;
    const r = await settle(p.id, p.name, here, peer, false);
    storedHere ||= r?.stored?.to === here.name;
  }
  return storedHere ? here.client.protectionGroups.list() : pgs;
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

export interface FollowOptions {
  /** How the user named the operation's PG: the give-up message names the sync to run. */
  pgRef?: string;
  /** What to run again when the operation did not complete (said after the steps). */
  retry?: string;
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
    done = await site.client.waitForOperation(op.id, { intervalMs: 500, ...ctx.waitLimits(), ...progressPrinter(op, site.name) });
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
