import type { ReportCommit, ReportProtectionGroup, ReportStep, ReportUser, RunReport } from '@protector/contract';

/**
 * The run report as a printable HTML page: one self-contained document (inline CSS, no script,
 * no external resource), every recorded value escaped, so a protection group or server named
 * like markup prints as text. It is served with REPORT_CSP (@protector/contract), which lets nothing else load or run.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** A value as page text: escaped, '-' for nothing. */
const t = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '-' : escapeHtml(String(v)));
/** An API timestamp (UTC without a zone) as people read it, to the tenth of a second (servers come up within one). */
const when = (ts: string | null): string => (ts ? `${t(ts.slice(0, 21).replace('T', ' '))} UTC` : '-');
/** An id: may break anywhere, so a column of UUIDs does not widen the table past the page. */
const id = (v: string | null): string => (v ? `<span class="id">${t(v)}</span>` : '-');
const secs = (n: number | null): string => (n === null ? '-' : `${t(n)} s`);
const who = (u: ReportUser): string => (u.user_name ? `${t(u.user_name)} (${t(u.user_id)})` : t(u.user_id));

const table = (caption: string, head: readonly string[], rows: readonly (readonly string[])[]): string =>
  rows.length === 0
    ? ''
    : `<table><caption>${t(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${t(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

/** Field/value pairs (values already escaped). */
const fields = (pairs: readonly (readonly [string, string])[]): string => `<dl>${pairs.map(([k, v]) => `<dt>${t(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;

const stepsTable = (caption: string, steps: readonly ReportStep[]): string =>
  table(caption, ['Step', 'State', 'Started', 'Finished', 'Duration', 'Error'], steps.map((s) => [t(s.name), t(s.status), when(s.started_at), when(s.finished_at), s.duration_ms === null ? '-' : secs(Math.round(s.duration_ms / 100) / 10), t(s.error)]));

const commitText = (c: ReportCommit): string =>
  `until ${when(c.deadline)} (then ${t(c.on_deadline)}): ${c.decision ? `${t(c.decision === 'commit' ? 'committed' : 'rolled back')} ${c.decided_by ? `by ${who(c.decided_by)}` : 'at the deadline'}${c.decided_at ? ` at ${when(c.decided_at)}` : ''}` : 'not decided yet'}`;

function pgSection(pg: ReportProtectionGroup): string {
  const title = `${pg.name ?? pg.protection_group_id}${pg.revert_of ? ' (moved back)' : ''}`;
  return `<section class="pg"><h2>${t(title)}</h2>${fields([
    ['Protection group', id(pg.protection_group_id)],
    ...(pg.tier !== null ? [['Tier', t(pg.tier)] as const] : []),
    ['Operation', `${t(pg.operation_id)} (${t(pg.type)}${pg.mode ? `, ${t(pg.mode)}` : ''})`],
    ['State', `<span class="state ${t(pg.status)}">${t(pg.status)}</span>`],
    ...(pg.revert_of ? [['Moves back', t(pg.revert_of)] as const] : []),
    ['Requested', when(pg.requested_at)],
    ['Started', when(pg.started_at)],
    ['Finished', when(pg.finished_at)],
    ['Recovery point', pg.recovery_point ? `${t(pg.recovery_point.name)}, data as of ${when(pg.recovery_point.time)}` : '-'],
    ['RPO', secs(pg.rpo_seconds)],
    ['RTO', secs(pg.rto_seconds)],
    ...(pg.commit ? [['Commit window', commitText(pg.commit)] as const] : []),
    ...(pg.error ? [['Error', `<span class="error">${t(pg.error)}</span>`] as const] : []),
  ])}${table(
    'Servers',
    ['Server', 'Source server', 'Target server', 'Boot tier', 'State', 'Requested', 'Active', 'Boot', 'Addresses on the target', 'Error'],
    pg.servers.map((s) => [
      t(s.name),
      id(s.source_server_id),
      id(s.target_server_id),
      t(s.boot_tier),
      t(s.status),
      when(s.requested_at),
      when(s.active_at),
      secs(s.boot_seconds),
      s.addresses.length === 0 ? '-' : s.addresses.map((a) => `${t(a.ips.join(', '))}${a.same_ip ? '' : ` (was ${t(a.requested_ips.join(', '))})`}`).join('<br>'),
      t(s.error),
    ]),
  )}${stepsTable('Steps', pg.steps)}</section>`;
}

const STYLE = `
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#151515;margin:2rem;max-width:80rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #d2d2d2}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #d2d2d2;padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:break-word}th{background:#f0f0f0}
.id{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
.state.completed{color:#1e4f18}.state.failed,.state.rolled_back,.error{color:#a30000}.state.partial{color:#795600}
footer{margin-top:2rem;color:#6a6e73;font-size:.85em}
@media print{body{margin:0;max-width:none;font-size:10pt}th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}section.pg,table{break-inside:avoid-page}h2{break-after:avoid}}
`;

export function renderRunReportHtml(r: RunReport): string {
  const what = r.plan ? `Recovery plan ${r.plan.name} (version ${r.plan.version})` : `${r.type}${r.protection_groups.length === 1 ? ` of ${r.protection_groups[0]?.name ?? r.protection_groups[0]?.protection_group_id}` : ''}`;
  const title = `Run report: ${what}${r.mode ? `, ${r.mode}` : ''}`;
  const summary = fields([
    ['Operation', `${t(r.operation_id)} (${t(r.type)})`],
    ['State', `<span class="state ${t(r.status)}">${t(r.status)}</span>`],
    ['Started by', who(r.started_by)],
    ['Request', t(r.request_id)],
    ['Requested', when(r.requested_at)],
    ['Started', when(r.started_at)],
    ['Finished', when(r.finished_at)],
    ['RTO', `${secs(r.rto_seconds)} <small>(request to the last server ACTIVE)</small>`],
    ['RPO', `${secs(r.rpo_seconds)} <small>(age of the recovery point at the start, worst protection group)</small>`],
    ['Protection groups', t(r.protection_groups.length)],
    ...(r.commit ? [['Commit window', `${commitText(r.commit)} <small>(one decision for every protection group)</small>`] as const] : []),
  ]);
  const tiers = table('Tiers', ['#', 'Tier', 'State', 'Released', 'Finished', 'Protection groups'], r.tiers.map((x) => [t(x.number), t(x.name), t(x.status), when(x.released_at), when(x.finished_at), t(x.protection_groups.map((id) => r.protection_groups.find((p) => p.protection_group_id === id)?.name ?? id).join(', '))]));
  const waits = table(
    'Waits between tiers',
    ['Wait', 'After tier', 'State', 'Started', 'Finished', 'Detail'],
    r.waits.map((w) => [
      t(w.kind),
      t(w.after_tier),
      t(w.status),
      when(w.started_at),
      when(w.finished_at),
      w.kind === 'delay' ? secs(w.seconds) : `${w.prompt ? `Prompt: ${t(w.prompt)}. ` : ''}${w.approval ? `Approved by ${who(w.approval.by)} at ${when(w.approval.at)}${w.approval.comment ? `: ${t(w.approval.comment)}` : ''}` : 'Not approved'}`,
    ]),
  );
  const errors = r.errors.length === 0 ? '' : `<h2>Errors</h2><ul>${r.errors.map((e) => `<li class="error">${t([e.protection_group_id && (r.protection_groups.find((p) => p.protection_group_id === e.protection_group_id)?.name ?? e.protection_group_id), e.step, e.server].filter(Boolean).join(' / ') || 'run')}: ${t(e.message)}</li>`).join('')}</ul>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${t(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${t(title)}</h1></header><main>${summary}${tiers}${waits}${errors}${stepsTable('Steps of the run', r.steps)}${r.protection_groups.map(pgSection).join('')}</main>
<footer>Protector run report of operation ${t(r.operation_id)}, project ${t(r.project_id)}, generated ${when(r.generated_at)}.</footer></body></html>
`;
}
