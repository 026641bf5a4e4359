import { MetadataNotStoredError, type ProtectionGroupUpdate } from '@protector/protectorclient';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PgChoices, PgCreated, PgCreatePlan, PgDeleted, PgProblem, PgSetupView, PgUpdated } from '../shared/pg-lifecycle.js';
import type { ActionContext } from './actions.js';
import { bodyOf } from './body.js';
import { HttpError } from './errors.js';
import { pgChoices } from './pg-choices.js';
import { checkCreate, describeCreate, descriptionProblem, nameProblem, parseCreate } from './pg-create-check.js';
import { pgParam } from './pg-locate.js';
import { PgSetups } from './pg-setup.js';
import { answered } from './site-errors.js';

const listed = (problems: PgProblem[]): string => problems.map((p) => `'${p.field}': ${p.message}`).join('; ');

/** A refused create: every problem, in the error shape plus the list (the page shows them all). */
function refuse(reply: FastifyReply, status: number, code: string, problems: PgProblem[]) {
  return reply.code(status).send({ error: { code, message: listed(problems) }, problems });
}

/**
 * Creating, editing and deleting a PG from the pages, as the CLI's `protection-group create`
 * (+ `policy create`, `mapping set`, `member add`) and `protection-group delete` do it through the
 * Coordinator: the peer answers first, the change is made on the first site of the pair (the CLI's
 * --os-cloud), its document is pushed to the peer and acknowledged. A dry run checks everything a
 * create would need and changes nothing.
 */
export function registerPgLifecycle(app: FastifyInstance, ctx: ActionContext): void {
  const setups = new PgSetups();

  app.get('/api/protection-groups/new/choices', async (req): Promise<PgChoices> => answered(() => pgChoices(ctx.coordinator(ctx.session(req)))));

  app.post('/api/protection-groups', async (req, reply) => {
    const s = ctx.session(req);
    const { req: want, problems: shape } = parseCreate(req.body);
    const c = ctx.coordinator(s);
    const owner = c.primary;
    if (shape.length && !want.dry_run) return refuse(reply, 400, 'bad_request', shape);
    // A dry run lists the body's problems and the sites' at once.
    const { problems: found, serverNames } = await answered(() => checkCreate(c, want));
    const problems = [...shape, ...found];
    if (want.dry_run) {
      const plan: PgCreatePlan = { dry_run: true, ok: problems.length === 0, problems, steps: describeCreate(want, owner.name, c.secondary?.name ?? null, serverNames), site: owner.name, peer: c.secondary?.name ?? null };
      return plan;
    }
    if (problems.length) return refuse(reply, 409, 'create_refused', problems);
    return answered(async () => {
      // As `protection-group create`: the peer answers first and gives its token for the trust there.
      const peer = await c.reachablePeer();
      const peerToken = await peer.client.session.token();
      const r = await owner.client.protectionGroups.create({ name: want.name, description: want.description, replication_type: want.replication_type }, { peerToken });
      const id = r.protection_group.id;
      // Version 1 is pushed now (as the CLI without --wait); a failed push is retried after pg_create.
      await c.push(id, owner, peer).catch((err: unknown) => {
        if (!(err instanceof MetadataNotStoredError)) throw err;
      });
      const setup = setups.start(s, c, owner, id, r.operation.id, want, serverNames);
      const created: PgCreated = { site: owner.name, protection_group: r.protection_group, operation: r.operation, setup };
      return reply.code(202).send(created);
    });
  });

  app.get('/api/protection-groups/:pg/setup', async (req): Promise<PgSetupView> => {
    const pg = pgParam(req);
    const v = setups.get(ctx.session(req), pg);
    if (!v) throw new HttpError(404, 'not_found', `no create of protection group '${pg}' was started in this session`);
    return v;
  });

  /** The edit page's read: the PG as the owning site holds it, its copies settled first. */
  app.get('/api/protection-groups/:pg/edit', async (req): Promise<PgUpdated> => {
    const c = ctx.coordinator(ctx.session(req));
    return answered(async () => ({ site: c.primary.name, protection_group: await c.pg(pgParam(req)) }));
  });

  app.patch('/api/protection-groups/:pg', async (req): Promise<PgUpdated> => {
    const ref = pgParam(req);
    const b = bodyOf(req);
    const change: ProtectionGroupUpdate = {};
    for (const k of Object.keys(b)) if (k !== 'name' && k !== 'description') throw new HttpError(400, 'bad_request', `'${k}': not something a protection group's update changes (name, description)`);
    if (b.name !== undefined) {
      const p = nameProblem(b.name);
      if (p) throw new HttpError(400, 'bad_request', `'name': ${p}`);
      change.name = b.name as string;
    }
    const d = descriptionProblem(b.description);
    if (d) throw new HttpError(400, 'bad_request', `'description': ${d}`);
    if (b.description !== undefined) change.description = b.description as string;
    if (Object.keys(change).length === 0) throw new HttpError(400, 'bad_request', "'name' or 'description' is required");
    const c = ctx.coordinator(ctx.session(req));
    return answered(async () => {
      const pg = await c.pg(ref, { change: true });
      const peer = await c.reachablePeer();
      // The peer refuses a document whose name another of its PGs has: said before anything changes.
      if (change.name !== undefined && change.name !== pg.name && (await peer.client.protectionGroups.list({ name: change.name })).some((p) => p.name === change.name && p.id !== pg.id)) {
        throw new HttpError(409, 'conflict', `'name': a protection group named '${change.name}' already exists on ${peer.name}`);
      }
      const { result } = await c.change(c.primary, () => pg.id, (site) => site.client.protectionGroups.update(pg.id, change));
      return { site: c.primary.name, protection_group: result };
    });
  });

  app.delete('/api/protection-groups/:pg', async (req, reply) => {
    const ref = pgParam(req);
    const { confirm } = (req.query ?? {}) as { confirm?: string };
    const c = ctx.coordinator(ctx.session(req));
    return answered(async () => {
      // As `protection-group delete`: the copies settled, the peer answering, deleted on the first site.
      const pg = await c.pg(ref, { change: true });
      if (confirm !== pg.name) throw new HttpError(400, 'confirmation_required', `'confirm': type the protection group's name (${pg.name}) to delete it (its array construct and Cinder groups; the volumes are kept)`);
      await c.reachablePeer();
      const r = await c.primary.client.protectionGroups.delete(pg.id);
      const deleted: PgDeleted = { site: c.primary.name, protection_group: r.protection_group, operation: r.operation };
      return reply.code(202).send(deleted);
    });
  });
}
