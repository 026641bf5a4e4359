import { finder, type Check, type Finding } from '../check.js';
import { resolveAll, targetFlavor, targetTenant } from '../resolve.js';

const find = finder('target_quota');

/** Room left under a limit; Nova, Cinder and Neutron use -1 for unlimited. */
const room = (limit: number, used: number): number => (limit < 0 ? Infinity : limit - used);

/**
 * What the action creates on the target in the PG's project (asked through the trust, so it is
 * that project's quota): a server per member with its mapped flavor's cores and RAM, the
 * members' volumes managed into Cinder, a port per recorded port.
 */
export const targetQuotaCheck: Check = {
  name: 'target_quota',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback'],
  async run(ctx, input) {
    const target = await ctx.site(input.targetSiteId);
    const tenant = await targetTenant(ctx, input);
    const projectId = (await tenant.session.auth()).projectId ?? '';
    const flavorOf = new Map((await resolveAll(ctx, input)).filter((r) => r.kind === 'flavor').map((r) => [r.sourceId, r.target?.id]));
    let cores = 0;
    let ram = 0;
    const unknownFlavors: string[] = [];
    for (const m of input.members) {
      const mapped = flavorOf.get(m.details.flavor_id || m.details.flavor_name);
      // An unresolved flavor is the mappings check's finding; here it only makes the count a floor.
      const f = mapped ? await targetFlavor(ctx, input, mapped) : undefined;
      if (!f) unknownFlavors.push(m.name);
      cores += f?.vcpus ?? 0;
      ram += f?.ram ?? 0;
    }
    const volumes = input.members.flatMap((m) => m.details.volumes);
    const gigabytes = volumes.reduce((s, v) => s + v.size_gb, 0);
    const ports = input.members.reduce((s, m) => s + m.details.ports.length, 0);

    const [nova, cinder, net] = await Promise.all([tenant.nova.getLimits(), tenant.cinder.getLimits(), tenant.neutron.getQuotaDetails(projectId)]);
    const wanted: [string, string, number, number, number][] = [
      ['instances', 'instances', input.members.length, nova.maxTotalInstances, nova.totalInstancesUsed],
      ['cores', 'cores', cores, nova.maxTotalCores, nova.totalCoresUsed],
      ['ram', 'MB of RAM', ram, nova.maxTotalRAMSize, nova.totalRAMUsed],
      ['volumes', 'volumes', volumes.length, cinder.maxTotalVolumes, cinder.totalVolumesUsed],
      ['gigabytes', 'GB of volumes', gigabytes, cinder.maxTotalVolumeGigabytes, cinder.totalGigabytesUsed],
      ['ports', 'ports', ports, net.port.limit, net.port.used],
    ];
    const out: Finding[] = [];
    for (const [resource, unit, need, limit, used] of wanted) {
      const free = room(limit, used);
      if (need > free) {
        out.push(
          find('blocker', 'quota_exceeded', `project ${projectId} on site ${target.name} has room for ${Math.max(free, 0)} more ${unit} (limit ${limit}, used ${used}); protection group ${input.pg.name} needs ${need}`, {
            resource,
            needed: need,
            limit,
            used,
            project_id: projectId,
          }),
        );
      }
    }
    if (unknownFlavors.length) {
      out.push(find('warning', 'quota_flavor_unknown', `cores and RAM of server ${unknownFlavors.join(', ')} are not counted: the flavor has no counterpart on site ${target.name}`, { servers: unknownFlavors }));
    }
    return out;
  },
};
