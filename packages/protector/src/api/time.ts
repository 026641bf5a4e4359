/** API timestamps are ISO 8601 with microseconds and no zone, as Nova and Cinder print them. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  // toISOString is always `YYYY-MM-DDTHH:mm:ss.sssZ` for the years a timestamp here can have.
  return ms === null ? null : `${new Date(ms).toISOString().slice(0, -1)}000`;
}
