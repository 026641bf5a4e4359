/**
 * The array construct (async protection group or sync pod) of a PG is named from the PG id, the
 * same on both arrays: retries find it, and a site can tell whether a handle is this PG's at all.
 */
export const replicationGroupName = (pgId: string): string => `protector-${pgId}`;
