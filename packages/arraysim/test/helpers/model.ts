import { ManualClock } from '../../src/clock.js';
import { ArrayModel, type ArrayModelOptions } from '../../src/index.js';

export const MiB = 1024 * 1024;

/**
 * fa-a replicates pg1 (volume v of `size` bytes) to fa-b over a link of `bandwidth` B/s and
 * `latency_ms`, on a manual clock; `targets: false` leaves fa-b out of pg1's targets.
 */
export function replicatingPair(
  opts: { bandwidth?: number; latency_ms?: number; size?: number; targets?: boolean; model?: ArrayModelOptions } = {},
): { m: ArrayModel; clock: ManualClock } {
  const clock = new ManualClock();
  const m = ArrayModel.open(':memory:', clock, opts.model);
  m.createArray('fa-a');
  m.createArray('fa-b');
  m.connectArrays('fa-a', 'fa-b', { bandwidth: opts.bandwidth ?? MiB, latency_ms: opts.latency_ms ?? 50 });
  m.createVolume('fa-a', 'v', opts.size ?? 16 * MiB);
  m.createProtectionGroup('fa-a', 'pg1');
  m.addProtectionGroupVolumes('fa-a', 'pg1', ['v']);
  if (opts.targets !== false) m.addProtectionGroupTargets('fa-a', 'pg1', ['fa-b']);
  return { m, clock };
}
