import type { BroughtUp, Member } from '../../../db/protection-groups.js';
import { isNotFound, isOpenStackError, type BlockDeviceMapping, type SiteClients } from '@protector/openstack';
import { settleAll } from '../../limits.js';
import { StepError } from '../../workflow.js';
import { errorText } from '../pg.js';
import { LIST_POLL_MS, planFor, tiers, type PlanOptions, type RecoveryPlan, type RecoveryState } from './plan.js';
import { portKey } from './ports.js';
import { recordOf, updateRecord, type RecordKey } from './record.js';

/** Between two GETs of one server waited for alone (a delete). */
const POLL_MS = 250;
export const DEFAULT_BOOT_TIMEOUT_S = 600;

/** The tag every server a run boots carries: one list finds them all (Nova 2.26 filters by tag). */
export const runTag = (opId: string): string => `protector-op-${opId}`.slice(0, 60);

/**
 * Boots a server per member on the target, tier by tier in boot order, each from its managed
 * volumes and with its recreated ports, and waits for ACTIVE. A tier's servers are created at
 * once within the engine's Nova limit for the site, and their waits share one list per interval.
 * `strict` (planned failover, failback): a server that does not come up fails the step once the
 * tier has settled (the workflow rolls back). Otherwise (unplanned failover, drill) a server that
 * fails is recorded with why and the rest carry on: the operation ends partial, naming it.
 * Each server's entry says when this attempt asked for it and when it was seen ACTIVE (engine
 * clock, epoch ms) and which target ports it got: the run report's per-VM times and RTO.
 */
export async function bootServers(s: RecoveryState, key: RecordKey, opts: PlanOptions & { strict: boolean; timeoutSeconds?: number }) {
  const { ctx, opId } = s;
  const plan = await planFor(s, opts);
  const tenant = await plan.tenant();
  const rec = recordOf(plan.pg.resources, key, opId);
  const timeoutMs = (opts.timeoutSeconds ?? DEFAULT_BOOT_TIMEOUT_S) * 1000;
  const tag = runTag(opId);
  plan.resolveEarly();
  // What an earlier attempt created and did not record (a crash lost the answer): one list, by tag.
  const earlier = plan.members.some((m) => !rec.servers[m.server_id])
    ? new Map((await tenant.nova.listServers({ tags: [tag] })).filter((x) => x.metadata.protector_operation_id === opId).map((x) => [x.metadata.protector_member, x.id]))
    : new Map<string | undefined, string>();
  const waits = tenant.nova.serverWait({ tags: [tag] }, { intervalMs: LIST_POLL_MS });
  const booted: { server: string; member_server_id: string; server_id: string; tier: number; boot_order: number; requested_at: number; active_at: number; port_ids: string[] }[] = [];
  const failed: { server: string; member_server_id: string; server_id?: string; requested_at: number; error: string }[] = [];
  for (const [t, tier] of tiers(plan.members).entries()) {
    const outcomes = await Promise.all(
      tier.map((m) =>
        ctx.limited(plan.targetSiteId, 'nova', async () => {
          let id: string | undefined;
          // A server an earlier attempt created counts from when this one found it.
          const requestedAt = ctx.now();
          try {
            id = rec.servers[m.server_id] ?? earlier.get(m.server_id) ?? (await createServer(plan, opId, key, m, rec, tag));
            const created = id;
            if (rec.servers[m.server_id] !== created) await updateRecord(ctx, plan.pg.id, key, (r) => void (r.servers[m.server_id] = created));
          } catch (err) {
            return { m, requestedAt, error: errorText(err), thrown: err };
          }
          try {
            await waits.wait(id, 'ACTIVE', { timeoutMs });
            return { m, id, requestedAt, activeAt: ctx.now() };
          } catch (err) {
            const why = `server ${m.name} (${id}) did not become ACTIVE: ${errorText(err)}`;
            return { m, id, requestedAt, error: why, thrown: new StepError(why, { server: m.name, member_server_id: m.server_id, server_id: id, requested_at: requestedAt }) };
          }
        }),
      ),
    );
    for (const o of outcomes) {
      const { m, requestedAt } = o;
      if (o.error === undefined) {
        const portIds = m.details.ports.flatMap((p) => rec.ports[portKey(m.server_id, p.id)] ?? []);
        booted.push({ server: m.name, member_server_id: m.server_id, server_id: o.id!, tier: t, boot_order: m.boot_order, requested_at: requestedAt, active_at: o.activeAt!, port_ids: portIds });
        if (rec.errors[m.server_id]) await updateRecord(ctx, plan.pg.id, key, (x) => void delete x.errors[m.server_id]);
        continue;
      }
      if (opts.strict) throw o.thrown;
      failed.push({ server: m.name, member_server_id: m.server_id, ...(o.id ? { server_id: o.id } : {}), requested_at: requestedAt, error: o.error });
      const why = o.error;
      await updateRecord(ctx, plan.pg.id, key, (x) => void (x.errors[m.server_id] = why));
    }
    void s.progress({ tiers_done: t + 1, booted: booted.length, failed: failed.length });
  }
  return { booted, failed };
}

/** A server this run created before a crash lost the answer: its name and Protector's metadata. */
async function findServer(tenant: SiteClients, name: string, opId: string, memberServerId: string): Promise<string | undefined> {
  const list = await tenant.nova.listServers({ name: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` });
  return list.find((s) => s.metadata.protector_operation_id === opId && s.metadata.protector_member === memberServerId)?.id;
}

async function createServer(plan: RecoveryPlan, opId: string, key: RecordKey, m: Member, rec: BroughtUp, tag: string): Promise<string> {
  const tenant = await plan.tenant();
  const d = m.details;
  const bdm: BlockDeviceMapping[] = d.volumes.map((v) => {
    const got = rec.volumes[v.volume_id];
    if (!got) throw new StepError(`volume ${v.volume_id} of server ${m.name} was not brought up on the target`, { server_id: m.server_id });
    return { source_type: 'volume', destination_type: 'volume', uuid: got.volume_id, boot_index: v.boot_index === 0 ? 0 : -1, delete_on_termination: false };
  });
  const bootsFromVolume = d.volumes.some((v) => v.boot_index === 0);
  const ports = d.ports.map((p) => {
    const id = rec.ports[portKey(m.server_id, p.id)];
    if (!id) throw new StepError(`port ${p.id} of server ${m.name} was not recreated on the target`, { server_id: m.server_id });
    return { port: id };
  });
  // Looked up (name and Protector's metadata) before a retried create is sent again.
  const lookup = async () => {
    const found = await findServer(tenant, m.name, opId, m.server_id);
    return found === undefined ? undefined : { id: found };
  };
  const { id } = await tenant.nova.createServer({
    name: m.name,
    flavorRef: await plan.flavorId(m),
    ...(bootsFromVolume ? {} : d.image_id ? { imageRef: await plan.target('image', d.image_id) } : {}),
    block_device_mapping_v2: bdm,
    networks: ports.length ? ports : 'none',
    ...(d.availability_zone ? { availability_zone: await plan.target('availability_zone', d.availability_zone) } : {}),
    ...(d.key_name ? { key_name: await plan.target('keypair', d.key_name) } : {}),
    metadata: { protector_pg_id: plan.pg.id, protector_operation_id: opId, protector_member: m.server_id, ...(key === 'drill' ? { protector_drill: 'true' } : {}) },
    tags: [tag],
    description: `${key === 'drill' ? 'Drill' : 'Failover'} of server ${m.name} (${m.server_id}) by Protector`,
  }, { lookup });
  return id;
}

/**
 * One list per interval for the servers a step just acted on: Nova lists those changed since a
 * moment before (with margin for clock skew), and a server not listed yet has simply not moved.
 */
const changedSince = (clients: SiteClients) => clients.nova.serverWait({ changesSince: new Date(Date.now() - 60_000).toISOString() }, { intervalMs: LIST_POLL_MS });

/**
 * Stops servers (reverse boot order, tier by tier, a tier at once) and waits for SHUTOFF; returns
 * those it stopped. A tier's stops are all sent before its wait starts, so one list usually sees
 * the whole tier settled (waits started one by one would each catch a list before their
 * neighbours' stops, and sit out an interval).
 */
export async function stopServers(clients: SiteClients, members: readonly Member[], timeoutMs: number): Promise<{ stopped: string[]; already: string[]; missing: string[] }> {
  const out = { stopped: [] as string[], already: [] as string[], missing: [] as string[] };
  for (const tier of tiers(members).reverse()) {
    const sent = await Promise.allSettled(tier.map((m) => stopOne(clients, m.server_id)));
    // Even when one failed, the stops that went out are waited for: a rollback must not start a server still stopping.
    const seen = sent.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const waits = changedSince(clients);
    await settleAll(seen.filter((x) => x.was === 'stopped'), (x) => waits.wait(x.id, 'SHUTOFF', { timeoutMs }));
    const failed = sent.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const x of seen) out[x.was].push(x.id);
  }
  return out;
}

/**
 * Stops one server: the stop is sent straight away (a server being stopped usually runs), and only a
 * refusal (409) asks whether it was stopped already, instead of a GET before every stop.
 */
async function stopOne(clients: SiteClients, id: string): Promise<{ id: string; was: 'stopped' | 'already' | 'missing' }> {
  try {
    await clients.nova.stopServer(id);
    return { id, was: 'stopped' };
  } catch (err) {
    if (isNotFound(err)) return { id, was: 'missing' };
    if (!isOpenStackError(err) || err.status !== 409) throw err;
    const now = await clients.nova.getServer(id).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
    if (now === undefined) return { id, was: 'missing' };
    if (now.status === 'SHUTOFF') return { id, was: 'already' };
    throw err;
  }
}

/** Starts servers in boot order (a tier at once, its starts sent before its wait, as stopServers) and waits for ACTIVE (rollback of a planned failover). */
export async function startServers(clients: SiteClients, members: readonly Member[], serverIds: ReadonlySet<string>, timeoutMs: number): Promise<string[]> {
  const started: string[] = [];
  for (const tier of tiers(members)) {
    const ids = tier.filter((m) => serverIds.has(m.server_id)).map((m) => m.server_id);
    const sent = await Promise.allSettled(
      ids.map(async (id) => {
        const s = await clients.nova.getServer(id);
        if (s.status === 'ACTIVE') return undefined;
        if (s.status === 'SHUTOFF') await clients.nova.startServer(id);
        return id;
      }),
    );
    const pending = sent.flatMap((r) => (r.status === 'fulfilled' && r.value !== undefined ? [r.value] : []));
    const waits = changedSince(clients);
    await settleAll(pending, (id) => waits.wait(id, 'ACTIVE', { timeoutMs }));
    const failed = sent.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    started.push(...ids);
  }
  return started;
}

/** Deletes a server and waits until it is gone; gone already is fine. */
export async function deleteServer(clients: SiteClients, id: string, timeoutMs = 300_000): Promise<void> {
  try {
    await clients.nova.deleteServer(id);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  await clients.nova.waitForServerDeleted(id, { timeoutMs, intervalMs: POLL_MS });
}
