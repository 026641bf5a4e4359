import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Description, Id, MetadataRoutes, MetadataVersion, Name, NoQuery, PgParams, PolicyInput as PolicyBody, ResourceMapping as MappingItem } from '@protector/contract';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import { mapResourceSites, ProtectionGroups, type PgStatus, type ProtectionGroup, type ResourceMapping } from '../../db/protection-groups.js';
import { Sites, type Site } from '../../db/sites.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { checkMappings } from './resource-mappings.js';
import { loadPg, pgView, tenant } from './tenant.js';

const STATUSES: readonly PgStatus[] = ['creating', 'active', 'failing_over', 'failed_over', 'failed_over_partial', 'failing_back', 'testing', 'test_failed_over', 'deleting', 'error'];
const Text = Type.String({ maxLength: 255 });
const NullableText = Type.Union([Text, Type.Null()]);
const Obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });

const SiteResources = Obj({ group_type_id: Type.Optional(Id), group_id: Type.Optional(Id), trust_id: Type.Optional(Id) });
const Ids = <T extends TSchema>(value: T) => Type.Record(Type.String({ maxLength: 255 }), value, { maxProperties: 10_000 });
const BroughtUp = Obj({
  operation_id: Id,
  site_id: Id,
  recovery_point: NullableText,
  recovery_point_time: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  networks: Type.Array(Id, { maxItems: 64 }),
  subnets: Type.Array(Id, { maxItems: 256 }),
  array_volumes: Ids(Text),
  volumes: Ids(Obj({ volume_id: Id, array_volume: Text })),
  ports: Ids(Id),
  servers: Ids(Id),
  errors: Type.Record(Type.String({ maxLength: 255 }), Type.String({ maxLength: 4096 }), { maxProperties: 10_000 }),
});
const Leftovers = Obj({
  operation_id: Id,
  site_id: Id,
  fenced: Type.Boolean(),
  servers: Type.Array(Id, { maxItems: 10_000 }),
  volumes: Type.Array(Id, { maxItems: 10_000 }),
  ports: Type.Array(Id, { maxItems: 10_000 }),
});
const Resources = Obj({
  sites: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), SiteResources),
  array: Type.Optional(Obj({ type: Type.Union([Type.Literal('async'), Type.Literal('sync')]), name: Text, sourceArray: Text, targetArray: Text })),
  failover: Type.Optional(BroughtUp),
  drill: Type.Optional(BroughtUp),
  leftovers: Type.Optional(Leftovers),
  reverse_pending: Type.Optional(Type.Boolean()),
});
const Port = Obj({
  id: Id,
  network_id: Id,
  mac_address: Text,
  fixed_ips: Type.Array(Obj({ subnet_id: Id, ip_address: Text }), { maxItems: 64 }),
  security_group_ids: Type.Array(Id, { maxItems: 64 }),
});
const Volume = Obj({
  volume_id: Id,
  device: Text,
  boot_index: Type.Union([Type.Integer(), Type.Null()]),
  volume_type: Text,
  size_gb: Type.Integer({ minimum: 0 }),
  array_volume: Text,
});
const DocMember = Obj({
  server_id: Id,
  name: Text,
  boot_order: Type.Integer({ minimum: 0, maximum: 1000 }),
  details: Obj({
    flavor_id: Text,
    flavor_name: Text,
    image_id: NullableText,
    availability_zone: NullableText,
    key_name: NullableText,
    ports: Type.Array(Port, { maxItems: 64 }),
    volumes: Type.Array(Volume, { maxItems: 256 }),
  }),
});
const Document = Obj({
  protection_group: Obj({
    id: Id,
    name: Name,
    description: Description,
    replication_type: Type.Union([Type.Literal('async'), Type.Literal('sync')]),
    status: Type.Unsafe<PgStatus>(Type.String({ enum: [...STATUSES] })),
    primary_site_id: Id,
    secondary_site_id: Id,
    current_primary_site_id: Id,
    resources: Resources,
  }),
  /** Site ids are per deployment; names let the receiving site translate them to its own. */
  sites: Type.Array(Obj({ id: Id, name: Name }), { minItems: 1, maxItems: 2 }),
  members: Type.Array(DocMember, { maxItems: 1000 }),
  policy: PolicyBody,
  resource_mappings: Type.Array(MappingItem, { maxItems: 1000 }),
});
type Document = Static<typeof Document>;

const Version = MetadataVersion;
const Push = Type.Object({ metadata: Obj({ expected_version: Version, version: Version, document: Document }) }, { additionalProperties: false });

/** DESIGN §5: the PG, its members, policy and mappings, as the peer site stores them. */
async function documentOf(pgs: ProtectionGroups, sites: Site[], pg: ProtectionGroup): Promise<Document> {
  const policy = await pgs.policy(pg.id);
  const ids = [pg.primary_site_id, pg.secondary_site_id];
  return {
    protection_group: {
      id: pg.id,
      name: pg.name,
      description: pg.description,
      replication_type: pg.replication_type,
      status: pg.status,
      primary_site_id: pg.primary_site_id,
      secondary_site_id: pg.secondary_site_id,
      current_primary_site_id: pg.current_primary_site_id,
      resources: pg.resources as Document['protection_group']['resources'],
    },
    sites: sites.filter((s) => ids.includes(s.id)).map((s) => ({ id: s.id, name: s.name })),
    members: (await pgs.members(pg.id)).map((m) => ({ server_id: m.server_id, name: m.name, boot_order: m.boot_order, details: m.details })),
    policy: policy ? { interval_minutes: policy.interval_minutes, rpo_minutes: policy.rpo_minutes, retention: policy.retention } : { interval_minutes: 15, rpo_minutes: 30, retention: { source: { all_for_sec: 86400, per_day: 4, days: 7 }, target: { all_for_sec: 86400, per_day: 4, days: 7 } } },
    resource_mappings: await pgs.mappings(pg.id),
  };
}

/**
 * `…/{pg}/metadata`, `…/metadata/ack` and `…/sync-status`: the cross-site document and its
 * version (DESIGN §5). Rule: every accepted change on a site bumps `metadata_version` and marks
 * the PG out_of_sync; an out_of_sync PG refuses changes (409) until the client has pushed the
 * document to the peer and acknowledged that version here (or a sync pushes the peer's copy here).
 */
export function registerMetadata(app: FastifyInstance, deps: ApiDeps): void {
  const pgs = new ProtectionGroups(deps.db, deps.now);
  const sitesRepo = new Sites(deps.db, deps.box, deps.now);
  const now = deps.now ?? Date.now;
  const path = '/v1/:project_id/protection-groups/:pg_id';
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();

  app.get<{ Params: PgParams }>(`${path}/metadata`, { schema: { params: PgParams, querystring: NoQuery } }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:metadata:show');
    const pg = await loadPg(pgs, project_id, pg_id);
    return { metadata: { version: pg.metadata_version, sync_state: pg.sync_state, document: await documentOf(pgs, await sitesRepo.list(), pg) } };
  });

  app.put<{ Params: PgParams; Body: Static<typeof Push> }>(`${path}/metadata`, { schema: { params: PgParams, querystring: NoQuery, body: Push } }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:metadata:push');
    const { expected_version, version, document: doc } = request.body.metadata;
    const f = 'metadata.document';
    if (doc.protection_group.id !== pg_id) throw badRequest(`${f}.protection_group.id`, `The document is for protection group ${doc.protection_group.id}, not ${pg_id}.`);
    if (version <= expected_version) throw badRequest('metadata.version', `The pushed version (${version}) must be newer than expected_version (${expected_version}).`);

    // Site ids are local to each deployment: translate the peer's ids to ours by site name.
    const local = await sitesRepo.list();
    const translate = (id: string, field: string): string => {
      if (local.some((s) => s.id === id)) return id;
      const name = doc.sites.find((s) => s.id === id)?.name;
      const mine = name === undefined ? undefined : local.find((s) => s.name === name);
      if (!mine) throw badRequest(field, `Site ${name ?? id} is not registered on this site (${f}.sites names the pair's sites).`);
      return mine.id;
    };
    const p = doc.protection_group;
    const primary = translate(p.primary_site_id, `${f}.protection_group.primary_site_id`);
    const secondary = translate(p.secondary_site_id, `${f}.protection_group.secondary_site_id`);
    const current = translate(p.current_primary_site_id, `${f}.protection_group.current_primary_site_id`);
    const resources = mapResourceSites(p.resources, (id, where) => translate(id, `${f}.protection_group.resources.${where}`));
    const mappings: ResourceMapping[] = doc.resource_mappings.map((m, i) => ({ ...m, source_site_id: translate(m.source_site_id, `${f}.resource_mappings.${i}.source_site_id`) }));
    checkMappings(mappings, [primary, secondary], `${f}.resource_mappings`);
    const servers = new Set<string>();
    doc.members.forEach((m, i) => {
      if (servers.has(m.server_id)) throw badRequest(`${f}.members.${i}.server_id`, `Server ${m.server_id} is listed twice.`);
      servers.add(m.server_id);
    });

    let pg = await pgs.get(pg_id);
    if (pg && pg.project_id !== project_id) throw notFound(`Protection group ${pg_id}`);
    if (!pg) {
      // First push: the PG becomes known on this site, at version 0 until the swap below.
      if (expected_version !== 0) throw conflict(`Protection group ${pg_id} is not known on this site (version 0); the push expected version ${expected_version}.`);
      const created = await pgs.create({ id: pg_id, project_id, name: p.name, description: p.description, replication_type: p.replication_type, status: p.status, primary_site_id: primary, secondary_site_id: secondary, current_primary_site_id: current, resources });
      if (!created) throw conflict(`A protection group named '${p.name}' already exists in project ${project_id}.`);
      await deps.db.updateTable('protection_groups').set({ metadata_version: 0 }).where('id', '=', pg_id).execute();
      pg = { ...created, metadata_version: 0 };
    }
    if (pg.active_operation_id) throw conflict(`Protection group ${pg_id} is busy with operation ${pg.active_operation_id} on this site; push again when it has finished.`);
    if (pg.replication_type !== p.replication_type) throw badRequest(`${f}.protection_group.replication_type`, `Replication type is fixed at creation (${pg.replication_type}).`);
    if (p.name !== pg.name) {
      const other = await pgs.findByName(project_id, p.name);
      if (other && other.id !== pg_id) throw conflict(`A protection group named '${p.name}' already exists in project ${project_id}.`);
    }

    // Compare-and-set on the version: of two pushes racing, one wins and the other gets the 409.
    const swapped = await deps.db
      .updateTable('protection_groups')
      .set({ metadata_version: version, sync_state: 'in_sync', name: p.name, description: p.description, status: p.status, current_primary_site_id: current, resources: JSON.stringify(resources), updated_at: now() })
      .where('id', '=', pg_id)
      .where('metadata_version', '=', expected_version)
      .where('active_operation_id', 'is', null)
      .executeTakeFirst();
    if (Number(swapped.numUpdatedRows) !== 1) {
      const cur = await pgs.get(pg_id);
      throw conflict(
        `Metadata of protection group ${pg_id} diverged: this site holds version ${cur?.metadata_version ?? 0}${cur?.sync_state === 'out_of_sync' ? ' (changed here and not yet pushed)' : ''}, the push expected version ${expected_version}. Run 'protector protection-group sync --source-site' to pick the winner.`,
      );
    }
    const keep = new Map((await pgs.members(pg_id)).map((m) => [m.server_id, m]));
    for (const m of doc.members) await pgs.putMember({ id: keep.get(m.server_id)?.id ?? randomUUID(), pg_id, server_id: m.server_id, name: m.name, boot_order: m.boot_order, details: m.details });
    for (const id of keep.keys()) if (!servers.has(id)) await pgs.removeMember(pg_id, id);
    await pgs.setPolicy(pg_id, doc.policy);
    await pgs.replaceMappings(pg_id, mappings);
    const stored = (await pgs.get(pg_id)) as ProtectionGroup;
    return { metadata: { version: stored.metadata_version, sync_state: stored.sync_state, document: await documentOf(pgs, local, stored) } };
  });

  typed.post(`${path}/metadata/ack`, { schema: MetadataRoutes.ack }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:metadata:ack');
    const pg = await loadPg(pgs, project_id, pg_id);
    const { version } = request.body;
    const r = await deps.db.updateTable('protection_groups').set({ sync_state: 'in_sync', updated_at: now() }).where('id', '=', pg.id).where('metadata_version', '=', version).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      throw conflict(`Protection group ${pg.id} is at metadata version ${pg.metadata_version}, not ${version}; push version ${pg.metadata_version} to the peer and acknowledge that.`);
    }
    const stored = (await pgs.get(pg.id)) as ProtectionGroup;
    return { metadata: { version: stored.metadata_version, sync_state: stored.sync_state } };
  });

  typed.get(`${path}/sync-status`, { schema: MetadataRoutes.syncStatus }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:sync_status:show');
    const pg = await loadPg(pgs, project_id, pg_id);
    const policy = await pgs.policy(pg.id);
    const v = pgView(pg);
    // Which site answers: a client holding both sites' copies tells them apart by this.
    const local = (await sitesRepo.list()).find((s) => s.is_local);
    return {
      sync_status: {
        protection_group_id: pg.id,
        site_id: local?.id ?? null,
        site_name: local?.name ?? null,
        metadata_version: pg.metadata_version,
        sync_state: pg.sync_state,
        status: pg.status,
        current_primary_site_id: pg.current_primary_site_id,
        active_operation_id: pg.active_operation_id,
        changes_allowed: pg.sync_state === 'in_sync',
        updated_at: v.updated_at,
        rpo_minutes: policy?.rpo_minutes ?? null,
        interval_minutes: policy?.interval_minutes ?? null,
      },
    };
  });
}
