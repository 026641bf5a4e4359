import type { ReplicationType } from '../../db/protection-groups.js';
import type { VolumeType } from '../../openstack/index.js';

/**
 * The replication type a volume type provides, or null when it does not replicate. Reads the
 * admin view of the extra specs: tenants do not see `replication_type`.
 */
export function replicationTypeOf(specs: Record<string, string>): ReplicationType | null {
  if (!/^<is>\s*true$/i.test(specs.replication_enabled ?? '')) return null;
  const m = /^<in>\s*(async|sync)$/i.exec(specs.replication_type ?? '');
  return m?.[1] ? (m[1].toLowerCase() as ReplicationType) : null;
}

export const replicatedTypes = (types: VolumeType[], rt: ReplicationType): VolumeType[] => types.filter((t) => replicationTypeOf(t.extra_specs) === rt);
