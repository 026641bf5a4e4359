import type { Operation, OperationDetail, OperationStep, WaitForOperationOptions } from '../api/index.js';

const MARK: Record<string, string> = { completed: '✔', failed: '✖', running: '…', pending: ' ', skipped: '-' };
const secs = (ms: number | null): string => (ms === null ? '' : ` ${(ms / 1000).toFixed(1)} s`);
/** A running step's own progress (a transfer's fraction done), when it reports one. */
const fraction = (s: OperationStep): string => (s.status === 'running' && typeof s.detail.progress === 'number' ? ` ${Math.floor(s.detail.progress * 100)}%` : '');
export const firstLine = (e: string | null): string => (e ? `: ${e.split('\n')[0]}` : '');

export type Follower = Required<Pick<WaitForOperationOptions, 'onProgress' | 'onPoll' | 'onUnreachable' | 'onReachable'>>;

export interface ProgressOptions {
  /** A parent's children are shown by their PG: its name by id (else the id). */
  names?: ReadonlyMap<string, string>;
  /** A plain-output watcher says a step is still running after this long without news; default 15 s. */
  quietMs?: number;
  now?: () => number;
}

/**
 * `--wait` progress on stderr (stdout keeps the result): in a terminal a task tree redrawn in
 * place, one line per step with its state and duration; otherwise a plain line each time a step
 * changes state, and every `quietMs` while one runs without news (a transfer waiting on a dead
 * link is not silence). A site that stops answering is said once, and again when it is back.
 */
export function progressPrinter(op: { id: string; type: string }, site: string, stream: NodeJS.WriteStream = process.stderr, o: ProgressOptions = {}): Follower {
  const tty = stream.isTTY === true;
  const quietMs = o.quietMs ?? 15_000;
  const now = o.now ?? Date.now;
  const tag = tty ? `${op.type} ${op.id}` : `${op.type} ${op.id.slice(0, 8)}`;
  const seen = new Map<number, string>();
  let drawn = 0;
  let drawnText = '';
  const started = now();
  let lastLine = started;
  const running = new Map<number, number>();
  const line = (text: string) => {
    stream.write(`${text}\n`);
    lastLine = now();
    // A message under the tree: the next redraw starts below it.
    drawn = 0;
    drawnText = '';
  };
  const pgName = (c: Operation) => o.names?.get(c.protection_group_id ?? '') ?? c.protection_group_id ?? c.id;
  const childSeen = new Map<string, string>();
  const draw = (d: OperationDetail) => {
    const lines = [
      `${tag}: ${d.status} ${d.progress}%`,
      ...d.steps.map((s) => `  ${MARK[s.status] ?? '?'} ${s.name}${secs(s.duration_ms)}${fraction(s)}${firstLine(s.error)}`),
      // A parent: a line per child (its PG, state and progress).
      ...(d.children ?? []).map((c) => `  ${MARK[c.status] ?? '?'} ${pgName(c)} ${c.type} ${c.status} ${c.progress}%${firstLine(c.error)}`),
    ];
    const text = lines.join('\n');
    if (text === drawnText) return;
    if (drawn) stream.write(`\x1b[${drawn}A\x1b[0J`);
    stream.write(`${text}\n`);
    drawn = lines.length;
    drawnText = text;
  };
  return {
    onProgress: (d) => {
      if (tty) return;
      for (const s of d.steps) {
        if (seen.get(s.seq) === s.status) continue;
        seen.set(s.seq, s.status);
        if (s.status === 'running') running.set(s.seq, now());
        else running.delete(s.seq);
        line(`${tag}: step ${s.seq + 1} ${s.name} ${s.status}${secs(s.duration_ms)}${firstLine(s.error)}`);
        // A failover waiting for a person: say what to run, and by when.
        if (s.name === 'await_commit' && s.status === 'running') line(`${tag}: the workload is up and awaits a commit: run 'protector operation commit ${d.id}' or 'protector operation rollback ${d.id}'${typeof s.detail.deadline === 'string' ? `; at ${s.detail.deadline} it will ${String(s.detail.on_deadline ?? 'commit')}` : ''}`);
      }
      for (const c of d.children ?? []) {
        if (childSeen.get(c.id) === c.status) continue;
        childSeen.set(c.id, c.status);
        line(`${tag}: ${pgName(c)} ${c.type} ${c.status}${firstLine(c.error)}`);
      }
    },
    onPoll: (d) => {
      if (tty) return draw(d);
      if (now() - lastLine < quietMs) return;
      const busy = d.steps.filter((x) => x.status === 'running');
      // No step running: the operation waits for an engine to take it (or between two steps).
      if (busy.length === 0) return line(`${tag}: still ${d.status} after ${Math.round((now() - started) / 1000)} s`);
      for (const s of busy) line(`${tag}: step ${s.seq + 1} ${s.name} still running after ${Math.round((now() - (running.get(s.seq) ?? started)) / 1000)} s${fraction(s)}`);
    },
    ...reachability(tag, site, line),
  };
}

/** What a follower says when the site running the operation stops answering, and when it is back. */
export function reachability(tag: string, site: string, line: (text: string) => void): Pick<Follower, 'onUnreachable' | 'onReachable'> {
  return {
    onUnreachable: (e) => line(`${tag}: ${site} stopped answering (${e.reason}); still following it for up to ${Math.round(e.budgetMs / 1000)} s`),
    onReachable: (e) => line(`${tag}: ${site} answers again after ${(e.downMs / 1000).toFixed(1)} s`),
  };
}
