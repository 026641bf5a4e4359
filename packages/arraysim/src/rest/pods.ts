import type { PodArrayStatus, PodRecord } from '../model/records.js';
import { bool, parseBody, refs, str } from './body.js';
import { badRequest, unsupported, withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS, required } from './params.js';
import { itemsResponse, listResponse, selectNamed } from './query.js';
import { route, targetNames, type RestContext } from './route.js';

/** The Pod model as this array sees the pod (its copy's status among `arrays`). */
function render(p: PodRecord): JsonObject {
  return {
    id: p.id,
    name: p.name,
    arrays: p.arrays.map(arrayStatus),
    array_count: p.array_count,
    destroyed: p.destroyed,
    failover_preferences: p.failover_preferences.map((r) => ({ name: r.name })),
    footprint: 0,
    link_source_count: p.link_source_count,
    link_target_count: p.link_target_count,
    mediator: p.mediator,
    mediator_version: null,
    promotion_status: p.promotion_status,
    quota_limit: null,
    requested_promotion_state: p.requested_promotion_state,
    source: p.source ? { name: p.source.name } : null,
    time_remaining: p.time_remaining,
  };
}

function arrayStatus(a: PodArrayStatus): JsonObject {
  return {
    id: a.id,
    name: a.name,
    frozen_at: a.frozen_at,
    mediator_status: a.mediator_status,
    pre_elected: a.pre_elected,
    progress: a.progress,
    status: a.status,
  };
}

const POST_BODY = { failover_preferences: refs(), mediator: str(255) };
const PATCH_BODY = { destroyed: bool(), failover_preferences: refs(), requested_promotion_state: str(32), mediator: str(255), name: str(255) };

export function registerPods(ctx: RestContext): void {
  const { model, array } = ctx;
  const list = () => withContext(array, () => model.listPods(array));
  const pods = (names: string[]): PodRecord[] => names.map((n) => withContext(n, () => model.getPod(array, n)));

  route(ctx, 'GET', 'pods', { ...LIST_PARAMS, names: 'list', ids: 'list', destroyed: 'bool' }, ({ q }) => {
    let items = list()
      .filter((p) => q.destroyed === undefined || p.destroyed === q.destroyed)
      .map(render);
    items = selectNamed(items, 'name', q.names, 'names');
    items = selectNamed(items, 'id', q.ids, 'ids');
    return listResponse(items, q);
  });

  route(ctx, 'POST', 'pods', { names: 'list' }, ({ q, body }) => {
    const b = parseBody(body, POST_BODY);
    if (b.mediator !== undefined) throw unsupported('mediator', 'Choosing a mediator');
    const made = required('names', q.names).map((n) =>
      withContext(n, () => model.createPod(array, n, { failover_preferences: b.failover_preferences })),
    );
    return itemsResponse(made.map(render));
  });

  // Destroy/recover, failover preferences, and promotion: demoting a pod that replicates to a
  // linked pod needs quiesce=true (wait for the target) or skip_quiesce=true (give up the rest).
  route(
    ctx,
    'PATCH',
    'pods',
    { names: 'list', ids: 'list', quiesce: 'bool', skip_quiesce: 'bool', abort_quiesce: 'bool', promote_from: 'string' },
    ({ q, body }) => {
      if (q.abort_quiesce !== undefined) throw unsupported('abort_quiesce', 'Aborting a quiesce');
      if (q.promote_from !== undefined) throw unsupported('promote_from', 'Promoting from an undo pod');
      const names = targetNames(q, list);
      const b = parseBody(body, PATCH_BODY);
      if (b.mediator !== undefined) throw unsupported('mediator', 'Choosing a mediator');
      if (b.name !== undefined) throw unsupported('name', 'Renaming pods');
      const want = promotionState(b.requested_promotion_state);
      const change = {
        destroyed: b.destroyed,
        failover_preferences: b.failover_preferences,
        requested_promotion_state: want,
        quiesce: q.quiesce,
        skip_quiesce: q.skip_quiesce,
      };
      return itemsResponse(names.map((n) => render(withContext(n, () => model.updatePod(array, n, change)))));
    },
  );

  route(ctx, 'DELETE', 'pods', { names: 'list', ids: 'list', eradicate_contents: 'bool' }, ({ q }) => {
    if (q.eradicate_contents === true) throw unsupported('eradicate_contents', 'Eradicating a pod with its contents');
    for (const n of targetNames(q, list)) withContext(n, () => model.eradicatePod(array, n));
    return undefined;
  });

  // ---- pods/arrays: stretching a pod over a second array (ActiveCluster) ----

  const member = (p: PodRecord, a: PodArrayStatus): JsonObject => ({
    group: { name: p.name, id: p.id },
    member: { name: a.name, id: a.id },
    frozen_at: a.frozen_at,
    mediator_status: a.mediator_status,
    pre_elected: a.pre_elected,
    progress: a.progress,
    status: a.status,
  });
  const MEMBER_PARAMS = { group_names: 'list', member_names: 'list', with_unknown: 'bool' } as const;

  route(ctx, 'GET', 'pods/arrays', { ...LIST_PARAMS, group_names: 'list', member_names: 'list' }, ({ q }) => {
    const wanted = q.member_names && new Set(q.member_names);
    const items = (q.group_names ? pods(q.group_names) : list()).flatMap((p) =>
      p.arrays.filter((a) => !wanted || wanted.has(a.name)).map((a) => member(p, a)),
    );
    return listResponse(items, q);
  });

  route(ctx, 'POST', 'pods/arrays', MEMBER_PARAMS, ({ q }) => {
    const remotes = required('member_names', q.member_names);
    const out = required('group_names', q.group_names).flatMap((pod) => {
      let p = withContext(pod, () => model.getPod(array, pod));
      for (const r of remotes) p = withContext(r, () => model.addPodArray(array, pod, r));
      return p.arrays.filter((a) => remotes.includes(a.name)).map((a) => member(p, a));
    });
    return itemsResponse(out);
  });

  route(ctx, 'DELETE', 'pods/arrays', MEMBER_PARAMS, ({ q }) => {
    if (q.with_unknown === true) throw unsupported('with_unknown', 'Removing an array the pod cannot reach');
    const remotes = required('member_names', q.member_names);
    for (const pod of required('group_names', q.group_names)) {
      for (const r of remotes) withContext(r, () => model.removePodArray(array, pod, r));
    }
    return undefined;
  });
}

function promotionState(v: string | undefined): 'promoted' | 'demoted' | undefined {
  if (v === undefined || v === 'promoted' || v === 'demoted') return v;
  throw badRequest('requested_promotion_state', "'requested_promotion_state' must be 'promoted' or 'demoted'.");
}
