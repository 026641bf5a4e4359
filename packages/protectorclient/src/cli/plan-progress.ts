import { isFinished, type Operation, type OperationDetail, type OperationStep, type PlanWait } from '../api/index.js';
import { firstLine, reachability, type Follower } from './progress.js';

/** A tier as a run records it in its params (in the order the run takes them). */
interface RunTier {
  name: string;
  protection_groups: string[];
  wait_after?: PlanWait;
}

/** What a run records about its plan (the engine's PlanRunParams, as far as the watcher needs). */
export interface RunParams {
  plan_name?: string;
  mode?: string;
  tiers?: RunTier[];
}

const isRevert = (c: Pick<Operation, 'params'>): boolean => typeof c.params.revert_of === 'string';

export const runParams = (run: Pick<Operation, 'params'>): RunParams => run.params as RunParams;

/** "tier db (1/3)" for a step or tier index of the run. */
export function tierLabel(params: RunParams, index: number): string {
  const tiers = params.tiers ?? [];
  const t = tiers[index];
  return t ? `tier ${t.name} (${index + 1}/${tiers.length})` : `tier ${index + 1}`;
}

/** The tier index a step is about (`start_tier_2`, `approval_after_tier_2` → 1), else -1. */
export const stepTier = (name: string): number => {
  const m = /_tier_(\d+)$/.exec(name);
  return m ? Number(m[1]) - 1 : -1;
};

/** What a step is about, in words for its failure ("hooks before tier db (1/3) failed: …"). */
function about(step: string, tier: string): string {
  const hooks = /^hooks_(before|after)_(run|tier_\d+)$/.exec(step);
  if (hooks) return `hooks ${hooks[1]} ${hooks[2] === 'run' ? 'the run' : tier}`;
  if (step === 'precheck') return 'pre-check';
  if (step.startsWith('ready_after_tier_')) return `the readiness check after ${tier}`;
  if (step.startsWith('revert_tier_')) return `moving ${tier} back`;
  if (/^(approval|delay)_after_tier_/.test(step)) return `the wait after ${tier}`;
  return tier;
}

export interface PlanProgressOptions {
  /** PG names by id (else the id). */
  names?: ReadonlyMap<string, string>;
  /** A user id as people read it (the caller's own id as their name). */
  who?: (userId: string) => string;
}

/** The steps that end a tier's work: its PGs' news of the same poll is said before them. */
const TIER_END = /^(wait_tier_|revert_tier_)/;

/**
 * `plan run --wait` progress on stderr (stdout keeps the result table): one line whenever the
 * run's step changes (a tier started, up, waiting for approval with the command that approves
 * it, approved, paused and by whom, hooks called, a readiness check, moved back), and one per child status change, as the bulk
 * action's progress; in a terminal and out of one alike, since a plan run may wait for hours.
 */
export function planProgress(run: Pick<Operation, 'id' | 'params'>, site: string, stream: NodeJS.WritableStream = process.stderr, o: PlanProgressOptions = {}): Follower {
  const p = runParams(run);
  const tiers = p.tiers ?? [];
  const tag = `plan ${p.plan_name ?? run.id}`;
  const line = (text: string) => void stream.write(`${tag}: ${text}\n`);
  const who = o.who ?? ((id: string) => id);
  const pgName = (id: string | null) => o.names?.get(id ?? '') ?? id ?? '';
  const said = new Set<string>();
  const childSeen = new Map<string, string>();
  let paused: string | null = null;
  let started = false;

  /** What a step's state says, or undefined while there is nothing to say yet. */
  const stepText = (s: OperationStep): string | undefined => {
    const tier = tierLabel(p, stepTier(s.name));
    const d = s.detail;
    const err = firstLine(s.error);
    // A pre-check's error lists every blocker of every PG: all of it, indented.
    if (s.status === 'failed' && s.name === 'precheck') return `pre-check failed: ${(s.error ?? '').split('\n').join('\n    ')}`;
    if (s.status === 'failed') return `${about(s.name, tier)} failed${err}`;
    if (s.name === 'precheck') return s.status === 'running' ? `pre-checking every protection group` : s.status === 'completed' ? `pre-check passed${Number(d.warnings) > 0 ? ` (${String(d.warnings)} warning${d.warnings === 1 ? '' : 's'})` : ''}` : undefined;
    if (s.name.startsWith('start_tier_')) {
      if (s.status !== 'completed') return undefined;
      return d.cancelled === true ? `${tier} not started: the run was cancelled` : `${tier} started: ${(Array.isArray(d.protection_groups) ? (d.protection_groups as string[]) : []).map(pgName).join(', ')}`;
    }
    if (s.name.startsWith('wait_tier_')) {
      if (s.status !== 'completed') return undefined;
      const failed = Array.isArray(d.failed) ? (d.failed as { protection_group_id: string | null; status: string }[]) : [];
      const up = `${tier} ${p.mode === 'drill_cleanup' ? 'cleaned up' : 'up'}${Array.isArray(d.awaiting_commit) ? ', awaiting the run\'s commit' : ''}`;
      return failed.length > 0 ? `${tier} ended with ${failed.map((f) => `${pgName(f.protection_group_id)} ${f.status}`).join(', ')}` : up;
    }
    if (s.name === 'await_commit') {
      if (s.status === 'running' && d.awaiting_commit === true) {
        const pgs = (Array.isArray(d.protection_groups) ? (d.protection_groups as string[]) : []).map(pgName).join(', ');
        return `${pgs} up, awaiting a commit of the whole run: run 'protector operation commit ${run.id}' or 'protector operation rollback ${run.id}'${typeof d.deadline === 'string' ? `; at ${d.deadline} it will ${String(d.on_deadline ?? 'commit')}` : ''}`;
      }
      if (s.status !== 'completed') return undefined;
      if (d.awaiting === 0) return 'nothing awaits a commit';
      if (d.decision === null) return 'each protection group was committed or rolled back on its own';
      const by = d.by === 'deadline' ? 'at the commit deadline' : `by ${who(String(d.by))}`;
      return `${d.decision === 'rollback' ? 'rolled back' : 'committed'} ${by}`;
    }
    if (s.name.startsWith('approval_after_tier_')) {
      if (s.status === 'running') return d.waiting_for === 'approval' ? `waiting for approval${typeof d.prompt === 'string' ? `: ${d.prompt}` : ''} — run 'protector plan approve ${run.id}'` : undefined;
      if (s.status === 'completed') return typeof d.approved_by === 'string' ? `approved by ${who(d.approved_by)}${typeof d.comment === 'string' ? ` (${d.comment})` : ''}` : 'the approval wait ended: the run was cancelled';
      return undefined;
    }
    if (s.name.startsWith('delay_after_tier_')) {
      const w = tiers[stepTier(s.name)]?.wait_after;
      return s.status === 'running' && typeof d.until === 'string' ? `waiting${w?.type === 'time' ? ` ${w.seconds} s` : ''} after ${tier}: the next tier starts at ${d.until}` : undefined;
    }
    if (s.name.startsWith('hooks_')) {
      const called = Array.isArray(d.hooks) ? (d.hooks as { hook: string; ok: boolean }[]) : [];
      return s.status === 'completed' ? `${about(s.name, tier)} called: ${called.map((h) => `${h.hook} ${h.ok ? 'ok' : 'failed (passed)'}`).join(', ')}` : undefined;
    }
    if (s.name.startsWith('ready_after_tier_')) {
      const w = tiers[stepTier(s.name)]?.wait_after;
      const url = w?.type === 'ready' ? w.url : 'the readiness URL';
      if (s.status === 'running') return `waiting until ${url} answers after ${tier}`;
      return s.status === 'completed' ? `${url} ready after ${String(d.ready_after_seconds ?? '?')} s` : undefined;
    }
    if (s.name === 'cancel_unstarted') return s.status === 'completed' ? `rolling back: ${String(d.cancelled ?? 0)} protection groups not started were cancelled` : undefined;
    if (s.name === 'wait_started') return s.status === 'running' ? 'rolling back: waiting for the protection groups already started' : undefined;
    if (s.name.startsWith('revert_tier_')) return s.status === 'running' ? `moving ${tier} back` : s.status === 'completed' ? `${tier} moved back` : undefined;
    return s.status === 'pending' ? undefined : `${s.name} ${s.status}`;
  };

  /** The children's status changes (those `only` keeps), one line each. */
  const children = (d: OperationDetail, only: (c: Operation) => boolean = () => true) => {
    for (const c of d.children) {
      if (childSeen.get(c.id) === c.status || !only(c)) continue;
      childSeen.set(c.id, c.status);
      line(`${pgName(c.protection_group_id)} ${c.type}${isRevert(c) ? ' (moving back)' : ''} ${c.status}${firstLine(c.error)}`);
    }
  };

  /** The steps in order; a tier's end after its own PGs' news (a tier starts before its PGs move, and is up after). */
  const steps = (d: OperationDetail) => {
    for (const s of d.steps) {
      const text = stepText(s);
      const key = `${s.seq}:${s.status}`;
      if (text === undefined || said.has(key)) continue;
      said.add(key);
      if (TIER_END.test(s.name) && s.status !== 'running') {
        const pgs = tiers[stepTier(s.name)]?.protection_groups ?? [];
        children(d, (c) => pgs.includes(c.protection_group_id ?? '') && isRevert(c) === s.name.startsWith('revert_tier_'));
      }
      line(text);
    }
  };

  return {
    onProgress: () => {},
    onPoll: (d) => {
      if (!started) {
        started = true;
        line(`${p.mode ?? 'plan'} run ${run.id} on ${site}: ${tiers.length} tiers, ${tiers.reduce((n, t) => n + t.protection_groups.length, 0)} protection groups`);
      }
      // Before the steps: a tier that starts in the same poll as a resume started after it.
      const pause = d.result.paused as { by?: string } | undefined;
      const now = pause ? `paused by ${who(pause.by ?? 'unknown')}: no further tier starts until 'protector plan resume ${run.id}'; what has started goes on` : null;
      if (now !== paused && !(now === null && isFinished(d.status))) {
        if (now) line(now);
        else if (paused) line('resumed');
        paused = now;
      }
      steps(d);
      children(d);
      if (isFinished(d.status) && !said.has('end')) {
        said.add('end');
        line(`run ${d.status}${firstLine(d.error)}`);
      }
    },
    ...reachability(tag, site, (text) => void stream.write(`${text}\n`)),
  };
}
