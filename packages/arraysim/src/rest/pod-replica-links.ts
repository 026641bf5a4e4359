import type { PodReplicaLinkRecord } from '../model/records.js';
import { bool, parseBody } from './body.js';
import { badRequest, withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS, required } from './params.js';
import { itemsResponse, listResponse, selectNamed } from './query.js';
import { oneName, route, type RestContext } from './route.js';

/** The PodReplicaLink model, as seen from this array (direction, local and remote pod). */
function render(l: PodReplicaLinkRecord): JsonObject {
  return {
    id: l.id,
    direction: l.direction,
    lag: l.lag,
    local_pod: { name: l.local_pod.name, id: l.local_pod.id },
    paused: l.paused,
    recovery_point: l.recovery_point,
    remote_pod: { name: l.remote_pod.name, id: l.remote_pod.id },
    remotes: l.remotes.map((r) => ({ name: r.name, id: r.id })),
    status: l.status,
  };
}

const SELECT = { local_pod_names: 'list', remote_pod_names: 'list', remote_names: 'list' } as const;
type Select = { local_pod_names?: string[]; remote_pod_names?: string[]; remote_names?: string[] };

const matches = (l: PodReplicaLinkRecord, q: Select): boolean =>
  (!q.local_pod_names || q.local_pod_names.includes(l.local_pod.name)) &&
  (!q.remote_pod_names || q.remote_pod_names.includes(l.remote_pod.name)) &&
  (!q.remote_names || l.remotes.some((r) => q.remote_names!.includes(r.name)));

export function registerPodReplicaLinks(ctx: RestContext): void {
  const { model, array } = ctx;
  const list = () => withContext(array, () => model.listPodReplicaLinks(array));

  /** The one link a change names; remote_names is optional since a pod has at most one link. */
  const the = (q: Select): { local: string; remote: string } => {
    const local = oneName(q.local_pod_names, 'local_pod_names');
    const remote = oneName(q.remote_pod_names, 'remote_pod_names');
    if (q.remote_names && !list().some((l) => matches(l, q))) {
      throw badRequest(q.remote_names[0] ?? '', `No replica link from pod '${local}' to pod '${remote}' on '${q.remote_names.join(',')}'.`);
    }
    return { local, remote };
  };

  route(ctx, 'GET', 'pod-replica-links', { ...LIST_PARAMS, ...SELECT, ids: 'list' }, ({ q }) => {
    const items = selectNamed(list().filter((l) => matches(l, q)).map(render), 'id', q.ids, 'ids');
    return listResponse(items, q);
  });

  route(ctx, 'POST', 'pod-replica-links', SELECT, ({ q }) => {
    const local = oneName(q.local_pod_names, 'local_pod_names');
    const remotePod = oneName(q.remote_pod_names, 'remote_pod_names');
    const remote = oneName(required('remote_names', q.remote_names), 'remote_names');
    return itemsResponse([render(withContext(local, () => model.createPodReplicaLink(array, local, remote, remotePod)))]);
  });

  route(ctx, 'PATCH', 'pod-replica-links', SELECT, ({ q, body }) => {
    const { local, remote } = the(q);
    const { paused } = parseBody(body, { paused: bool() });
    if (paused === undefined) throw badRequest('paused', "'paused' is required.");
    return itemsResponse([render(withContext(local, () => model.updatePodReplicaLink(array, local, remote, { paused })))]);
  });

  route(ctx, 'DELETE', 'pod-replica-links', SELECT, ({ q }) => {
    const { local, remote } = the(q);
    withContext(local, () => model.deletePodReplicaLink(array, local, remote));
    return undefined;
  });
}
