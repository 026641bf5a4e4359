import { withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS } from './params.js';
import { listResponse } from './query.js';
import { route, type RestContext } from './route.js';

/** `GET /arrays`: the one array this face serves (the Arrays model). */
export function registerArrays(ctx: RestContext): void {
  route(ctx, 'GET', 'arrays', LIST_PARAMS, ({ q }) => {
    const a = withContext(ctx.array, () => ctx.model.getArray(ctx.array));
    const item: JsonObject = { id: a.id, name: a.name, os: a.os, version: a.version, banner: '', console_lock_enabled: false };
    return listResponse([item], q);
  });
}
