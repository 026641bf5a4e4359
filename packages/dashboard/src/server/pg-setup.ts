import type { Coordinator, OperationDetail, SiteHandle } from '@protector/protectorclient';
import type { PgSetupStep, PgSetupView } from '../shared/pg-lifecycle.js';
import type { CreateRequest } from './pg-create-check.js';
import type { DashboardSession } from './sessions.js';
import { why } from './site-errors.js';

/** How the server follows its own operations: as the CLI's --wait, with a site allowed to restart meanwhile. */
const FOLLOW = { intervalMs: 1000, timeoutMs: 60 * 60_000, unreachableMs: 5 * 60_000 };

const step = (what: string, operation: PgSetupStep['operation'] = null): PgSetupStep => ({ what, status: 'pending', operation, error: null });

/**
 * What `protection-group create --wait`, `policy create`, `mapping set` and `member add --wait`
 * do one after the other in the CLI, run by the server for the create wizard once the PG exists:
 * each a change through the Coordinator (peer first, on the owning site, pushed and acknowledged),
 * each operation followed to its end and its document stored on the peer. The page reads how far
 * it got; it goes on if the page is closed. Kept per session, in memory.
 */
export class PgSetups {
  private readonly bySession = new WeakMap<DashboardSession, Map<string, PgSetupView>>();

  /** The setup of the PG named or with id `ref` that this session started. */
  get(s: DashboardSession, ref: string): PgSetupView | undefined {
    const all = this.bySession.get(s);
    return all?.get(ref) ?? [...(all?.values() ?? [])].find((v) => v.name === ref);
  }

  /** Records the setup of a PG whose pg_create was just accepted, and runs the rest in the background. */
  start(s: DashboardSession, c: Coordinator, owner: SiteHandle, pgId: string, createOp: string, req: CreateRequest, serverNames: Map<string, string>): PgSetupView {
    const view: PgSetupView = {
      pg_id: pgId,
      name: req.name,
      site: owner.name,
      status: 'running',
      steps: [
        step(`create protection group ${req.name}`, { site: owner.name, id: createOp }),
        ...(req.policy ? [step('set the replication policy')] : []),
        ...(req.mappings.length ? [step(`set ${req.mappings.length} resource mapping${req.mappings.length === 1 ? '' : 's'}`)] : []),
        ...req.servers.map((x) => step(`add server ${serverNames.get(x.id) ?? x.id}`)),
      ],
    };
    const all = this.bySession.get(s) ?? new Map<string, PgSetupView>();
    this.bySession.set(s, all);
    all.set(pgId, view);
    void run(view, c, owner, pgId, createOp, req);
    return view;
  }
}

async function run(view: PgSetupView, c: Coordinator, owner: SiteHandle, pgId: string, createOp: string, req: CreateRequest): Promise<void> {
  let i = 0;
  const at = (): PgSetupStep => view.steps[i]!;
  /** Follows an operation of this setup, then stores the PG's document on the peer (the CLI's storeAfterWait). */
  const followed = async (id: string): Promise<OperationDetail> => {
    const done = await owner.client.waitForOperation(id, FOLLOW);
    await c.storeAfterOperation(done, pgId, req.name, owner, c.secondary);
    if (done.status !== 'completed') throw new Error(`operation ${id} ended ${done.status}${done.error ? `: ${done.error}` : ''}`);
    return done;
  };
  /** A change on the owning site after settling the copies, pushed to the peer (DESIGN §5). */
  const change = async <T>(what: (site: SiteHandle) => Promise<T>, follow = false): Promise<T> => {
    await c.pg(pgId, { change: true });
    return (await c.change(owner, () => pgId, what, { pushAfterWait: follow })).result;
  };
  try {
    at().status = 'running';
    await followed(createOp);
    at().status = 'completed';
    if (req.policy) {
      i++;
      at().status = 'running';
      const policy = req.policy;
      await change((site) => site.client.policy.set(pgId, policy));
      at().status = 'completed';
    }
    if (req.mappings.length) {
      i++;
      at().status = 'running';
      const pg = await owner.client.protectionGroups.get(pgId);
      // From the site it runs on now (its registry's id), as `mapping set` names the source.
      const list = req.mappings.map((m) => ({ ...m, source_site_id: pg.current_primary_site_id }));
      await change((site) => site.client.resourceMappings.replace(pgId, list));
      at().status = 'completed';
    }
    for (const server of req.servers) {
      i++;
      const s = at();
      s.status = 'running';
      try {
        const op = await change((site) => site.client.members.add(pgId, { server_id: server.id, boot_order: server.boot_order }), true);
        s.operation = { site: owner.name, id: op.id };
        await followed(op.id);
        s.status = 'completed';
      } catch (err) {
        // One server that cannot join does not stop the others (as adding them one by one would not).
        s.status = 'failed';
        s.error = why(err);
      }
    }
  } catch (err) {
    at().status = 'failed';
    at().error = why(err);
    for (const rest of view.steps.slice(i + 1)) {
      rest.status = 'skipped';
      rest.error = `not done: '${view.steps[i]!.what}' failed`;
    }
  }
  view.status = view.steps.some((s) => s.status === 'failed') ? 'failed' : 'completed';
}
