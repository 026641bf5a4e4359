import { finder, type Check } from '../check.js';
import { KIND_LABEL, resolveAll, serverList } from '../resolve.js';

const find = finder('mappings');

/** Every resource a member uses has a counterpart on the target (the rule is in resolve.ts); each gap is its own finding. */
export const mappingsCheck: Check = {
  name: 'mappings',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback'],
  async run(ctx, input) {
    const target = await ctx.site(input.targetSiteId);
    const resolutions = await resolveAll(ctx, input);
    // A network mapping with re-IP rules places its ports' addresses itself: no subnet mapping needed (the reip check has the rest).
    const reip = new Set(resolutions.filter((r) => r.kind === 'network' && r.target?.reip_rules?.length).map((r) => r.sourceId));
    const subnetsOf = new Map(input.members.flatMap((m) => m.details.ports.flatMap((p) => p.fixed_ips.map((f) => [f.subnet_id, p.network_id] as const))));
    return resolutions
      .filter((r) => r.target === null && !(r.kind === 'subnet' && reip.has(subnetsOf.get(r.sourceId) ?? '')))
      .map((r) => {
        const shown = r.label === r.sourceId ? r.sourceId : `${r.label} (${r.sourceId})`;
        return find('blocker', 'mapping_missing', `no ${KIND_LABEL[r.kind]} mapping for ${shown} to site ${target.name}, used by server ${serverList(r)}`, {
          kind: r.kind,
          source_id: r.sourceId,
          source_site_id: input.sourceSiteId,
          target_site_id: input.targetSiteId,
          servers: r.servers,
        });
      });
  },
};
