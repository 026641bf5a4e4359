// OpenStack APIs format times in two styles; both are built from the simulated clock's milliseconds.
// Lists format a few timestamps per item, mostly the same ones: each formatted value is remembered.

function remembered(format: (ms: number) => string): (ms: number) => string {
  const seen = new Map<number, string>();
  return (ms) => {
    let text = seen.get(ms);
    if (text === undefined) {
      text = format(ms);
      // Bounded: a long-running site forgets and starts again.
      if (seen.size >= 50_000) seen.clear();
      seen.set(ms, text);
    }
    return text;
  };
}

/** OpenStack timestamps: ISO 8601 without milliseconds, e.g. 2026-01-01T00:00:00Z. */
export const isoSeconds = remembered((ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'));

/** Cinder, Neutron and Nova's launched_at style: microseconds, no zone designator (2026-01-01T00:00:00.000000). */
export const isoMicros = remembered((ms) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000'));
