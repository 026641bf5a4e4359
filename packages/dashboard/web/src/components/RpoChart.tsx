import type { LagPoint } from '../../../src/shared/overview';
import { duration } from '../domain/time';

const W = 240;
const H = 56;
const PAD = 2;

/** Seconds of [from, to] during which the piecewise-linear lag was above `limit`. */
export function secondsAbove(series: LagPoint[], limit: number): number {
  let above = 0;
  for (let i = 1; i < series.length; i++) {
    const a = series[i - 1]!;
    const b = series[i]!;
    const span = (Date.parse(b.t) - Date.parse(a.t)) / 1000;
    if (span <= 0) continue;
    const [lo, hi] = [Math.min(a.lag_seconds, b.lag_seconds), Math.max(a.lag_seconds, b.lag_seconds)];
    if (lo >= limit) above += span;
    else if (hi > limit) above += (span * (hi - limit)) / (hi - lo);
  }
  return above;
}

/** What the chart shows, in words: the text alternative screen readers get. */
export function describeLag(name: string, series: LagPoint[], rpoMinutes: number, hours: number): string {
  if (series.length === 0) return `${name}: no recovery point in the last ${hours} h, so no lag to show.`;
  const now = series[series.length - 1]!.lag_seconds;
  const max = Math.max(...series.map((p) => p.lag_seconds));
  const span = (Date.parse(series[series.length - 1]!.t) - Date.parse(series[0]!.t)) / 1000;
  const above = secondsAbove(series, rpoMinutes * 60);
  const share = span > 0 ? Math.round((above / span) * 100) : 0;
  return `${name}: lag now ${duration(now)}, at most ${duration(max)} over the last ${hours} h, against an RPO of ${rpoMinutes} min; above the RPO ${above > 0 ? `for ${duration(above)} (${share}% of the time shown)` : 'at no time shown'}.`;
}

/**
 * A PG's lag over the window (the sawtooth its recovery points make) against its RPO line, as a
 * small inline SVG; the picture is decorative for screen readers, which read the text instead.
 */
export function RpoChart({ name, series, rpoMinutes, from, to, hours }: { name: string; series: LagPoint[]; rpoMinutes: number; from: string; to: string; hours: number }) {
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  const rpo = rpoMinutes * 60;
  const top = Math.max(rpo, ...series.map((p) => p.lag_seconds)) * 1.1 || 1;
  const x = (t: string) => PAD + ((Date.parse(t) - t0) / Math.max(1, t1 - t0)) * (W - 2 * PAD);
  const y = (lag: number) => H - PAD - (lag / top) * (H - 2 * PAD);
  const text = describeLag(name, series, rpoMinutes, hours);
  const over = series.some((p) => p.lag_seconds > rpo);
  return (
    <figure style={{ margin: 0 }}>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false" style={{ display: 'block' }}>
        <rect x={0} y={0} width={W} height={H} fill="var(--pf-t--global--background--color--secondary--default, #f2f2f2)" />
        <line x1={PAD} x2={W - PAD} y1={y(rpo)} y2={y(rpo)} stroke="var(--pf-t--global--color--status--danger--default, #c9190b)" strokeDasharray="4 3" strokeWidth={1} />
        {series.length > 0 && (
          <polyline
            points={series.map((p) => `${x(p.t).toFixed(1)},${y(p.lag_seconds).toFixed(1)}`).join(' ')}
            fill="none"
            stroke={over ? 'var(--pf-t--global--color--status--warning--default, #f0ab00)' : 'var(--pf-t--global--color--brand--default, #0066cc)'}
            strokeWidth={1.5}
          />
        )}
      </svg>
      <figcaption className="pf-v6-u-font-size-sm">{text}</figcaption>
    </figure>
  );
}
