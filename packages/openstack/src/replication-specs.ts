import type { VolumeType } from './cinder-types.js';

/** `async` or `sync`, as DESIGN §1 and Cinder's extra specs name them. */
export type ReplicationType = 'async' | 'sync';

/**
 * The replication type a volume type provides (`replication_enabled='<is> True'` and
 * `replication_type='<in> async|sync'`), or null when it does not replicate. Read the admin view
 * of the extra specs: tenants do not see `replication_type`.
 */
export function replicationTypeOf(specs: Record<string, string>): ReplicationType | null {
  if (!/^<is>\s*true$/i.test(specs.replication_enabled ?? '')) return null;
  const m = /^<in>\s*(async|sync)$/i.exec(specs.replication_type ?? '');
  return m?.[1] ? (m[1].toLowerCase() as ReplicationType) : null;
}

export const replicatedTypes = (types: VolumeType[], rt: ReplicationType): VolumeType[] => types.filter((t) => replicationTypeOf(t.extra_specs) === rt);

