/**
 * Deterministic names for what a PG creates, so a step re-run after a crash between "created"
 * and "recorded" finds the object instead of creating a second one.
 */
export const groupTypeName = (pgId: string): string => `protector-${pgId}`;
export const groupName = (pgId: string): string => `protector-${pgId}`;

/** How the Pure Cinder driver (and cloudsim) names a Cinder volume on the array. */
export const arrayVolumeName = (volumeId: string): string => `volume-${volumeId}-cinder`;
