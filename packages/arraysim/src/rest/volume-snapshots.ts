import type { VolumeSnapshotRecord } from '../model/records.js';
import { bool, parseBody, str } from './body.js';
import { unsupported, withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS, required } from './params.js';
import { itemsResponse, listResponse, selectNamed } from './query.js';
import { snapshotFields } from './render.js';
import { route, targetNames, type RestContext } from './route.js';

/** The VolumeSnapshot model; protection-group snapshot volumes are listed here too, as on the array. */
const render = (s: VolumeSnapshotRecord): JsonObject => ({ ...snapshotFields(s), provisioned: s.provisioned, serial: s.serial, volume_group: null });

export function registerVolumeSnapshots(ctx: RestContext): void {
  const { model, array } = ctx;
  const list = () => withContext(array, () => model.listVolumeSnapshots(array));

  route(
    ctx,
    'GET',
    'volume-snapshots',
    { ...LIST_PARAMS, names: 'list', ids: 'list', source_names: 'list', destroyed: 'bool' },
    ({ q }) => {
      let items = list()
        .filter((s) => q.destroyed === undefined || s.destroyed === q.destroyed)
        .map(render);
      items = selectNamed(items, 'name', q.names, 'names');
      items = selectNamed(items, 'id', q.ids, 'ids');
      if (q.source_names) {
        const wanted = new Set(q.source_names);
        items = items.filter((s) => wanted.has(String((s.source as JsonObject).name)));
      }
      return listResponse(items, q);
    },
  );

  route(ctx, 'POST', 'volume-snapshots', { source_names: 'list' }, ({ q, body }) => {
    const sources = required('source_names', q.source_names);
    const { suffix } = parseBody(body, { suffix: str(255) });
    return itemsResponse(sources.map((v) => render(withContext(v, () => model.createVolumeSnapshot(array, v, suffix)))));
  });

  route(ctx, 'PATCH', 'volume-snapshots', { names: 'list', ids: 'list' }, ({ q, body }) => {
    const names = targetNames(q, list);
    const b = parseBody(body, { destroyed: bool(), name: str(255), suffix: str(255) });
    if (b.name !== undefined || b.suffix !== undefined) throw unsupported(b.name !== undefined ? 'name' : 'suffix', 'Renaming volume snapshots');
    // Setting the state an object is already in changes nothing, as on the array.
    const out = names.map((name) =>
      withContext(name, () => {
        const s = model.getVolumeSnapshot(array, name);
        if (b.destroyed === true && !s.destroyed) return model.destroyVolumeSnapshot(array, name);
        if (b.destroyed === false && s.destroyed) return model.recoverVolumeSnapshot(array, name);
        return s;
      }),
    );
    return itemsResponse(out.map(render));
  });

  route(ctx, 'DELETE', 'volume-snapshots', { names: 'list', ids: 'list' }, ({ q }) => {
    for (const name of targetNames(q, list)) withContext(name, () => model.eradicateVolumeSnapshot(array, name));
    return undefined;
  });
}
