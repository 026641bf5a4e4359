// OpenStack APIs format times in two styles; both are built from the simulated clock's milliseconds.

/** OpenStack timestamps: ISO 8601 without milliseconds, e.g. 2026-01-01T00:00:00Z. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Cinder and Neutron style: microseconds, no zone designator (2026-01-01T00:00:00.000000). */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}
