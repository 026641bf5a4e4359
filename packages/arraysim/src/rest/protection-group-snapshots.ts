import type { ProtectionGroupSnapshotRecord } from '../model/records.js';
import { bool, parseBody, str } from './body.js';
import { badRequest, withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS, required } from './params.js';
import { itemsResponse, listResponse } from './query.js';
import { snapshotFields } from './render.js';
import { route, type RestContext } from './route.js';

/** The ProtectionGroupSnapshot model; on a target, copies are `<source>:<pg>.<suffix>`. */
const render = (s: ProtectionGroupSnapshotRecord): JsonObject => snapshotFields(s);

/** A copy is named after the array it came from (`<source>:<pg>.<suffix>`). */
const isCopy = (s: ProtectionGroupSnapshotRecord): boolean => s.source.name.includes(':');

const transfer = (
  name: string,
  destroyed: boolean,
  t: { progress: number | null; started: number | null; completed: number | null; data_transferred: number | null },
): JsonObject => ({
  name,
  completed: t.completed,
  data_transferred: t.data_transferred,
  destroyed,
  // No deduplication or compression on the simulated wire: what is sent is what is written.
  physical_bytes_written: t.data_transferred,
  progress: t.progress,
  started: t.started,
});

export function registerProtectionGroupSnapshots(ctx: RestContext): void {
  const { model, array } = ctx;
  const SELECT = { ...LIST_PARAMS, names: 'list', source_names: 'list', destroyed: 'bool' } as const;

  /**
   * `names` takes snapshot names and, as on the array, group names (all of that group's
   * snapshots: Cinder asks a target for `names=<source>:<pg>`); a name matching neither is an error.
   */
  const select = (q: { names?: string[]; source_names?: string[]; destroyed?: boolean }): ProtectionGroupSnapshotRecord[] => {
    let snaps = withContext(array, () => model.listProtectionGroupSnapshots(array));
    if (q.destroyed !== undefined) snaps = snaps.filter((s) => s.destroyed === q.destroyed);
    if (q.source_names) {
      const wanted = new Set(q.source_names);
      snaps = snaps.filter((s) => wanted.has(s.source.name));
    }
    if (q.names) {
      const names = q.names;
      for (const n of names) {
        if (snaps.some((s) => s.name === n || s.source.name === n)) continue;
        // Neither a snapshot nor a group with snapshots here: the array names what is missing.
        if (!withContext(n, () => model.listProtectionGroups(array)).some((g) => g.name === n)) {
          withContext(n, () => model.getProtectionGroupSnapshot(array, n));
        }
      }
      snaps = snaps.filter((s) => names.includes(s.name) || names.includes(s.source.name));
    }
    return snaps;
  };

  route(ctx, 'GET', 'protection-group-snapshots', SELECT, ({ q }) => listResponse(select(q).map(render), q));

  /**
   * As FA 2.20: `replicate_now` sends the snapshot to every allowed target now, `replicate`
   * queues it behind earlier transfers of the group (the model runs them in order either way);
   * `apply_retention` lets retention prune it (else it stays until destroyed); `for_replication`
   * has it destroyed and eradicated an hour later.
   */
  route(
    ctx,
    'POST',
    'protection-group-snapshots',
    { source_names: 'list', replicate_now: 'bool', apply_retention: 'bool', replicate: 'bool', for_replication: 'bool' },
    ({ q, body }) => {
      if (q.replicate === true && q.replicate_now === true) throw badRequest('replicate', "The 'replicate' and 'replicate_now' parameters cannot be used together.");
      const pgs = required('source_names', q.source_names);
      const { suffix } = parseBody(body, { suffix: str(255) });
      const opts = { suffix, replicate_now: q.replicate_now, replicate: q.replicate, apply_retention: q.apply_retention === true, for_replication: q.for_replication };
      return itemsResponse(pgs.map((pg) => render(withContext(pg, () => model.snapshotProtectionGroup(array, pg, opts)))));
    },
  );

  // Destroy or recover; setting the state a snapshot is already in changes nothing.
  route(ctx, 'PATCH', 'protection-group-snapshots', { names: 'list' }, ({ q, body }) => {
    const names = required('names', q.names);
    const { destroyed } = parseBody(body, { destroyed: bool() });
    const out = names.map((n) =>
      withContext(n, () => {
        const s = model.getProtectionGroupSnapshot(array, n);
        if (destroyed === true && !s.destroyed) return model.destroyProtectionGroupSnapshot(array, n);
        if (destroyed === false && s.destroyed) return model.recoverProtectionGroupSnapshot(array, n);
        return s;
      }),
    );
    return itemsResponse(out.map(render));
  });

  // Eradicate: only a destroyed snapshot, as on the array.
  route(ctx, 'DELETE', 'protection-group-snapshots', { names: 'list' }, ({ q }) => {
    for (const n of required('names', q.names)) withContext(n, () => model.eradicateProtectionGroupSnapshot(array, n, { requireDestroyed: true }));
    return undefined;
  });

  /**
   * On the source, one item per snapshot and target (the model keeps one transfer per target);
   * a snapshot sent nowhere shows with null transfer fields. On a target, each copy shows its
   * own transfer.
   */
  route(ctx, 'GET', 'protection-group-snapshots/transfer', SELECT, ({ q }) => {
    const items = select(q).flatMap((s) => {
      if (isCopy(s)) return [transfer(s.name, s.destroyed, s)];
      const ts = withContext(s.name, () => model.listTransfers(array, s.name));
      if (ts.length === 0) return [transfer(s.name, s.destroyed, { progress: null, started: null, completed: null, data_transferred: null })];
      return ts.map((t) => transfer(s.name, s.destroyed, t));
    });
    return listResponse(items, q);
  });
}
