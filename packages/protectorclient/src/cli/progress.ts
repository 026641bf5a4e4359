import type { OperationDetail, OperationStep } from '../api/index.js';

const MARK: Record<string, string> = { completed: '✔', failed: '✖', running: '…', pending: ' ', skipped: '-' };
const secs = (ms: number | null): string => (ms === null ? '' : ` ${(ms / 1000).toFixed(1)} s`);

/**
 * `--wait` progress on stderr (stdout keeps the result): in a terminal a task tree redrawn in
 * place, one line per step with its state and duration; otherwise a plain line each time a step
 * changes state, so logs and CI output stay readable.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (op: OperationDetail) => void {
  const tty = stream.isTTY === true;
  const seen = new Map<number, string>();
  let drawn = 0;
  return (op) => {
    if (tty) {
      const lines = [`${op.type} ${op.id}: ${op.status} ${op.progress}%`, ...op.steps.map((s: OperationStep) => `  ${MARK[s.status] ?? '?'} ${s.name}${secs(s.duration_ms)}${s.error ? `: ${s.error.split('\n')[0]}` : ''}`)];
      if (drawn) stream.write(`\x1b[${drawn}A\x1b[0J`);
      stream.write(`${lines.join('\n')}\n`);
      drawn = lines.length;
      return;
    }
    for (const s of op.steps) {
      const key = `${s.status}`;
      if (seen.get(s.seq) === key) continue;
      seen.set(s.seq, key);
      stream.write(`${op.type} ${op.id.slice(0, 8)}: step ${s.seq + 1} ${s.name} ${s.status}${secs(s.duration_ms)}${s.error ? `: ${s.error.split('\n')[0]}` : ''}\n`);
    }
  };
}
