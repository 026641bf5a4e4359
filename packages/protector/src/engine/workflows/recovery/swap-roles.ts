import type { BroughtUp, Member, MemberDetails, PgStatus } from '../../../db/protection-groups.js';
import { arrayVolumeName } from '../names.js';
import type { StepState } from '../flow.js';
import { planFor, type PlanOptions, type RecoveryPlan } from './plan.js';
import { portKey } from './ports.js';
import { sitesOf, type AfterPrecheck } from './precheck.js';
import { recordOf } from './record.js';
import type { ReverseOut } from './replication.js';

/** The member as it is on the new primary: new server, ports, volumes, mapped flavor and friends. */
async function movedDetails(plan: RecoveryPlan, m: Member, rec: BroughtUp): Promise<MemberDetails> {
  const tenant = await plan.tenant();
  const d = m.details;
  const ports = await Promise.all(
    d.ports.map(async (p) => {
      const port = await tenant.neutron.getPort(rec.ports[portKey(m.server_id, p.id)] ?? '');
      return { id: port.id, network_id: port.network_id, mac_address: port.mac_address, fixed_ips: port.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })), security_group_ids: port.security_groups };
    }),
  );
  const flavorId = await plan.flavorId(m);
  const flavor = (await tenant.nova.getFlavor(flavorId).catch(() => undefined))?.name ?? d.flavor_name;
  return {
    flavor_id: flavorId,
    flavor_name: flavor,
    image_id: d.image_id ? await plan.target('image', d.image_id).catch(() => d.image_id) : null,
    availability_zone: d.availability_zone ? await plan.target('availability_zone', d.availability_zone).catch(() => d.availability_zone) : null,
    key_name: d.key_name ? await plan.target('keypair', d.key_name).catch(() => d.key_name) : null,
    ports,
    volumes: await Promise.all(
      d.volumes.map(async (v) => {
        const got = rec.volumes[v.volume_id]!;
        return { ...v, volume_id: got.volume_id, volume_type: await plan.target('volume_type', v.volume_type), array_volume: arrayVolumeName(got.volume_id) };
      }),
    ),
  };
}

export interface SwapRolesOptions extends PlanOptions {
  /** The old copies could not be stopped for sure (unplanned): Protector never starts them. */
  fenced: boolean;
  /** Replication is still to be reversed (unplanned: failback does it). */
  reversePending: boolean;
}

/** What swap_roles records: the servers that did not come up (`failed`: the operation ends partial) and, the first time, what moved. */
export type SwapRolesOut = {
  primary_site_id: string;
  status: PgStatus;
  failed: { member_server_id: string; error: string }[];
  resumed?: true;
  moved?: string[];
  metadata_version?: number;
  data_as_of?: number | null;
  recovery_point?: string | null;
};

/**
 * The target becomes the primary: members now name the servers brought up there, the old
 * copies are recorded as leftovers for cleanup (fenced when they could not be stopped), and
 * the metadata version is bumped so the client pushes the new document to the peer.
 */
export async function swapRoles(s: StepState<unknown, AfterPrecheck & { reverse_replication?: ReverseOut }>, o: SwapRolesOptions): Promise<SwapRolesOut> {
  const { ctx, opId } = s;
  const sites = sitesOf(s.out.precheck);
  const plan = await planFor(s, o);
  const pg = plan.pg;
  const rec = recordOf(pg.resources, 'failover', opId);
  const failed = Object.entries(rec.errors).map(([server, error]) => ({ member_server_id: server, error }));
  // Back on its original primary (failback) the PG is simply active again.
  const status: PgStatus = failed.length ? 'failed_over_partial' : sites.targetSiteId === pg.primary_site_id ? 'active' : 'failed_over';
  if (pg.current_primary_site_id === sites.targetSiteId) return { primary_site_id: sites.targetSiteId, status: pg.status, failed, resumed: true };
  const moved: Member[] = plan.members.filter((m) => rec.servers[m.server_id] && !rec.errors[m.server_id]);
  // The old primary lost after the point of no return: its copies are fenced, and replication waits for failback.
  const lost = s.out.reverse_replication?.reverse_pending === true;
  const reversePending = o.reversePending || lost;
  const left = { operation_id: opId, site_id: sites.sourceSiteId, fenced: o.fenced || lost, servers: moved.map((m) => m.server_id), volumes: moved.flatMap((m) => m.details.volumes.map((v) => v.volume_id)), ports: moved.flatMap((m) => m.details.ports.map((p) => p.id)) };
  const details = await Promise.all(moved.map(async (m) => ({ m, d: await movedDetails(plan, m, rec) })));
  for (const { m, d } of details) await ctx.pgs.moveMember(m.id, rec.servers[m.server_id]!, d);
  await ctx.pgs.setResources(pg.id, (r) => ({ ...r, leftovers: left, ...(reversePending ? { reverse_pending: true } : {}) }));
  const after = await ctx.pgs.update(pg.id, { current_primary_site_id: sites.targetSiteId, status, sync_state: 'out_of_sync' }, { bumpVersion: true });
  return { primary_site_id: sites.targetSiteId, status, failed, moved: moved.map((m) => m.name), metadata_version: after?.metadata_version, data_as_of: rec.recovery_point_time, recovery_point: rec.recovery_point };
}
