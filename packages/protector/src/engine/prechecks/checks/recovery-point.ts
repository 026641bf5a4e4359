import { finder, type Check, type Finding } from '../check.js';

const find = finder('recovery_point');

/**
 * Data to fail over to: the chosen recovery point, or at least one fully transferred one, on
 * the target array. A point taken before a member joined lacks its volumes; planned failover
 * takes a final snapshot anyway, so there that only warns.
 */
export const recoveryPointCheck: Check = {
  name: 'recovery_point',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover'],
  async run(ctx, input) {
    const { pg } = input;
    const handle = pg.resources.array;
    if (!handle) return [find('blocker', 'no_array_group', `protection group ${pg.name} (${pg.id}) has no array construct, so it has no recovery points`)];
    const points = await ctx.storage.listRecoveryPoints(handle);
    const chosen = input.recoveryPoint ? points.find((p) => p.name === input.recoveryPoint) : points[0];
    if (input.recoveryPoint && !chosen) {
      return [find('blocker', 'recovery_point_not_found', `recovery point ${input.recoveryPoint} of protection group ${pg.name} is not on array ${handle.targetArray} (pruned, or not fully transferred)`, { recovery_point: input.recoveryPoint })];
    }
    if (!chosen) return [find('blocker', 'no_recovery_point', `protection group ${pg.name} (${pg.id}) has no fully transferred recovery point on array ${handle.targetArray}`, { array: handle.targetArray })];
    const out: Finding[] = [];
    if (chosen.kind === 'snapshot') {
      const held = new Set(chosen.volumes);
      for (const m of input.members) {
        for (const v of m.details.volumes) {
          if (held.has(v.array_volume)) continue;
          out.push(
            find(input.action === 'planned_failover' || input.force ? 'warning' : 'blocker', 'recovery_point_incomplete', `recovery point ${chosen.name} does not hold volume ${v.volume_id} of server ${m.name} (${m.server_id})`, {
              recovery_point: chosen.name,
              volume_id: v.volume_id,
              server_id: m.server_id,
            }),
          );
        }
      }
    }
    return out;
  },
};
