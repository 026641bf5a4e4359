import type { Coordinator, SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyOf } from './body.js';
import { HttpError } from './errors.js';
import { answered } from './site-errors.js';
import type { DashboardSession } from './sessions.js';

export interface ActionContext {
  session(req: FastifyRequest): DashboardSession;
  coordinator(s: DashboardSession): Coordinator;
}

const ACTIONS = {
  'test-failover': 'test_failover',
  'test-cleanup': 'test_cleanup',
  failover: 'failover',
  failback: 'failback',
} as const;
type ActionName = keyof typeof ACTIONS;

interface ActionInput {
  dry_run?: boolean;
  unplanned?: boolean;
  recovery_point_id?: string;
  network_id?: string;
  force?: boolean;
  boot_timeout_seconds?: number;
  /** The PG's name, typed by the user: required for an unplanned failover and a failback. */
  confirm?: string;
}

/** What each action sends, from the wizard's fields. */
function params(name: ActionName, b: ActionInput): Record<string, unknown> {
  const boot = b.boot_timeout_seconds === undefined ? {} : { boot_timeout_seconds: b.boot_timeout_seconds };
  const dry = b.dry_run === true ? { dry_run: true } : {};
  switch (name) {
    case 'failover':
      return { type: b.unplanned === true ? 'unplanned' : 'planned', recovery_point_id: b.recovery_point_id, force: b.force, ...boot, ...dry };
    case 'failback':
      return { force: b.force, ...boot, ...dry };
    case 'test-failover':
      return { recovery_point_id: b.recovery_point_id, network_id: b.network_id, ...boot, ...dry };
    case 'test-cleanup':
      return { force: b.force, ...dry };
  }
}

/**
 * The DR actions of the pages, routed as the CLI routes them (the Coordinator picks the site that
 * brings the workload up; an unplanned failover goes ahead with that site alone). Operations are
 * followed through operations.ts.
 */
export function registerActions(app: FastifyInstance, ctx: ActionContext): void {
  app.post('/api/protection-groups/:pg/actions/:action', async (req) => {
    const { pg, action } = req.params as { pg: string; action: string };
    if (!(action in ACTIONS)) throw new HttpError(404, 'not_found', `no action '${action}' (${Object.keys(ACTIONS).join(', ')})`);
    const name = action as ActionName;
    const b = bodyOf(req) as ActionInput;
    const s = ctx.session(req);
    const c = ctx.coordinator(s);
    const unplanned = name === 'failover' && b.unplanned === true;
    return answered(async () => {
      const { target, pgId } = await c.runningSite(pg, unplanned);
      if ((unplanned || name === 'failback') && b.dry_run !== true) {
        const pgName = (await target.client.protectionGroups.get(pgId)).name;
        if (b.confirm !== pgName) throw new HttpError(400, 'confirmation_required', `type the protection group's name (${pgName}) to confirm ${unplanned ? 'an unplanned failover: data written after the newest recovery point is lost' : 'the failback'}`);
      }
      const body = { [ACTIONS[name]]: params(name, b) } as unknown as Parameters<SiteHandle['client']['actions']['run']>[1];
      const r = await target.client.actions.run(pgId, body);
      return { site: target.name, ...r };
    });
  });
}
