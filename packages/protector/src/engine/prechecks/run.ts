import { standbySiteId } from '../../db/protection-groups.js';
import type { WorkflowContext } from '../context.js';
import { StepError } from '../workflow.js';
import type { Check, CheckInput, Finding, PrecheckInput } from './check.js';

export interface PrecheckResult {
  ok: boolean;
  blockers: Finding[];
  warnings: Finding[];
  /** Which checks ran (the rest did not apply to the action). */
  checks: string[];
  /** The findings as text, one numbered line each: what an operator reads. */
  report: string;
}

/** Thrown by a workflow's first step: the operation ends with every blocker listed, none hidden. */
export class PrecheckFailed extends StepError {
  constructor(readonly result: PrecheckResult) {
    super(`pre-checks found ${result.blockers.length} blocker(s):\n${result.report}`, {
      blockers: result.blockers,
      warnings: result.warnings,
      checks: result.checks,
    });
    this.name = 'PrecheckFailed';
  }
}

export function formatReport(blockers: readonly Finding[], warnings: readonly Finding[]): string {
  const lines = [...blockers, ...warnings].map((f, i) => `${i + 1}. [${f.severity}] ${f.code}: ${f.message}`);
  return lines.length ? lines.join('\n') : 'all pre-checks passed';
}

/**
 * The facts every check (and the workflow steps after them, which resolve mappings the same
 * way) work from: members, the run's mappings (overrides first), source and target site.
 */
export async function checkInput(ctx: WorkflowContext, input: PrecheckInput): Promise<CheckInput> {
  const memo = new Map<string, Promise<unknown>>();
  const [members, stored] = await Promise.all([ctx.pgs.members(input.pg.id), ctx.pgs.mappings(input.pg.id)]);
  const sourceSiteId = input.pg.current_primary_site_id;
  const overrides = (input.overrides ?? []).map((o) => ({ ...o, source_site_id: sourceSiteId }));
  return {
    ...input,
    members,
    mappings: [...overrides, ...stored],
    sourceSiteId,
    targetSiteId: standbySiteId(input.pg),
    memo<T>(key: string, load: () => Promise<T>): Promise<T> {
      let p = memo.get(key) as Promise<T> | undefined;
      if (!p) {
        p = load();
        memo.set(key, p);
      }
      return p;
    },
  };
}

/**
 * Runs every check that applies to the action and collects all findings. Checks only read, so
 * they run concurrently; one that throws becomes a blocker naming it, because an unanswered
 * question must not be taken as "no problem", and must not hide the other checks' answers.
 */
export async function runPrechecks(ctx: WorkflowContext, input: PrecheckInput, checks: readonly Check[]): Promise<PrecheckResult> {
  const full = await checkInput(ctx, input);
  const applicable = checks.filter((c) => c.appliesTo.includes(input.action));
  const results = await Promise.all(
    applicable.map(async (c): Promise<Finding[]> => {
      try {
        return await c.run(ctx, full);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        return [{ check: c.name, severity: 'blocker', code: 'check_failed', message: `pre-check ${c.name} could not complete: ${error}`, detail: { error } }];
      }
    }),
  );
  const all = results.flat();
  const blockers = all.filter((f) => f.severity === 'blocker');
  const warnings = all.filter((f) => f.severity === 'warning');
  return { ok: blockers.length === 0, blockers, warnings, checks: applicable.map((c) => c.name), report: formatReport(blockers, warnings) };
}

/** For a workflow's first step: runs the checks and throws PrecheckFailed with every blocker. */
export async function requirePrechecks(ctx: WorkflowContext, input: PrecheckInput, checks: readonly Check[]): Promise<PrecheckResult> {
  const result = await runPrechecks(ctx, input, checks);
  if (!result.ok) throw new PrecheckFailed(result);
  return result;
}
