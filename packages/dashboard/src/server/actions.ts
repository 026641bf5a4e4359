import { MetadataNotStoredError, type Coordinator, type OperationDetail, type SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';
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

const FINISHED = new Set(['completed', 'failed', 'partial', 'rolled_back', 'cancelled']);

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
 * brings the workload up; an unplanned failover goes ahead with that site alone), and operations
 * followed from the page: once one has ended, its document is stored on the peer.
 */
export function registerActions(app: FastifyInstance, ctx: ActionContext): void {
  /** Operations whose result this server already stored on the peer, per session. */
  const stored = new WeakMap<DashboardSession, Set<string>>();

  app.post('/api/protection-groups/:pg/actions/:action', async (req) => {
    const { pg, action } = req.params as { pg: string; action: string };
    if (!(action in ACTIONS)) throw new HttpError(404, 'not_found', `no action '${action}' (${Object.keys(ACTIONS).join(', ')})`);
    const name = action as ActionName;
    const b = (req.body ?? {}) as ActionInput;
    const s = ctx.session(req);
    const c = ctx.coordinator(s);
    const unplanned = name === 'failover' && b.unplanned === true;
    const { target, pgId } = await c.runningSite(pg, unplanned);
    if ((unplanned || name === 'failback') && b.dry_run !== true) {
      const pgName = (await target.client.protectionGroups.get(pgId)).name;
      if (b.confirm !== pgName) throw new HttpError(400, 'confirmation_required', `type the protection group's name (${pgName}) to confirm ${unplanned ? 'an unplanned failover: data written after the newest recovery point is lost' : 'the failback'}`);
    }
    const body = { [ACTIONS[name]]: params(name, b) } as unknown as Parameters<SiteHandle['client']['actions']['run']>[1];
    const r = await target.client.actions.run(pgId, body);
    return { site: target.name, ...r };
  });

  app.get('/api/operations/:site/:id', async (req) => {
    const { site, id } = req.params as { site: string; id: string };
    const s = ctx.session(req);
    const here = s.logins.get(site)?.handle;
    if (!here) throw new HttpError(404, 'not_found', `not logged in to a site named '${site}'`);
    const op: OperationDetail = await here.client.operations.get(id);
    if (!FINISHED.has(op.status) || !op.protection_group_id) return { operation: op, stored: null };
    const done = stored.get(s) ?? new Set<string>();
    stored.set(s, done);
    if (done.has(op.id)) return { operation: op, stored: true };
    const c = ctx.coordinator(s);
    const other = c.both().find((h) => h.name !== site) ?? null;
    try {
      await c.storeAfterOperation(op, op.protection_group_id, op.protection_group_id, here, other);
    } catch (err) {
      if (err instanceof MetadataNotStoredError) return { operation: op, stored: false, store_error: err.message };
      throw err;
    }
    if (!other) return { operation: op, stored: false, store_error: 'the other site is not logged in: use Sync once it is' };
    done.add(op.id);
    return { operation: op, stored: true };
  });
}
