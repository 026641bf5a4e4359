import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { MetadataRoutes, type MetadataDocument } from '@protector/contract';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_POLICY, ProtectionGroups, type ProtectionGroup } from '../../db/protection-groups.js';
import { Sites, type Site } from '../../db/sites.js';
import { transact } from '../../db/retry.js';
import { TenantMappings } from '../../db/tenant-mappings.js';
import { acceptDocument, buildDocument, DocumentRefused } from '../../metadata/document.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { checkMappings } from './resource-mappings.js';
import { loadPg, pgView, tenant } from './tenant.js';

/** DESIGN §5: the PG, its members, policy and mappings, as the peer site stores them. */
async function documentOf(pgs: ProtectionGroups, sites: Site[], pg: ProtectionGroup): Promise<MetadataDocument> {
  const policy = await pgs.policy(pg.id);
  return buildDocument({
    pg,
    sites,
    members: await pgs.members(pg.id),
    policy: policy ? { interval_minutes: policy.interval_minutes, rpo_minutes: policy.rpo_minutes, retention: policy.retention } : DEFAULT_POLICY,
    mappings: await pgs.mappings(pg.id),
  });
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
  const tenantMappings = new TenantMappings(deps.db, deps.now);
  const now = deps.now ?? Date.now;
  const path = '/v1/:project_id/protection-groups/:pg_id';
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();

  typed.get(`${path}/metadata`, { schema: MetadataRoutes.show }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:metadata:show');
    const pg = await loadPg(pgs, project_id, pg_id);
    return { metadata: { version: pg.metadata_version, sync_state: pg.sync_state, document: await documentOf(pgs, await sitesRepo.list(), pg) } };
  });

  typed.put(`${path}/metadata`, { schema: MetadataRoutes.push }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:metadata:push');
    const { expected_version, version, document: doc } = request.body.metadata;
    if (version <= expected_version) throw badRequest('metadata.version', `The pushed version (${version}) must be newer than expected_version (${expected_version}).`);
    const local = await sitesRepo.list();
    let accepted;
    try {
      accepted = acceptDocument(doc, { projectId: project_id, pgId: pg_id, version, sites: local, tenantMappings: await tenantMappings.list() });
    } catch (err) {
      // Nothing has been stored: the document is refused as a whole, naming why.
      if (err instanceof DocumentRefused) throw conflict(`The metadata document for protection group ${pg_id} was refused: ${err.message}.`);
      throw err;
    }
    const p = { ...accepted, resource_mappings: checkMappings(accepted.resource_mappings, [accepted.primary_site_id, accepted.secondary_site_id], 'metadata.document.resource_mappings') };
    const servers = new Set(p.members.map((m) => m.server_id));

    // All of it or nothing: a push that fails half-way leaves this site's copy as it was.
    await transact(deps.db, async (tx) => {
      const pgs = new ProtectionGroups(tx, deps.now);
      let pg = await pgs.get(pg_id);
      if (pg && pg.project_id !== project_id) throw notFound(`Protection group ${pg_id}`);
      if (!pg) {
        // First push: the PG becomes known on this site, at version 0 until the swap below.
        if (expected_version !== 0) throw conflict(`Protection group ${pg_id} is not known on this site (version 0); the push expected version ${expected_version}.`);
        const created = await pgs.create({ id: pg_id, project_id, name: p.name, description: p.description, replication_type: p.replication_type, status: p.status, primary_site_id: p.primary_site_id, secondary_site_id: p.secondary_site_id, current_primary_site_id: p.current_primary_site_id, resources: p.resources });
        if (!created) throw conflict(`A protection group named '${p.name}' already exists in project ${project_id}.`);
        await tx.updateTable('protection_groups').set({ metadata_version: 0 }).where('id', '=', pg_id).execute();
        pg = { ...created, metadata_version: 0 };
      }
      if (pg.active_operation_id) throw conflict(`Protection group ${pg_id} is busy with operation ${pg.active_operation_id} on this site; push again when it has finished.`);
      if (pg.replication_type !== p.replication_type) throw badRequest('metadata.document.protection_group.replication_type', `Replication type is fixed at creation (${pg.replication_type}).`);
      if (p.name !== pg.name) {
        const other = await pgs.findByName(project_id, p.name);
        if (other && other.id !== pg_id) throw conflict(`A protection group named '${p.name}' already exists in project ${project_id}.`);
      }

      // Compare-and-set on the version: of two pushes racing, one wins and the other gets the 409.
      const swapped = await tx
        .updateTable('protection_groups')
        .set({ metadata_version: version, sync_state: 'in_sync', name: p.name, description: p.description, status: p.status, current_primary_site_id: p.current_primary_site_id, resources: JSON.stringify(p.resources), updated_at: now() })
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
      for (const m of p.members) await pgs.putMember({ id: keep.get(m.server_id)?.id ?? randomUUID(), pg_id, server_id: m.server_id, name: m.name, boot_order: m.boot_order, details: m.details });
      for (const id of keep.keys()) if (!servers.has(id)) await pgs.removeMember(pg_id, id);
      await pgs.setPolicy(pg_id, p.policy);
      await pgs.replaceMappings(pg_id, p.resource_mappings);
    });
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
