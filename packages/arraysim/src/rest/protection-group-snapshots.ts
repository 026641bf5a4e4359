import type { ProtectionGroupSnapshotRecord } from '../model/records.js';
import { bool, parseBody, str } from './body.js';
import { unsupported, withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS, required } from './params.js';
import { itemsResponse, listResponse } from './query.js';
import { route, type RestContext } from './route.js';

/** The ProtectionGroupSnapshot model; on a target, copies are `<source>:<pg>.<suffix>`. */
function render(s: ProtectionGroupSnapshotRecord): JsonObject {
  return {
    id: s.id,
    name: s.name,
    created: s.created,
    destroyed: s.destroyed,
    pod: null,
    source: { name: s.source.name },
    suffix: s.suffix,
    time_remaining: null,
  };
}

/** A copy is named after the array it came from (`<source>:<pg>.<suffix>`). */
const isCopy = (s: ProtectionGroupSnapshotRecord): boolean => s.source.name.includes(':');

const transfer = (
  name: string,
  t: { progress: number | null; started: number | null; completed: number | null; data_transferred: number | null },
): JsonObject => ({
  name,
  completed: t.completed,
  data_transferred: t.data_transferred,
  destroyed: false,
  // No deduplication or compression on the simulated wire: what is sent is what is written.
  physical_bytes_written: t.data_transferred,
  progress: t.progress,
  started: t.started,
});

export function registerProtectionGroupSnapshots(ctx: RestContext): void {
  const { model, array } = ctx;
  const SELECT = { ...LIST_PARAMS, names: 'list', source_names: 'list', destroyed: 'bool' } as const;

  const select = (q: { names?: string[]; source_names?: string[]; destroyed?: boolean }): ProtectionGroupSnapshotRecord[] => {
    let snaps = withContext(array, () => model.listProtectionGroupSnapshots(array));
    if (q.destroyed !== undefined) snaps = snaps.filter((s) => s.destroyed === q.destroyed);
    if (q.source_names) {
      const wanted = new Set(q.source_names);
      snaps = snaps.filter((s) => wanted.has(s.source.name));
    }
    if (q.names) {
      const names = q.names;
      for (const n of names) if (!snaps.some((s) => s.name === n)) withContext(n, () => model.getProtectionGroupSnapshot(array, n));
      snaps = snaps.filter((s) => names.includes(s.name));
    }
    return snaps;
  };

  route(ctx, 'GET', 'protection-group-snapshots', SELECT, ({ q }) => listResponse(select(q).map(render), q));

  // replicate_now sends the snapshot to every allowed target at once. Retention applies to every
  // snapshot in the model, so apply_retention=true is what already happens.
  route(
    ctx,
    'POST',
    'protection-group-snapshots',
    { source_names: 'list', replicate_now: 'bool', apply_retention: 'bool', replicate: 'bool' },
    ({ q, body }) => {
      if (q.replicate === true) throw unsupported('replicate', 'Queueing a snapshot for the next scheduled replication');
      if (q.apply_retention === false) throw unsupported('apply_retention', 'Exempting a snapshot from retention');
      const pgs = required('source_names', q.source_names);
      const { suffix } = parseBody(body, { suffix: str(255) });
      const made = pgs.map((pg) => withContext(pg, () => model.snapshotProtectionGroup(array, pg, { suffix, replicate_now: q.replicate_now === true })));
      return itemsResponse(made.map(render));
    },
  );

  route(ctx, 'PATCH', 'protection-group-snapshots', { names: 'list' }, ({ q, body }) => {
    const names = required('names', q.names);
    const { destroyed } = parseBody(body, { destroyed: bool() });
    if (destroyed === true) throw unsupported('destroyed', 'Destroying a protection group snapshot (DELETE eradicates it at once)');
    return itemsResponse(names.map((n) => render(withContext(n, () => model.getProtectionGroupSnapshot(array, n)))));
  });

  route(ctx, 'DELETE', 'protection-group-snapshots', { names: 'list' }, ({ q }) => {
    for (const n of required('names', q.names)) withContext(n, () => model.eradicateProtectionGroupSnapshot(array, n));
    return undefined;
  });

  /**
   * On the source, one item per snapshot and target (the model keeps one transfer per target);
   * a snapshot sent nowhere shows with null transfer fields. On a target, each copy shows its
   * own transfer.
   */
  route(ctx, 'GET', 'protection-group-snapshots/transfer', SELECT, ({ q }) => {
    const items = select(q).flatMap((s) => {
      if (isCopy(s)) return [transfer(s.name, s)];
      const ts = withContext(s.name, () => model.listTransfers(array, s.name));
      if (ts.length === 0) return [transfer(s.name, { progress: null, started: null, completed: null, data_transferred: null })];
      return ts.map((t) => transfer(s.name, t));
    });
    return listResponse(items, q);
  });
}
