import type { JsonObject } from './json.js';

/** The fields FlashArray's VolumeSnapshot and ProtectionGroupSnapshot models share. */
export const snapshotFields = (s: {
  id: string;
  name: string;
  created: number;
  destroyed: boolean;
  source: { name: string };
  suffix: string;
  time_remaining: number | null;
}): JsonObject => ({
  id: s.id,
  name: s.name,
  created: s.created,
  destroyed: s.destroyed,
  pod: null,
  source: { name: s.source.name },
  suffix: s.suffix,
  time_remaining: s.time_remaining,
});
