import type { ArrayConnectionRecord } from '../model/records.js';
import { withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS } from './params.js';
import { listResponse, selectNamed } from './query.js';
import { route, type RestContext } from './route.js';

/** The ArrayConnection model: `name` is the remote array; replication runs over IP. */
function render(c: ArrayConnectionRecord, version: string | null): JsonObject {
  return {
    id: c.id,
    name: c.name,
    management_address: null,
    replication_addresses: [],
    replication_transport: 'ip',
    status: c.status,
    // bytes/s of the simulated link; the array's throttle is a cap, which is what the link is here.
    throttle: { default_limit: c.bandwidth, window_limit: null, window: null },
    type: c.type,
    version,
  };
}

export function registerArrayConnections(ctx: RestContext): void {
  route(ctx, 'GET', 'array-connections', { ...LIST_PARAMS, names: 'list', ids: 'list' }, ({ q }) => {
    const conns = withContext(ctx.array, () => ctx.model.listArrayConnections(ctx.array));
    const versions = new Map(ctx.model.listArrays().map((a) => [a.name, a.version]));
    let items = conns.map((c) => render(c, versions.get(c.name) ?? null));
    items = selectNamed(items, 'name', q.names, 'names');
    items = selectNamed(items, 'id', q.ids, 'ids');
    return listResponse(items, q);
  });
}
