import {
  currentPrimaryOf,
  findPg,
  MAPPING_KINDS,
  MetadataNotStoredError,
  pendingMetadata,
  syncPair,
  DivergedError,
  formatReipRule,
  type Coordinator,
  type Operation,
  type PolicyInput,
  type ReipRule,
  type ResourceMapping,
  type RetentionSettings,
  type SiteHandle,
} from '@protector/protectorclient';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MappingInput, MappingsAnswer, MemberChangeAnswer, MetadataSyncAnswer, PgChangeAnswer, PgMappingRow, PolicyAnswer, SyncNowAnswer } from '../shared/pg-detail.js';
import type { ActionContext } from './actions.js';
import { bodyOf } from './body.js';
import { HttpError } from './errors.js';
import { locate, pgParam, route, runningCopy, siteNamer } from './pg-locate.js';
import { noneIfNotFound } from './site-errors.js';

const bad = (field: string, reason: string) => new HttpError(400, 'bad_request', `'${field}': ${reason}`);

/**
 * A change to the PG's document, as every CLI change: the peer must answer first, the change is
 * made on `owner`, then pushed to the peer and acknowledged. A change made whose push failed is
 * answered (it happened) with `stored: false` and what to do.
 */
async function change<T>(c: Coordinator, owner: SiteHandle, pgId: string, make: (site: SiteHandle) => Promise<T>): Promise<PgChangeAnswer & { result: T }> {
  let result: T | undefined;
  let made = false;
  try {
    await c.change(owner, () => pgId, async (site) => {
      result = await make(site);
      made = true;
      return result;
    });
    return { site: owner.name, stored: true, store_error: null, result: result as T };
  } catch (err) {
    if (made && err instanceof MetadataNotStoredError) return { site: owner.name, stored: false, store_error: err.message, result: result as T };
    throw err;
  }
}

/** The PG for a change: both sites answer and its copies agree (diverged copies refuse, naming both versions). */
async function forChange(c: Coordinator, ref: string) {
  const peer = await c.reachablePeer();
  const pg = await c.pg(ref, { change: true });
  return { pg, peer };
}

function wholeNumber(v: unknown, field: string, current: number | undefined): number {
  if (v === undefined || v === null || v === '') {
    if (current === undefined) throw bad(field, 'is required');
    return current;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(field, 'must be a whole number');
  return v;
}

/** The fields given over the current policy, as `policy create` merges its options; ranges are the site's to check. */
function policyInput(b: Record<string, unknown>, cur: PolicyInput | null): PolicyInput {
  const retention = (b.retention ?? {}) as Record<string, unknown>;
  if (typeof retention !== 'object' || Array.isArray(retention)) throw bad('retention', 'must be an object with source and target');
  const side = (which: 'source' | 'target'): RetentionSettings => {
    const r = (retention[which] ?? {}) as Record<string, unknown>;
    if (typeof r !== 'object' || Array.isArray(r)) throw bad(`retention.${which}`, 'must be an object with all_for_sec, per_day and days');
    const now = cur?.retention[which];
    return {
      all_for_sec: wholeNumber(r.all_for_sec, `retention.${which}.all_for_sec`, now?.all_for_sec),
      per_day: wholeNumber(r.per_day, `retention.${which}.per_day`, now?.per_day),
      days: wholeNumber(r.days, `retention.${which}.days`, now?.days),
    };
  };
  return {
    interval_minutes: wholeNumber(b.interval_minutes, 'interval_minutes', cur?.interval_minutes),
    rpo_minutes: wholeNumber(b.rpo_minutes, 'rpo_minutes', cur?.rpo_minutes),
    retention: { source: side('source'), target: side('target') },
  };
}

/** A mapping as the page shows it: its source site named, a network's re-IP rules also in the CLI's notation. */
export function mappingRow(m: ResourceMapping, name: (siteId: string) => string | null): PgMappingRow {
  const row: PgMappingRow = { kind: m.kind, source_site: name(m.source_site_id), source_site_id: m.source_site_id, source_id: m.source_id, target_id: m.target_id };
  return m.reip_rules?.length ? { ...row, reip_rules: m.reip_rules, reip_rules_text: m.reip_rules.map(formatReipRule) } : row;
}

function mappingInputs(b: Record<string, unknown>, sites: string[]): MappingInput[] {
  const list = b.resource_mappings;
  if (!Array.isArray(list)) throw bad('resource_mappings', 'must be a list of {kind, source_site, source_id, target_id}');
  return list.map((x: unknown, i): MappingInput => {
    const m = (x ?? {}) as Record<string, unknown>;
    const f = (k: string) => `resource_mappings.${i}.${k}`;
    if (!MAPPING_KINDS.includes(m.kind as never)) throw bad(f('kind'), `must be one of ${MAPPING_KINDS.join(', ')}`);
    if (typeof m.source_site !== 'string' || !sites.includes(m.source_site)) throw bad(f('source_site'), `must be ${sites.join(' or ')}`);
    for (const k of ['source_id', 'target_id']) if (typeof m[k] !== 'string' || (m[k] as string).trim() === '') throw bad(f(k), 'is required');
    // The rules go through as the page got them: protector-api checks each and names a wrong one.
    if (m.reip_rules !== undefined && !Array.isArray(m.reip_rules)) throw bad(f('reip_rules'), 'must be a list of re-IP rules');
    const rules = Array.isArray(m.reip_rules) && m.reip_rules.length > 0 ? { reip_rules: m.reip_rules as ReipRule[] } : {};
    return { kind: m.kind as MappingInput['kind'], source_site: m.source_site, source_id: (m.source_id as string).trim(), target_id: (m.target_id as string).trim(), ...rules };
  });
}

/**
 * Changes to one PG's contents from its detail page, each as the CLI's command makes it: member
 * add/remove, policy create, mapping set, protection-group sync and recovery-point create.
 */
export function registerPgChanges(app: FastifyInstance, ctx: ActionContext): void {
  const coordinator = (req: FastifyRequest) => ctx.coordinator(ctx.session(req));

  /** A member change, made on the site running the workload (protector-api refuses it elsewhere). */
  const memberChange = async (req: FastifyRequest, make: (site: SiteHandle, pgId: string) => Promise<Operation>): Promise<MemberChangeAnswer> => {
    const c = coordinator(req);
    const { pg, peer } = await forChange(c, pgParam(req));
    const owner = await currentPrimaryOf(pg, c.primary, peer);
    const { result, ...answer } = await change(c, owner, pg.id, (site) => make(site, pg.id));
    return { ...answer, operation: result };
  };

  app.post(
    '/api/protection-groups/:pg/members',
    route(async (req): Promise<MemberChangeAnswer> => {
      const b = bodyOf(req);
      if (typeof b.server_id !== 'string' || b.server_id === '') throw bad('server_id', 'is required');
      const member = { server_id: b.server_id, boot_order: b.boot_order === undefined || b.boot_order === null ? undefined : wholeNumber(b.boot_order, 'boot_order', undefined) };
      return memberChange(req, (site, pgId) => site.client.members.add(pgId, member));
    }),
  );

  app.delete(
    '/api/protection-groups/:pg/members/:server_id',
    route(async (req): Promise<MemberChangeAnswer> => {
      const serverId = (req.params as { server_id: string }).server_id;
      return memberChange(req, (site, pgId) => site.client.members.remove(pgId, serverId));
    }),
  );

  app.put(
    '/api/protection-groups/:pg/policy',
    route(async (req): Promise<PolicyAnswer> => {
      const c = coordinator(req);
      const b = bodyOf(req);
      const { pg } = await forChange(c, pgParam(req));
      const owner = c.primary;
      const cur = await owner.client.policy.get(pg.id).catch(noneIfNotFound);
      const want = policyInput(b, cur);
      const { result, ...answer } = await change(c, owner, pg.id, (site) => site.client.policy.set(pg.id, want));
      return { ...answer, policy: result };
    }),
  );

  // The whole list is replaced, as `mapping set --replace`: the page edits every row.
  app.put(
    '/api/protection-groups/:pg/resource-mappings',
    route(async (req): Promise<MappingsAnswer> => {
      const c = coordinator(req);
      const b = bodyOf(req);
      const { pg, peer } = await forChange(c, pgParam(req));
      const owner = c.primary;
      const given = mappingInputs(b, [owner.name, peer.name]);
      // Source sites by the owner's registry ids: its own, and the PG's other site.
      const st = await owner.client.metadata.syncStatus(pg.id);
      const ownId = st.site_id ?? pg.current_primary_site_id;
      const peerId = pg.primary_site_id === ownId ? pg.secondary_site_id : pg.primary_site_id;
      const list: ResourceMapping[] = given.map((m) => ({ kind: m.kind, source_site_id: m.source_site === owner.name ? ownId : peerId, source_id: m.source_id, target_id: m.target_id, ...(m.reip_rules ? { reip_rules: m.reip_rules } : {}) }));
      const { result, ...answer } = await change(c, owner, pg.id, (site) => site.client.resourceMappings.replace(pg.id, list));
      const name = siteNamer({ site: owner, pg, status: st, error: null }, c.both());
      return { ...answer, resource_mappings: result.map((m) => mappingRow(m, name)) };
    }),
  );

  // `protection-group sync`: the newer copy wins unless both changed; then only an explicit source site decides.
  app.post(
    '/api/protection-groups/:pg/metadata/sync',
    route(async (req): Promise<MetadataSyncAnswer> => {
      const c = coordinator(req);
      const b = bodyOf(req);
      const a = c.primary;
      const peer = await c.reachablePeer();
      const ref = pgParam(req);
      const pg = await findPg(a, ref).catch(() => findPg(peer, ref));
      let source: SiteHandle | undefined;
      if (b.source_site !== undefined && b.source_site !== null && b.source_site !== '') {
        source = [a, peer].find((s) => s.name === b.source_site);
        if (!source) throw bad('source_site', `must be ${a.name} or ${peer.name}`);
      } else {
        const p = await pendingMetadata(pg.id, a, peer);
        if (p.state === 'diverged') throw new DivergedError(pg.name, p.copies.map((x) => ({ site: x.site.name, version: x.version, syncState: x.syncState })));
      }
      return syncPair(pg.id, a, peer, source);
    }),
  );

  // `recovery-point create`: the `sync` action (a replicate operation) on the site running the workload.
  app.post(
    '/api/protection-groups/:pg/sync-now',
    route(async (req): Promise<SyncNowAnswer> => {
      const c = coordinator(req);
      const run = runningCopy(await locate(c, pgParam(req)));
      return { site: run.site.name, operation: await run.site.client.actions.sync(run.pg.id) };
    }),
  );
}
