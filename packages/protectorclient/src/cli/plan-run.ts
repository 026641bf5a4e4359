import type { Operation, OperationDetail, PlanRunBody, PlanRunMode } from '../api/index.js';
import { requireReachable, type SiteHandle } from '../coordinator/index.js';
import { childDetails, printReports } from './bulk.js';
import { follow } from './coordinate.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { planProgress, runParams, tierLabel } from './plan-progress.js';
import { commitWindowFrom, type CommitWindowOptions } from './parse.js';
import { printList, type OutputOptions } from './render.js';

export interface PlanRunOptions extends OutputOptions, CommitWindowOptions {
  mode: PlanRunMode;
  before?: string;
  recoveryPoint?: string[];
  force?: boolean;
  bootTimeout?: number;
  dryRun?: boolean;
  wait?: boolean;
}

/** `--recovery-point PG=RP` (repeatable) as PG reference → recovery point id. */
function recoveryPoints(given: readonly string[] = []): Record<string, string> | undefined {
  if (given.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const v of given) {
    const at = v.indexOf('=');
    if (at <= 0 || at === v.length - 1) throw new CliError(`--recovery-point ${v}: expected PG=RECOVERY_POINT`, EXIT.usage);
    out[v.slice(0, at)] = v.slice(at + 1);
  }
  return out;
}

function beforeTime(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new CliError(`--before ${v}: expected a time such as 2026-11-24T23:40:00Z`, EXIT.usage);
  return new Date(t).toISOString();
}

/** The tier a child's PG is in, as "db (1/3)". */
const tierOf = (run: Pick<Operation, 'params'>, pgId: string | null): string => {
  const p = runParams(run);
  const i = (p.tiers ?? []).findIndex((t) => t.protection_groups.includes(pgId ?? ''));
  return i < 0 ? '' : tierLabel(p, i).replace(/^tier /, '');
};

/**
 * `plan run`: posted by the SDK to the one site every PG's action runs on. --dry-run prints every
 * PG's findings; without --wait the children are listed; --wait follows the run (followRun).
 */
export async function runPlan(c: CliContext, ref: string, o: PlanRunOptions): Promise<void> {
  const body: PlanRunBody = {
    mode: o.mode,
    before: beforeTime(o.before),
    force: o.force,
    boot_timeout_seconds: o.bootTimeout,
    commit_window: commitWindowFrom(o) ?? undefined,
    ...(o.dryRun ? { dry_run: true } : {}),
  };
  const started = await c.coordinator().plans.run(ref, body, { recoveryPoints: recoveryPoints(o.recoveryPoint) });
  const { answer, target, other, names } = started;
  if ('precheck' in answer) return printReports(o, o.mode, [{ site: target.name, report: answer.precheck }]);
  const run = answer.operation;
  if (!o.wait) {
    printList(
      o,
      [['Tier', (x) => tierOf(run, x.protection_group_id)], ['Protection group', (x) => names.get(x.protection_group_id ?? '') ?? x.protection_group_id], ['Operation', (x) => x.id], ['Type', (x) => x.type], ['Status', (x) => x.status], ['Site', () => target.name], ['Run', () => run.id]],
      answer.children,
    );
    process.stderr.write(`recovery plan ${started.plan.name}: run ${run.id} on ${target.name}; follow it with 'protector --os-cloud ${target.name} operation show ${run.id}'\n`);
    return;
  }
  await followRun(c, target, other, run, names, o);
}

/**
 * Follows a run to its end with the plan's progress (an approval wait is waited through: someone
 * approves from elsewhere), stores each PG's document on the peer, then prints a row per child
 * in tier order (a planned run's moves back after them). The exit code is the run's end.
 */
export async function followRun(c: CliContext, site: SiteHandle, other: SiteHandle | null, run: Operation, names: ReadonlyMap<string, string>, o: OutputOptions): Promise<OperationDetail> {
  const me = await site.client.session.auth().catch(() => null);
  const who = (id: string) => (me && id === me.userId ? me.userName : id);
  const done = await follow(c, site, run, { names, printer: planProgress(run, site.name, process.stderr, { names, who }) });
  // Each child changed its PG's document on this site, whatever its end: the peer gets it now, or at the next sync.
  const stored = await c
    .coordinator()
    .plans.storeAfterRun(done, site, other, names)
    .then(
      () => null,
      (err: unknown) => err,
    );
  const details = await childDetails(site, done.children);
  printList(
    o,
    [
      ['Tier', (x) => tierOf(done, x.protection_group_id)],
      ['Protection group', (x) => names.get(x.protection_group_id ?? '') ?? x.protection_group_id],
      ['Operation', (x) => x.id],
      ['Type', (x) => x.type],
      ['Status', (x) => x.status],
      ['Site', () => site.name],
      ['Queued (s)', (x) => x.queued_seconds],
      ['RTO (s)', (x) => x.rto_seconds],
      ['Error', (x) => x.error],
    ],
    details,
  );
  if (stored) throw stored;
  return done;
}

/** The other site of a run found by id, when it answers (its documents are stored there after the run). */
export async function answeringOther(other: SiteHandle | null): Promise<SiteHandle | null> {
  return other ? requireReachable(other).then((s) => s, () => null) : null;
}
