import type { ProtectionGroup, ReplicationPolicy } from '../../db/protection-groups.js';
import type { ReplicationGroupSpec } from '../../storage/index.js';
import type { WorkflowContext, WorkflowDeps } from '../context.js';
import { StepError, type Workflow } from '../workflow.js';
import { ensureGroup, ensureGroupType } from './cinder-groups.js';
import { defineWorkflow, type PgRun } from './flow.js';
import { groupName, groupTypeName } from './names.js';
import { documentChanged, errorText, setSiteResources, siteOf, type Which } from './pg.js';
import { replicatedTypes } from '@protector/openstack';

/** The array construct's settings from the PG's replication policy. */
export function replicationSpec(pg: ProtectionGroup, policy: ReplicationPolicy): ReplicationGroupSpec {
  const ret = (r: ReplicationPolicy['retention']['source']) => ({ keepAllForSeconds: r.all_for_sec, perDay: r.per_day, days: r.days });
  return {
    id: pg.id,
    name: pg.name,
    replicationType: pg.replication_type,
    intervalSeconds: policy.interval_minutes * 60,
    retention: ret(policy.retention.target),
    sourceRetention: ret(policy.retention.source),
  };
}

/** Both sites registered, this one the PG's primary, Keystone answering for the service and the tenant's trust, arrays linked. Every problem is reported, not the first. */
async function checkSites(ctx: WorkflowContext, pg: ProtectionGroup): Promise<Record<string, unknown>> {
  const problems: string[] = [];
  const local = await ctx.sites.get(pg.primary_site_id);
  if (!local) problems.push(`primary site ${pg.primary_site_id} is not registered`);
  else if (!local.is_local) problems.push(`primary site ${local.name} is not this site: a PG is created on its primary site`);
  if (!(await ctx.sites.get(pg.secondary_site_id))) problems.push(`secondary site ${pg.secondary_site_id} is not registered`);
  if (problems.length === 0) {
    for (const siteId of [pg.primary_site_id, pg.secondary_site_id]) {
      for (const asTenantOf of [undefined, pg]) {
        try {
          await (await ctx.clientsFor(siteId, { asTenantOf })).session.auth();
        } catch (err) {
          problems.push(`${asTenantOf ? 'the tenant trust' : 'the service user'} cannot authenticate on site ${siteId}: ${errorText(err)}`);
        }
      }
    }
  }
  const arrays = await ctx.storage.validateConnection();
  for (const a of arrays.arrays) {
    if (!a.reachable) problems.push(`array ${a.array} does not answer: ${a.error ?? 'unreachable'}`);
    else if (a.link.state !== 'connected') problems.push(`array ${a.array} has no working replication link to ${a.link.remote} (${a.link.state})`);
  }
  if (problems.length) throw new StepError(problems.join('; '), { problems });
  return { sites: [pg.primary_site_id, pg.secondary_site_id], arrays: arrays.arrays.map((a) => a.array) };
}


async function createGroupType({ ctx, pg }: PgRun, which: Which) {
  const siteId = siteOf(pg, which);
  const admin = await ctx.clientsFor(siteId);
  const t = await ensureGroupType(admin, groupTypeName(pg.id), pg.resources.sites[siteId]?.group_type_id);
  await setSiteResources(ctx, pg.id, siteId, { group_type_id: t.id });
  return { site_id: siteId, group_type_id: t.id, created: t.created };
}

async function createGroup({ ctx, pg }: PgRun, which: Which) {
  const siteId = siteOf(pg, which);
  const groupTypeId = pg.resources.sites[siteId]?.group_type_id;
  if (!groupTypeId) throw new StepError(`no group type recorded for site ${siteId}`);
  // Admin view: tenants do not see replication_type in extra specs.
  const types = replicatedTypes(await (await ctx.clientsFor(siteId)).cinder.listVolumeTypes(), pg.replication_type);
  if (types.length === 0) {
    throw new StepError(`site ${siteId} has no volume type with replication_enabled='<is> True' and replication_type='<in> ${pg.replication_type}'`, { site_id: siteId });
  }
  const tenant = await ctx.clientsFor(siteId, { asTenantOf: pg });
  const g = await ensureGroup(
    tenant,
    { name: groupName(pg.id), groupTypeId, volumeTypes: types.map((t) => t.id) },
    pg.resources.sites[siteId]?.group_id,
    async (id) => void (await setSiteResources(ctx, pg.id, siteId, { group_id: id })),
  );
  return { site_id: siteId, group_id: g.id, created: g.created, volume_types: types.map((t) => t.name) };
}

async function createArrayGroup({ ctx, pg }: PgRun) {
  const policy = await ctx.pgs.policy(pg.id);
  if (!policy) throw new StepError(`protection group ${pg.id} has no replication policy`);
  // Idempotent by PG id in the driver: a re-run completes and returns the same construct.
  const handle = await ctx.storage.createReplicationGroup(replicationSpec(pg, policy));
  await ctx.pgs.setResources(pg.id, (r) => ({ ...r, array: handle }));
  return { array_group: handle.name, type: handle.type, source_array: handle.sourceArray, target_array: handle.targetArray };
}

/**
 * pg_create: the PG's Cinder consistency group (and its group type) on both sites, then the array
 * construct spanning both arrays; PG creating → active, or → error when a step fails.
 */
export function pgCreateWorkflow(deps: WorkflowDeps): Workflow {
  return defineWorkflow(deps, {
    type: 'pg_create',
    failureStatus: 'error',
    steps: (_p, flow) =>
      flow
        .step('check_sites', (s) => checkSites(s.ctx, s.pg))
        .step('create_local_group_type', (s) => createGroupType(s, 'primary'))
        .step('create_local_group', (s) => createGroup(s, 'primary'))
        .step('create_peer_group_type', (s) => createGroupType(s, 'secondary'))
        .step('create_peer_group', (s) => createGroup(s, 'secondary'))
        .step('create_array_group', createArrayGroup)
        .step('activate', async ({ ctx, pg }) => {
          await documentChanged(ctx, pg.id, { status: 'active' });
          return { status: 'active' };
        }),
  });
}
