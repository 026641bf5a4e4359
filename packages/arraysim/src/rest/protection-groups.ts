import type { ProtectionGroupSettings } from '../model/protection-groups.js';
import type { ProtectionGroupRecord, Retention } from '../model/records.js';
import { bool, int, nullableObj, obj, parseBody, str, type Body } from './body.js';
import { badRequest, unsupported, withContext } from './errors.js';
import type { JsonObject } from './json.js';
import { LIST_PARAMS, required } from './params.js';
import { itemsResponse, listResponse, selectNamed } from './query.js';
import { route, targetNames, type RestContext } from './route.js';

const DAY_MS = 86400 * 1000;

const retention = (r: Retention): JsonObject => ({ all_for_sec: r.all_for_sec, per_day: r.per_day, days: r.days });

/** The ProtectionGroup model. Members and targets are their own endpoints, so only counts show here. */
function render(g: ProtectionGroupRecord): JsonObject {
  const b = g.replication_schedule.blackout;
  return {
    id: g.id,
    name: g.name,
    destroyed: g.destroyed,
    host_count: 0,
    host_group_count: 0,
    is_local: g.is_local,
    pod: null,
    replication_schedule: {
      enabled: g.replication_schedule.enabled,
      frequency: g.replication_schedule.frequency,
      at: null,
      blackout: b ? { start: b.start, end: b.end } : null,
    },
    snapshot_schedule: { enabled: g.snapshot_schedule.enabled, frequency: g.snapshot_schedule.frequency, at: null },
    source: { name: g.source.name },
    source_retention: retention(g.source_retention),
    target_count: g.targets.length,
    target_retention: retention(g.target_retention),
    time_remaining: g.time_remaining,
    volume_count: g.volumes.length,
    retention_lock: 'unlocked',
  };
}

const RETENTION = obj({ all_for_sec: int(0, 2 ** 31 - 1), per_day: int(0, 2 ** 31 - 1), days: int(0, 2 ** 31 - 1) });
const SETTINGS = {
  snapshot_schedule: obj({ enabled: bool(), frequency: int(1000), at: int(0, 86400) }),
  replication_schedule: obj({
    enabled: bool(),
    frequency: int(1000),
    at: int(0, 86400),
    blackout: nullableObj({ start: int(0, DAY_MS - 1), end: int(0, DAY_MS - 1) }),
  }),
  source_retention: RETENTION,
  target_retention: RETENTION,
};
const PATCH_BODY = { ...SETTINGS, destroyed: bool(), name: str(255) };

/** Schedules and retention from a body; the model has no time-of-day (`at`) scheduling. */
function settings(b: Body<typeof SETTINGS>): ProtectionGroupSettings {
  if (b.snapshot_schedule?.at !== undefined) throw unsupported('snapshot_schedule.at', 'Time-of-day scheduling');
  if (b.replication_schedule?.at !== undefined) throw unsupported('replication_schedule.at', 'Time-of-day scheduling');
  const snap = b.snapshot_schedule;
  const repl = b.replication_schedule;
  const blackout = repl?.blackout;
  if (blackout && (blackout.start === undefined || blackout.end === undefined)) {
    throw badRequest('replication_schedule.blackout', "'replication_schedule.blackout' needs both 'start' and 'end'.");
  }
  // The model merges a partial change over the current settings, so absent fields must stay absent.
  return defined({
    snapshot_schedule: snap && defined({ enabled: snap.enabled, frequency: snap.frequency }),
    replication_schedule:
      repl &&
      defined({
        enabled: repl.enabled,
        frequency: repl.frequency,
        // A window from midnight to midnight is how the array shows "no blackout".
        blackout: blackout === undefined ? undefined : blackout === null || blackout.start === blackout.end ? null : { start: blackout.start!, end: blackout.end! },
      }),
    source_retention: b.source_retention,
    target_retention: b.target_retention,
  });
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** `{group, member}` pairs of the member endpoints, narrowed by group_names and member_names. */
function pairs<T extends { name: string }>(
  groups: ProtectionGroupRecord[],
  members: (g: ProtectionGroupRecord) => T[],
  memberNames: string[] | undefined,
): { group: ProtectionGroupRecord; member: T }[] {
  const wanted = memberNames && new Set(memberNames);
  return groups.flatMap((group) => members(group).filter((m) => !wanted || wanted.has(m.name)).map((member) => ({ group, member })));
}

export function registerProtectionGroups(ctx: RestContext): void {
  const { model, array } = ctx;
  const list = () => withContext(array, () => model.listProtectionGroups(array));
  const groups = (names: string[] | undefined): ProtectionGroupRecord[] => {
    const all = list();
    if (!names) return all;
    return names.map((n) => all.find((g) => g.name === n) ?? withContext(n, () => model.getProtectionGroup(array, n)));
  };

  // Own groups and, on a target, the replica groups `<source>:<pg>` (is_local false).
  route(ctx, 'GET', 'protection-groups', { ...LIST_PARAMS, names: 'list', ids: 'list', destroyed: 'bool' }, ({ q }) => {
    let items = list()
      .filter((g) => q.destroyed === undefined || g.destroyed === q.destroyed)
      .map(render);
    items = selectNamed(items, 'name', q.names, 'names');
    items = selectNamed(items, 'id', q.ids, 'ids');
    return listResponse(items, q);
  });

  route(ctx, 'POST', 'protection-groups', { names: 'list', source_names: 'list' }, ({ q, body }) => {
    if (q.source_names) throw unsupported('source_names', 'Copying protection groups');
    const names = required('names', q.names);
    const s = settings(parseBody(body, SETTINGS));
    return itemsResponse(names.map((n) => render(withContext(n, () => model.createProtectionGroup(array, n, s)))));
  });

  // Settings, destroy (pending eradication) and recover; a recovered group takes settings in the same call.
  route(ctx, 'PATCH', 'protection-groups', { names: 'list', ids: 'list' }, ({ q, body }) => {
    const names = targetNames(q, list);
    const b = parseBody(body, PATCH_BODY);
    if (b.name !== undefined) throw unsupported('name', 'Renaming protection groups');
    const s = settings(b);
    const changes = Object.keys(s).length > 0;
    const out = names.map((n) =>
      withContext(n, () => {
        let g = model.getProtectionGroup(array, n);
        if (b.destroyed === false && g.destroyed) g = model.recoverProtectionGroup(array, n);
        if (changes || b.destroyed === undefined) g = model.updateProtectionGroup(array, n, s);
        if (b.destroyed === true && !g.destroyed) g = model.destroyProtectionGroup(array, n);
        return g;
      }),
    );
    return itemsResponse(out.map(render));
  });

  // Eradicate: only a destroyed group, as on the array.
  route(ctx, 'DELETE', 'protection-groups', { names: 'list', ids: 'list' }, ({ q }) => {
    for (const n of targetNames(q, list)) withContext(n, () => model.eradicateProtectionGroup(array, n));
    return undefined;
  });

  // ---- protection-groups/volumes ----

  const volumeIds = () => new Map(withContext(array, () => model.listVolumes(array)).map((v) => [v.name, v.id]));
  const memberItem = (g: ProtectionGroupRecord, name: string, id: string | null, extra: JsonObject = {}): JsonObject => ({
    group: { name: g.name, id: g.id },
    member: { name, id },
    ...extra,
  });
  const MEMBER_PARAMS = { group_names: 'list', member_names: 'list' } as const;

  route(ctx, 'GET', 'protection-groups/volumes', { ...LIST_PARAMS, ...MEMBER_PARAMS }, ({ q }) => {
    const ids = volumeIds();
    const found = pairs(groups(q.group_names), (g) => g.volumes.map((name) => ({ name })), q.member_names);
    return listResponse(found.map(({ group, member }) => memberItem(group, member.name, ids.get(member.name) ?? null)), q);
  });

  route(ctx, 'POST', 'protection-groups/volumes', MEMBER_PARAMS, ({ q }) => {
    const [gs, members] = membership(q);
    for (const g of gs) withContext(g, () => model.addProtectionGroupVolumes(array, g, members, { strict: true }));
    const ids = volumeIds();
    return itemsResponse(groups(gs).flatMap((g) => members.map((m) => memberItem(g, m, ids.get(m) ?? null))));
  });

  route(ctx, 'DELETE', 'protection-groups/volumes', MEMBER_PARAMS, ({ q }) => {
    const [gs, members] = membership(q);
    for (const g of gs) withContext(g, () => model.removeProtectionGroupVolumes(array, g, members));
    return undefined;
  });

  // ---- protection-groups/targets ----

  const arrayIds = () => new Map(model.listArrays().map((a) => [a.name, a.id]));

  route(ctx, 'GET', 'protection-groups/targets', { ...LIST_PARAMS, ...MEMBER_PARAMS }, ({ q }) => {
    const ids = arrayIds();
    const found = pairs(groups(q.group_names), (g) => g.targets, q.member_names);
    return listResponse(found.map(({ group, member }) => memberItem(group, member.name, ids.get(member.name) ?? null, { allowed: member.allowed })), q);
  });

  route(ctx, 'POST', 'protection-groups/targets', MEMBER_PARAMS, ({ q }) => {
    const [gs, members] = membership(q);
    for (const g of gs) withContext(g, () => model.addProtectionGroupTargets(array, g, members, true, { strict: true }));
    const ids = arrayIds();
    return itemsResponse(
      groups(gs).flatMap((g) => g.targets.filter((t) => members.includes(t.name)).map((t) => memberItem(g, t.name, ids.get(t.name) ?? null, { allowed: t.allowed }))),
    );
  });

  /**
   * `allowed` is the target's consent: on the target array the group is named `<source>:<pg>`
   * and the change is made on the source's record of its target. On the source array
   * (`<pg>` with optional member_names) it sets the flag directly, which the real array does not
   * allow but seeds and tests find convenient.
   */
  route(ctx, 'PATCH', 'protection-groups/targets', MEMBER_PARAMS, ({ q, body }) => {
    const gs = required('group_names', q.group_names);
    const { allowed } = parseBody(body, { allowed: bool() });
    if (allowed === undefined) throw badRequest('allowed', "'allowed' is required.");
    const out: JsonObject[] = [];
    for (const g of gs) {
      const sep = g.indexOf(':');
      if (sep >= 0) {
        const [source, pg] = [g.slice(0, sep), g.slice(sep + 1)];
        withContext(g, () => model.setProtectionGroupTargetAllowed(source, pg, array, allowed));
        out.push({ group: { name: g, id: null }, member: { name: array, id: arrayIds().get(array) ?? null }, allowed });
        continue;
      }
      const group = withContext(g, () => model.getProtectionGroup(array, g));
      const targets = q.member_names ?? group.targets.map((t) => t.name);
      for (const t of targets) withContext(t, () => model.setProtectionGroupTargetAllowed(array, g, t, allowed));
      out.push(...targets.map((t) => memberItem(group, t, arrayIds().get(t) ?? null, { allowed })));
    }
    return itemsResponse(out);
  });

  route(ctx, 'DELETE', 'protection-groups/targets', MEMBER_PARAMS, ({ q }) => {
    const [gs, members] = membership(q);
    for (const g of gs) withContext(g, () => model.removeProtectionGroupTargets(array, g, members));
    return undefined;
  });
}

/** Adding and removing members takes both lists, as the array requires. */
function membership(q: { group_names?: string[]; member_names?: string[] }): [string[], string[]] {
  return [required('group_names', q.group_names), required('member_names', q.member_names)];
}
