import { randomUUID } from 'node:crypto';
import type { MemberDetails, MemberVolume, ProtectionGroup } from '../../db/protection-groups.js';
import { isNotFound, type SiteClients, type Volume, replicationTypeOf } from '@protector/openstack';
import type { WorkflowContext, WorkflowDeps } from '../context.js';
import { StepError, type Workflow } from '../workflow.js';
import { defineWorkflow } from './flow.js';
import { arrayVolumeName } from './names.js';
import { documentChanged } from './pg.js';

/** What inspect_server found. */
export type InspectedMember = {
  server_id: string;
  name: string;
  details: MemberDetails;
};

function requireActive(pg: ProtectionGroup): void {
  if (pg.status !== 'active') throw new StepError(`protection group ${pg.id} is ${pg.status}; members are added to an active protection group`);
}

async function typeOf(admin: SiteClients, cache: Map<string, Record<string, string>>, v: Volume): Promise<Record<string, string>> {
  const key = v.volume_type_id ?? v.volume_type;
  let specs = cache.get(key);
  if (!specs) {
    specs = (await admin.cinder.getVolumeType(key)).extra_specs;
    cache.set(key, specs);
  }
  return specs;
}

/** Reads the server, its ports and volumes as the tenant; refuses volumes that cannot replicate with the PG. */
async function inspect(ctx: WorkflowContext, pg: ProtectionGroup, serverId: string): Promise<InspectedMember> {
  const siteId = pg.primary_site_id;
  const tenant = await ctx.clientsFor(siteId, { asTenantOf: pg });
  const admin = await ctx.clientsFor(siteId);
  let server;
  try {
    server = await tenant.nova.getServer(serverId);
  } catch (err) {
    if (isNotFound(err)) throw new StepError(`server ${serverId} does not exist in project ${pg.project_id} on site ${siteId}`, { server_id: serverId });
    throw err;
  }
  const attachments = await tenant.nova.listVolumeAttachments(serverId);
  if (attachments.length === 0) throw new StepError(`server ${server.name} (${serverId}) has no volumes: only servers on replicated Cinder volumes can be protected`, { server_id: serverId });
  const groupId = pg.resources.sites[siteId]?.group_id;
  const specsCache = new Map<string, Record<string, string>>();
  const problems: string[] = [];
  const volumes: MemberVolume[] = [];
  // Nova's attachment list carries no boot index; a server booted from volume boots from the first device.
  const byDevice = [...attachments].sort((a, b) => (a.device ?? '~').localeCompare(b.device ?? '~'));
  let bootImage: string | null = null;
  for (const [i, a] of byDevice.entries()) {
    const v = await tenant.cinder.getVolume(a.volumeId);
    const rt = replicationTypeOf(await typeOf(admin, specsCache, v));
    if (rt !== pg.replication_type) {
      problems.push(`volume ${v.name ?? ''} (${v.id}) has type ${v.volume_type}, which ${rt ? `replicates ${rt}` : 'is not replicated'}; the protection group needs a type with replication_enabled='<is> True' and replication_type='<in> ${pg.replication_type}'`);
    }
    if (v.group_id && v.group_id !== groupId) problems.push(`volume ${v.name ?? ''} (${v.id}) is already in another volume group (${v.group_id})`);
    const boot = server.image === '' && i === 0;
    if (boot) bootImage = v.volume_image_metadata?.image_id ?? null;
    volumes.push({ volume_id: v.id, device: a.device ?? '', boot_index: boot ? 0 : null, volume_type: v.volume_type, size_gb: v.size, array_volume: arrayVolumeName(v.id) });
  }
  if (problems.length) throw new StepError(`server ${server.name} (${serverId}) cannot be protected: ${problems.join('; ')}`, { server_id: serverId, problems });
  const ports = await tenant.neutron.listPorts({ device_id: serverId });
  // Admin listing sees private flavors too; the server embeds only the flavor's name (2.47+).
  const flavor = (await admin.nova.listFlavors({ isPublic: 'None' })).find((f) => f.name === server.flavor.original_name);
  return {
    server_id: serverId,
    name: server.name,
    details: {
      flavor_id: flavor?.id ?? '',
      flavor_name: server.flavor.original_name,
      image_id: server.image === '' ? bootImage : server.image.id,
      availability_zone: server['OS-EXT-AZ:availability_zone'] || null,
      key_name: server.key_name,
      ports: ports.map((p) => ({ id: p.id, network_id: p.network_id, mac_address: p.mac_address, fixed_ips: p.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })), security_group_ids: p.security_groups })),
      volumes,
    },
  };
}

/**
 * member_add: validate the server's volumes, put them in the PG's Cinder group and array
 * construct, then record the member (ports, flavor, image, volumes) and bump the metadata version.
 * The record comes last so a member is listed only once its volumes are protected. What
 * inspect_server found is its output, so later steps (and a resumed run) use the same facts.
 */
export function memberAddWorkflow(deps: WorkflowDeps): Workflow {
  return defineWorkflow(deps, {
    type: 'member_add',
    steps: (p, flow) =>
      flow
        .step('inspect_server', async (s) => {
          requireActive(s.pg);
          return { member: await inspect(s.ctx, s.pg, p.server_id) };
        })
        .step('add_to_cinder_group', async ({ ctx, pg, out }) => {
          const siteId = pg.primary_site_id;
          const groupId = pg.resources.sites[siteId]?.group_id;
          if (!groupId) throw new StepError(`protection group ${pg.id} has no Cinder group on site ${siteId}`);
          const tenant = await ctx.clientsFor(siteId, { asTenantOf: pg });
          const current = new Set((await tenant.cinder.getGroup(groupId, { listVolumes: true })).volumes ?? []);
          const add = out.inspect_server.member.details.volumes.map((v) => v.volume_id).filter((id) => !current.has(id));
          if (add.length) await tenant.cinder.updateGroup(groupId, { addVolumes: add });
          return { group_id: groupId, added: add };
        })
        .step('add_to_array_group', async ({ ctx, pg, out }) => {
          if (!pg.resources.array) throw new StepError(`protection group ${pg.id} has no array construct`);
          const added = await ctx.storage.addVolumes(pg.resources.array, out.inspect_server.member.details.volumes.map((v) => v.array_volume));
          return { array_group: pg.resources.array.name, volumes: added.map((v) => v.name) };
        })
        .step('record_member', async ({ ctx, pg, out }) => {
          const m = out.inspect_server.member;
          const existing = await ctx.pgs.member(pg.id, m.server_id);
          await ctx.pgs.putMember({ id: existing?.id ?? randomUUID(), pg_id: pg.id, server_id: m.server_id, name: m.name, boot_order: p.boot_order, details: m.details });
          const after = await documentChanged(ctx, pg.id);
          return { server_id: m.server_id, metadata_version: after?.metadata_version };
        }),
  });
}
