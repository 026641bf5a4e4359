/** The API's timestamps (UTC) as people read them, the same in every browser. */
export const when = (ts: string | null | undefined): string => (ts ? `${ts.slice(0, 19).replace('T', ' ')} UTC` : '-');

/** A duration for people: "1.5 s", "45 s", "4 min 10 s", "2 h 5 min", "3 d 4 h"; '-' when unknown. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  // Under 10 s a tenth still says something (a step that took 1.5 s).
  if (seconds < 10 && !Number.isInteger(seconds)) return `${Math.max(0, seconds).toFixed(1)} s`;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(s / 86_400)} d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)} h` : ''}`;
}
