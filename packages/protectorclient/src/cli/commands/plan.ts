import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { PLAN_RUN_MODES, type PlanHook, type PlanHookInput, type PlanTier, type PlanWait, type RecoveryPlan, type RecoveryPlanUpdate } from '../../api/index.js';
import type { PlanCopyState } from '../../coordinator/index.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { findPg } from '../find.js';
import { commitWindowFrom, commitWindowOptions, wholeNumber, type CommitWindowOptions } from '../parse.js';
import { runParams, stepTier, tierLabel } from '../plan-progress.js';
import { answeringOther, followRun, runPlan, type PlanRunOptions } from '../plan-run.js';
import { printList, printShow, withOutput, type OutputOptions } from '../render.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

interface TierOptions extends CommitWindowOptions {
  tier?: string[];
  after?: string[];
  description?: string;
  hooksFile?: string;
}

/**
 * `--hooks-file FILE`: the plan's hooks as the API takes them (a JSON or YAML list), secrets
 * included: a file, so secrets stay out of the shell's history and the process list.
 */
function readHooks(file: string | undefined): PlanHookInput[] | undefined {
  if (file === undefined) return undefined;
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`--hooks-file ${file}: ${err instanceof Error ? err.message : String(err)}`, EXIT.usage);
  }
  if (!Array.isArray(data) || !data.every((h) => typeof h === 'object' && h !== null)) throw new CliError(`--hooks-file ${file}: expected a list of hooks (name, url, event, secret, …)`, EXIT.usage);
  return data as PlanHookInput[];
}

/** A hook in one line: `notify: before_tier app -> https://… (on failure: continue)`. */
const hookText = (h: PlanHook): string => `${h.name}: ${h.event}${h.tier ? ` ${h.tier}` : ''} -> ${h.url}${h.on_failure === 'continue' ? ' (on failure: continue)' : ''}`;

/** `--tier NAME=PG[,PG...]` in order, each PG by name or id (looked up on the --os-cloud site). */
async function parseTiers(c: CliContext, given: readonly string[]): Promise<PlanTier[]> {
  const tiers: PlanTier[] = [];
  for (const v of given) {
    const at = v.indexOf('=');
    const refs = v.slice(at + 1).split(',').map((x) => x.trim()).filter(Boolean);
    if (at <= 0 || refs.length === 0) throw new CliError(`--tier ${v}: expected NAME=PG[,PG...]`, EXIT.usage);
    tiers.push({ name: v.slice(0, at).trim(), protection_groups: await Promise.all(refs.map(async (r) => (await findPg(c.primary(), r)).id)) });
  }
  return tiers;
}

/** `--after TIER=approval[:PROMPT]|SECONDS` (and `none` to drop a wait) applied to `tiers`. */
function applyWaits(tiers: PlanTier[], given: readonly string[], allowNone: boolean): PlanTier[] {
  const out = tiers.map((t) => ({ ...t }));
  for (const v of given) {
    const at = v.indexOf('=');
    const name = v.slice(0, at);
    const what = v.slice(at + 1);
    const i = out.findIndex((t) => t.name === name);
    if (at <= 0 || i < 0) throw new CliError(`--after ${v}: expected TIER=approval[:PROMPT], TIER=SECONDS or TIER=ready:[TIMEOUT:]URL, TIER one of ${out.map((t) => t.name).join(', ')}`, EXIT.usage);
    if (i === out.length - 1 && what !== 'none') throw new CliError(`--after ${v}: ${name} is the last tier; nothing waits after it`, EXIT.usage);
    const t = out[i] as PlanTier;
    let wait: PlanWait | undefined;
    const ready = /^ready:(?:(\d+):)?(https?:\/\/.+)$/.exec(what);
    if (what === 'approval' || what.startsWith('approval:')) wait = { type: 'approval', ...(what.length > 'approval:'.length ? { prompt: what.slice('approval:'.length) } : {}) };
    else if (ready) wait = { type: 'ready', url: ready[2] as string, ...(ready[1] ? { timeout_seconds: Number(ready[1]) } : {}) };
    else if (/^\d+$/.test(what) && Number(what) >= 1) wait = { type: 'time', seconds: Number(what) };
    else if (!(allowNone && what === 'none')) throw new CliError(`--after ${v}: the wait is 'approval', 'approval:PROMPT', a number of seconds or 'ready:[TIMEOUT:]URL'${allowNone ? ", or 'none'" : ''}`, EXIT.usage);
    out[i] = wait ? { ...t, wait_after: wait } : { name: t.name, protection_groups: t.protection_groups };
  }
  return out;
}

/** The plan's commit policy in words. */
const windowText = (w: RecoveryPlan['commit_window']): string =>
  w === null ? 'default (point_in_time runs: 3600 s, then commit; planned runs: none)' : w.seconds === 0 ? 'none' : `${w.seconds} s, then ${w.on_deadline ?? 'commit'} (planned and point_in_time runs)`;

function waitText(w: PlanWait | undefined): string {
  if (!w) return '';
  if (w.type === 'time') return `, then ${w.seconds} s`;
  if (w.type === 'ready') return `, then ready: ${w.url} (up to ${w.timeout_seconds ?? 600} s)`;
  return `, then approval${w.prompt ? `: ${w.prompt}` : ''}`;
}

/** The plan as `show`, `create` and `update` print it: tiers one a line with PG names, the copies each site holds. */
function printPlan(o: OutputOptions, p: RecoveryPlan, names: ReadonlyMap<string, string>, copies?: PlanCopyState[]): void {
  const machine = o.format === 'json' || o.format === 'yaml';
  const tiers = machine ? p.tiers : p.tiers.map((t, i) => `${i + 1}. ${t.name}: ${t.protection_groups.map((id) => names.get(id) ?? id).join(', ')}${waitText(t.wait_after)}`);
  const copyText = (x: PlanCopyState) => `${x.site}: ${x.version === null ? (x.error ? `unreachable (${x.error})` : 'none') : `version ${x.version}`}${x.active_run_id ? `, run ${x.active_run_id} holds it` : ''}`;
  const held = copies?.map((x) => (machine ? x : copyText(x)));
  printShow(o, [
    ['id', p.id],
    ['name', p.name],
    ['description', p.description],
    ['version', p.version],
    ['tiers', tiers],
    ['hooks', machine ? p.hooks : p.hooks.map(hookText)],
    ['commit_window', machine ? p.commit_window : windowText(p.commit_window)],
    // The run holds the plan on the site it runs on: either copy says it.
    ['active_run_id', p.active_run_id ?? copies?.find((x) => x.active_run_id)?.active_run_id ?? null],
    ...(held ? [['copies', held] as const] : []),
    ['created_at', p.created_at],
    ['updated_at', p.updated_at],
  ]);
}

/** plan create|list|show|update|delete|run|pause|resume|approve: plans stored on both sites, runs on the one that brings the workload up. */
export function registerPlans(program: Command, ctx: () => CliContext): void {
  const plan = program.command('plan').description('recovery plans: tiers of protection groups brought up in order, with a wait (a delay or an approval) between tiers, stored on both sites (docs/recovery-plans.md)');
  const names = (c: CliContext) => c.coordinator().plans.pgNames(c.primary());

  withOutput(plan.command('list').description('list recovery plans (a run holding one is shown from either site)'), true).action(async (o: OutputOptions) => {
    const c = ctx();
    const pgs = await names(c);
    // A run holds the plan on the site it runs on; the peer's list says so when it answers.
    const there = new Map(((await c.secondary()?.client.recoveryPlans.list().catch(() => [])) ?? []).map((p) => [p.id, p]));
    printList(
      o,
      [
        ['ID', (p: RecoveryPlan) => p.id],
        ['Name', (p) => p.name],
        ['Version', (p) => p.version],
        ['Tiers', (p) => p.tiers.map((t) => `${t.name}: ${t.protection_groups.map((id) => pgs.get(id) ?? id).join(', ')}${waitText(t.wait_after)}`)],
        ['Active run', (p) => p.active_run_id ?? there.get(p.id)?.active_run_id ?? null],
        ['Updated', (p) => p.updated_at],
      ],
      await c.primary().client.recoveryPlans.list(),
    );
  });

  withOutput(plan.command('show <plan>').description("show a recovery plan (by name or id) and the version each site holds; copies left apart are brought together first"), false).action(async (ref: string, o: OutputOptions) => {
    const c = ctx();
    const r = await c.coordinator().plans.show(ref);
    printPlan(o, r.plan, await c.coordinator().plans.pgNames(r.site), r.copies);
  });

  const WINDOW_HELP = "planned and point_in_time runs: once every PG is up, wait this long for one 'protector operation commit RUN' or 'operation rollback RUN' of the whole run (0: none; default 3600 for point_in_time, none for planned)";
  withOutput(
    commitWindowOptions(
      plan
        .command('create <name>')
        .description('create a recovery plan on both sites (refused when the peer does not answer)')
        .requiredOption('--tier <name=pg,...>', 'a tier: its name and its protection groups (names or ids), started together; repeat in the order tiers run', collect)
        .option('--after <tier=wait>', "what the run waits for after TIER is up: 'approval', 'approval:PROMPT', a number of seconds, or 'ready:[TIMEOUT:]URL' (until URL answers 2xx) (repeatable)", collect)
        .option('--hooks-file <file>', 'the run\'s outbound HTTP hooks, a JSON or YAML list as the API takes them, secrets included (docs/recovery-plans.md)')
        .option('--description <text>', 'description'),
      WINDOW_HELP,
    ),
    false,
  ).action(async (name: string, o: OutputOptions & TierOptions) => {
    const c = ctx();
    const tiers = applyWaits(await parseTiers(c, o.tier ?? []), o.after ?? [], false);
    const made = await c.coordinator().plans.create({ name, description: o.description, tiers, hooks: readHooks(o.hooksFile), commit_window: commitWindowFrom(o) });
    printPlan(o, made, await names(c));
  });

  withOutput(
    commitWindowOptions(
      plan
        .command('update <plan>')
        .description('change a recovery plan on both sites: a new version (--tier replaces every tier)')
        .option('--tier <name=pg,...>', 'the tiers anew, in order (repeatable, as for create)', collect)
        .option('--after <tier=wait>', "the wait after TIER: 'approval', 'approval:PROMPT', a number of seconds, 'ready:[TIMEOUT:]URL', or 'none' (repeatable)", collect)
        .option('--hooks-file <file>', 'the hooks anew (as for create; a hook kept by name keeps its secret when the file gives none; [] removes them all)')
        .option('--name <name>', 'a new name')
        .option('--description <text>', 'a new description'),
      `${WINDOW_HELP}; 'default' removes the plan's own`,
      true,
    ),
    false,
  ).action(async (ref: string, o: OutputOptions & TierOptions & { name?: string }) => {
    const c = ctx();
    const given = o.tier ? await parseTiers(c, o.tier) : undefined;
    const hooks = readHooks(o.hooksFile);
    const window = commitWindowFrom(o);
    const updated = await c.coordinator().plans.update(ref, (cur): RecoveryPlanUpdate => {
      const tiers = given || o.after ? applyWaits(given ?? cur.tiers, o.after ?? [], true) : undefined;
      return { name: o.name, description: o.description, tiers, hooks, ...(window === undefined ? {} : { commit_window: window }) };
    });
    printPlan(o, updated, await names(c));
  });

  plan
    .command('delete <plan>')
    .description('delete a recovery plan from both sites (refused while it runs)')
    .action(async (ref: string) => {
      const gone = await ctx().coordinator().plans.delete(ref);
      process.stdout.write(`recovery plan ${gone.name} deleted on both sites\n`);
    });

  withOutput(
    commitWindowOptions(
      plan
        .command('run <plan>')
        .description('run a recovery plan: tier after tier, on the site that brings the workload up (every PG must run on the same one); a parent operation with a child per PG')
        .addOption(new Option('--mode <mode>', 'drill, drill_cleanup, planned, unplanned (the surviving site alone), point_in_time (both sites: each PG from a chosen point, then one commit or rollback), failback').choices(PLAN_RUN_MODES).makeOptionMandatory())
        .option('--before <time>', 'drill, unplanned, point_in_time: each PG from its newest recovery point created at or before this time (ISO 8601)')
        .option('--recovery-point <pg=id>', 'drill, unplanned, point_in_time: this PG (name or id) from this recovery point (repeatable)', collect)
        .option('--force', "planned, unplanned, failback, drill_cleanup: as the single action's --force")
        .option('--boot-timeout <seconds>', 'how long each server may take to become ACTIVE', wholeNumber('--boot-timeout', 10))
        .option('--dry-run', "pre-check every protection group and print the findings; change nothing")
        .option('--wait', "follow the run: a line per step and per PG change; an approval wait is waited through (approve from another shell: 'protector plan approve RUN'), as are a pause and a commit window, up to --wait-timeout; then a row per PG, and exit 0 only when the run completed"),
      "planned, point_in_time: this run's commit window instead of the plan's (seconds; 0: none)",
    ),
    true,
  ).action(async (ref: string, o: PlanRunOptions) => runPlan(ctx(), ref, o));

  plan
    .command('pause <run>')
    .description('start no further tier of a run (by its operation id) until it is resumed; what has started goes on')
    .action(async (id: string) => {
      const c = ctx();
      const { site, run } = await c.coordinator().plans.findRun(id);
      await site.client.operations.pause(run.id);
      process.stdout.write(`recovery plan ${runParams(run).plan_name ?? ''} run ${run.id} paused on ${site.name}: no further tier starts until 'protector plan resume ${run.id}'\n`);
    });

  withOutput(
    plan
      .command('resume <run>')
      .description('a paused run goes on (a failed one from its failed step)')
      .option('--wait', 'follow the run to its end, as plan run --wait'),
    true,
  ).action(async (id: string, o: OutputOptions & { wait?: boolean }) => {
    const c = ctx();
    const { site, run, other } = await c.coordinator().plans.findRun(id);
    const r = await site.client.operations.resume(run.id);
    // With --wait, stdout keeps the result table.
    (o.wait ? process.stderr : process.stdout).write(`recovery plan ${runParams(run).plan_name ?? ''} run ${r.id} resumed on ${site.name} (${r.status})\n`);
    if (o.wait) await followRun(c, site, await answeringOther(other), r, await c.coordinator().plans.pgNames(site), o);
  });

  plan
    .command('approve <run>')
    .description('approve the wait a run (by its operation id) is at: its next tier starts')
    .option('--comment <text>', 'recorded with the approval')
    .action(async (id: string, o: { comment?: string }) => {
      const c = ctx();
      const { site, run } = await c.coordinator().plans.findRun(id);
      const d = await site.client.operations.approve(run.id, { comment: o.comment });
      const p = runParams(d);
      const at = d.steps.find((s) => s.name.startsWith('approval_after_tier_') && s.status === 'running');
      const i = at ? stepTier(at.name) : -1;
      const next = i >= 0 && i + 1 < (p.tiers ?? []).length ? `; ${tierLabel(p, i + 1)} starts next` : '';
      process.stdout.write(`recovery plan ${p.plan_name ?? ''} run ${d.id} approved${i >= 0 ? ` after ${tierLabel(p, i)}` : ''}${next}\n`);
    });
}
