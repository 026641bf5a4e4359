import type { VolumeRecord } from '../model/records.js';
import { bool, int, nullableObj, parseBody, ref, str } from './body.js';
import { badRequest, withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS, required } from './params.js';
import { itemsResponse, listResponse, selectNamed } from './query.js';
import { oneName, route, targetNames, type RestContext } from './route.js';

/** The Volume model, as far as the simulated array knows it (no hosts, QoS or volume groups). */
export function renderVolume(v: VolumeRecord): JsonObject {
  return {
    id: v.id,
    name: v.name,
    connection_count: 0,
    created: v.created,
    destroyed: v.destroyed,
    host_encryption_key_status: 'none',
    provisioned: v.provisioned,
    serial: v.serial,
    space: { total_physical: v.space.total_physical, unique: v.space.unique, virtual: v.space.unique, total_provisioned: v.provisioned, snapshots: 0 },
    time_remaining: v.time_remaining,
    pod: v.pod ? { name: v.pod.name } : null,
    source: v.source ? { name: v.source.name } : null,
    subtype: 'regular',
    volume_group: null,
  };
}

const MAX_SIZE = 4 * 2 ** 50;

const POST_BODY = { provisioned: int(0, MAX_SIZE), source: ref() };
const PATCH_BODY = { destroyed: bool(), name: str(255), provisioned: int(0, MAX_SIZE), pod: nullableObj({ name: str(255) }) };

export function registerVolumes(ctx: RestContext): void {
  const { model, array } = ctx;
  const list = (destroyed?: boolean) => withContext(array, () => model.listVolumes(array, { destroyed }));

  route(ctx, 'GET', 'volumes', { ...LIST_PARAMS, names: 'list', ids: 'list', destroyed: 'bool' }, ({ q }) => {
    let items = list(q.destroyed).map(renderVolume);
    items = selectNamed(items, 'name', q.names, 'names');
    items = selectNamed(items, 'id', q.ids, 'ids');
    return listResponse(items, q);
  });

  // Create (provisioned) or copy (source, with overwrite to replace an existing volume).
  route(ctx, 'POST', 'volumes', { names: 'list', overwrite: 'bool' }, ({ q, body }) => {
    const names = required('names', q.names);
    const b = parseBody(body, POST_BODY);
    if (b.provisioned !== undefined && b.source !== undefined) throw badRequest('provisioned', "'provisioned' cannot be set when copying from 'source'.");
    const source = b.source?.name;
    const provisioned = b.provisioned;
    if (source === undefined && provisioned === undefined) throw badRequest('provisioned', "Either 'provisioned' or 'source' is required.");
    if (b.source && source === undefined) throw badRequest('source.name', "'source.name' is required.");
    const made = names.map((name) =>
      withContext(name, () =>
        source !== undefined ? model.copyVolume(array, source, name, { overwrite: q.overwrite === true }) : model.createVolume(array, name, provisioned ?? 0),
      ),
    );
    return itemsResponse(made.map(renderVolume));
  });

  // Destroy/recover, rename, resize (shrinking needs truncate=true, as on the array).
  route(ctx, 'PATCH', 'volumes', { names: 'list', ids: 'list', truncate: 'bool' }, ({ q, body }) => {
    const names = targetNames(q, () => list());
    const b = parseBody(body, PATCH_BODY);
    if (b.name !== undefined && names.length > 1) oneName(names);
    if (b.pod && b.pod.name === undefined) throw badRequest('pod.name', "'pod.name' is required (\"\" moves the volume out of its pod).");
    const out = names.map((name) =>
      withContext(name, () => {
        let v = model.getVolume(array, name);
        if (b.destroyed === false && v.destroyed) v = model.recoverVolume(array, name);
        if (b.provisioned !== undefined && b.provisioned !== v.provisioned) {
          if (b.provisioned < v.provisioned && q.truncate !== true) {
            throw badRequest(name, 'Reducing the size of a volume requires truncate=true; data past the new end is lost.');
          }
          v = model.resizeVolume(array, name, b.provisioned);
        }
        if (b.name !== undefined && b.name !== v.name) v = model.renameVolume(array, v.name, b.name);
        // {"pod": {"name": "p"}} moves the volume into pod p (renamed p::vol); null or "" moves it out.
        if (b.pod !== undefined) v = model.moveVolume(array, v.name, b.pod?.name ? b.pod.name : null);
        if (b.destroyed === true && !v.destroyed) v = model.destroyVolume(array, v.name);
        return v;
      }),
    );
    return itemsResponse(out.map(renderVolume));
  });

  // Eradicate: the volume must have been destroyed first.
  route(ctx, 'DELETE', 'volumes', { names: 'list', ids: 'list' }, ({ q }) => {
    for (const name of targetNames(q, () => list())) withContext(name, () => model.eradicateVolume(array, name));
    return undefined;
  });
}
