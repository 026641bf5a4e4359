import type { HookEvent, PlanHook } from '@protector/contract';
import { createHmac } from 'node:crypto';
import type { RecoveryPlans } from '../db/recovery-plans.js';
import { pause } from './limits.js';
import { StepError, type Step } from './workflow.js';

/** What a hook's POST carries (JSON). */
export interface HookPayload {
  event: HookEvent;
  run_id: string;
  plan_id: string | null;
  plan_name: string;
  mode: string;
  tier?: string;
  protection_groups?: string[];
  /** after_tier, after_run: how the tier or the run came through. */
  outcome?: Record<string, unknown>;
}

/** The signature a receiver checks: `sha256=` HMAC-SHA256 of `timestamp.body` with the hook's secret (as Stripe and GitHub sign theirs). */
export const hookSignature = (secret: string, timestamp: string, body: string): string => `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/** How long between attempts (ms, by attempt number from 1): short, the run is waiting. */
const backoff = (attempt: number) => Math.min(30_000, 500 * 2 ** (attempt - 1));


/** One POST of a hook, retried; its attempts as recorded in the step. */
export async function deliverHook(hook: PlanHook, secret: string, payload: HookPayload, signal: AbortSignal, now: () => number = Date.now): Promise<{ ok: boolean; attempts: { status?: number; error?: string; ms: number }[] }> {
  const body = JSON.stringify(payload);
  const attempts: { status?: number; error?: string; ms: number }[] = [];
  const tries = 1 + (hook.retries ?? 2);
  for (let i = 1; i <= tries; i++) {
    const started = now();
    const timestamp = String(Math.floor(started / 1000));
    try {
      const r = await fetch(hook.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'protector-engine', 'X-Protector-Event': payload.event, 'X-Protector-Timestamp': timestamp, 'X-Protector-Signature': hookSignature(secret, timestamp, body) },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout((hook.timeout_seconds ?? 10) * 1000)]),
        redirect: 'manual',
      });
      await r.arrayBuffer().catch(() => undefined);
      attempts.push({ status: r.status, ms: now() - started });
      if (r.status >= 200 && r.status < 300) return { ok: true, attempts };
    } catch (err) {
      if (signal.aborted) throw signal.reason as Error;
      attempts.push({ error: err instanceof Error ? err.message : String(err), ms: now() - started });
    }
    if (i < tries) await pause(backoff(i), signal);
  }
  return { ok: false, attempts };
}

/** The hooks of a run for one moment (an event, and for a tier event that tier), in the plan's order. */
export const hooksFor = (hooks: readonly PlanHook[] | undefined, event: HookEvent, tier?: string): PlanHook[] =>
  (hooks ?? []).filter((h) => h.event === event && (h.tier === undefined || h.tier === tier));

/**
 * A step that calls the hooks of one moment, one after the other. A hook that fails with `fail`
 * fails the step (and so the run); with `continue` it is recorded and passed. Secrets are read
 * from the plan as it is now (a run records its hooks without them).
 */
export function hookStep(name: string, hooks: PlanHook[], plans: RecoveryPlans, payload: (runId: string) => HookPayload, now?: () => number): Step {
  return {
    name,
    async run({ operation, signal }) {
      const p = payload(operation.id);
      const plan = p.plan_id ? await plans.get(p.plan_id, operation.project_id) : undefined;
      const results: Record<string, unknown>[] = [];
      for (const h of hooks) {
        const stored = plan?.hooks.find((x) => x.name === h.name);
        if (!stored) throw new StepError(`hook ${h.name}: its plan no longer has it, so there is no secret to sign with`);
        const r = await deliverHook(h, plans.openSecret(stored), p, signal, now);
        results.push({ hook: h.name, url: h.url, ok: r.ok, attempts: r.attempts });
        if (!r.ok && (h.on_failure ?? 'fail') === 'fail') {
          const last = r.attempts.at(-1);
          throw new StepError(`hook ${h.name} failed after ${r.attempts.length} attempt(s): ${last?.status !== undefined ? `HTTP ${last.status}` : (last?.error ?? 'no answer')}`, { hooks: results });
        }
      }
      return { hooks: results };
    },
  };
}

/** A readiness wait: GET `url` until it answers 2xx, every `interval` seconds, for at most `timeout` seconds. */
export function readinessStep(name: string, w: { url: string; timeout_seconds?: number; interval_seconds?: number }, now: () => number = Date.now): Step {
  return {
    name,
    async run({ signal, progress }) {
      const started = now();
      const until = started + (w.timeout_seconds ?? 600) * 1000;
      let last: string;
      for (let n = 1; ; n++) {
        try {
          const r = await fetch(w.url, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]), redirect: 'manual' });
          await r.arrayBuffer().catch(() => undefined);
          if (r.status >= 200 && r.status < 300) return { url: w.url, ready_after_seconds: Math.round((now() - started) / 100) / 10, checks: n };
          last = `HTTP ${r.status}`;
        } catch (err) {
          if (signal.aborted) throw signal.reason as Error;
          last = err instanceof Error ? err.message : String(err);
        }
        await progress({ url: w.url, checks: n, last });
        if (now() >= until) throw new StepError(`${w.url} was not ready within ${w.timeout_seconds ?? 600} s (last: ${last})`, { url: w.url, checks: n, last });
        await pause((w.interval_seconds ?? 5) * 1000, signal);
      }
    },
  };
}
