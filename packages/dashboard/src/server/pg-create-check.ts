import { MAPPING_KINDS, type Coordinator, type MappingKind, type PolicyInput, type ReplicationType, type RetentionSettings } from '@protector/protectorclient';
import type { PgCreateInput, PgCreateMapping, PgCreateServer, PgProblem } from '../shared/pg-lifecycle.js';
import { serverChoices } from './pg-choices.js';
import { why } from './site-errors.js';
import { LISTED_KINDS, siteResources, type ListedKind } from './site-resources.js';

/** A create as the server runs it: every field checked and normalised. */
export interface CreateRequest {
  name: string;
  description?: string;
  replication_type: ReplicationType;
  servers: Required<PgCreateServer>[];
  policy?: PolicyInput;
  mappings: PgCreateMapping[];
  dry_run: boolean;
}

// The contract's limits (packages/contract), said here so a dry run names them before any site does.
const NAME = /^\S(.*\S)?$/;
const RETENTION_MAX: Record<keyof RetentionSettings, number> = { all_for_sec: 31_536_000, per_day: 1440, days: 4000 };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const whole = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** The PG's name as the API takes it (also for PATCH); null when it is fine. */
export function nameProblem(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return 'is required';
  if (v.length > 255) return 'is longer than 255 characters';
  if (!NAME.test(v)) return 'must not start or end with a space';
  return null;
}

export function descriptionProblem(v: unknown): string | null {
  if (v === undefined) return null;
  if (typeof v !== 'string') return 'must be text';
  return v.length > 255 ? 'is longer than 255 characters' : null;
}

function policyOf(v: unknown, problems: PgProblem[]): PolicyInput | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) return void problems.push({ field: 'policy', message: 'must be an object with interval_minutes, rpo_minutes and retention' });
  const before = problems.length;
  if (!whole(v.interval_minutes, 1, 1440)) problems.push({ field: 'policy.interval_minutes', message: 'must be a whole number of minutes from 1 to 1440' });
  if (!whole(v.rpo_minutes, 1, 10080)) problems.push({ field: 'policy.rpo_minutes', message: 'must be a whole number of minutes from 1 to 10080' });
  else if (whole(v.interval_minutes, 1, 1440) && v.rpo_minutes < v.interval_minutes) {
    problems.push({ field: 'policy.rpo_minutes', message: `${v.rpo_minutes} is shorter than policy.interval_minutes (${v.interval_minutes}); it could never be met` });
  }
  const ret = isObj(v.retention) ? v.retention : null;
  if (!ret) problems.push({ field: 'policy.retention', message: 'must give source and target retention' });
  for (const side of ['source', 'target'] as const) {
    const r = ret?.[side];
    if (!ret) continue;
    if (!isObj(r)) problems.push({ field: `policy.retention.${side}`, message: 'must give all_for_sec, per_day and days' });
    else for (const [k, max] of Object.entries(RETENTION_MAX)) if (!whole(r[k], 0, max)) problems.push({ field: `policy.retention.${side}.${k}`, message: `must be a whole number from 0 to ${max}` });
  }
  return problems.length === before ? (v as unknown as PolicyInput) : undefined;
}

/** Every problem of the body's shape, all at once (the dry run lists them; a create refuses on any). */
export function parseCreate(body: unknown): { req: CreateRequest; problems: PgProblem[] } {
  const b: Partial<PgCreateInput> & Obj = isObj(body) ? body : {};
  const problems: PgProblem[] = [];
  const say = (field: string, message: string | null) => message && problems.push({ field, message });
  say('name', nameProblem(b.name));
  say('description', descriptionProblem(b.description));
  if (b.replication_type !== 'async' && b.replication_type !== 'sync') say('replication_type', "must be 'async' or 'sync'");
  const servers: Required<PgCreateServer>[] = [];
  if (b.servers !== undefined && !Array.isArray(b.servers)) say('servers', 'must be a list of server ids');
  for (const [i, s] of (Array.isArray(b.servers) ? b.servers : []).entries()) {
    const id = typeof s === 'string' ? s : isObj(s) ? s.id : undefined;
    const boot = isObj(s) && s.boot_order !== undefined ? s.boot_order : i;
    if (typeof id !== 'string' || id === '') say(`servers.${i}`, 'must be a server id');
    else if (!whole(boot, 0, 1000)) say(`servers.${i}.boot_order`, 'must be a whole number from 0 to 1000');
    else if (servers.some((x) => x.id === id)) say(`servers.${i}`, `server ${id} is listed twice`);
    else servers.push({ id, boot_order: boot });
  }
  const policy = policyOf(b.policy, problems);
  const mappings: PgCreateMapping[] = [];
  if (b.mappings !== undefined && !Array.isArray(b.mappings)) say('mappings', 'must be a list of {kind, source_id, target_id}');
  for (const [i, m] of (Array.isArray(b.mappings) ? b.mappings : []).entries()) {
    const mm: Obj = isObj(m) ? m : {};
    const kind = mm.kind as MappingKind;
    if (!MAPPING_KINDS.includes(kind)) say(`mappings.${i}.kind`, `must be one of ${MAPPING_KINDS.join(', ')}`);
    else if (typeof mm.source_id !== 'string' || !NAME.test(mm.source_id) || mm.source_id.length > 255) say(`mappings.${i}.source_id`, 'is required');
    else if (typeof mm.target_id !== 'string' || !NAME.test(mm.target_id) || mm.target_id.length > 255) say(`mappings.${i}.target_id`, 'is required');
    else if (mappings.some((x) => x.kind === kind && x.source_id === mm.source_id)) say(`mappings.${i}`, `${kind} ${mm.source_id} is mapped twice`);
    else mappings.push({ kind, source_id: mm.source_id, target_id: mm.target_id as string });
  }
  if (b.dry_run !== undefined && typeof b.dry_run !== 'boolean') say('dry_run', 'must be true or false');
  const req: CreateRequest = { name: String(b.name ?? ''), replication_type: b.replication_type as ReplicationType, servers, mappings, dry_run: b.dry_run === true };
  if (typeof b.description === 'string') req.description = b.description;
  if (policy) req.policy = policy;
  return { req, problems };
}

/**
 * What the sites would refuse, found before anything changes: the peer must answer (every change
 * needs it), the name must be free on both sites, each server must be the project's and able to
 * join (as member add checks it), each mapping must name a resource on its site.
 */
export async function checkCreate(c: Coordinator, req: CreateRequest): Promise<{ problems: PgProblem[]; serverNames: Map<string, string> }> {
  const owner = c.primary;
  const problems: PgProblem[] = [];
  const peer = await c.reachablePeer().then(
    (p) => p,
    (err: unknown) => void problems.push({ field: 'peer', message: why(err) }),
  );
  // A name or type the body already got wrong is not asked about (the shape's problem says it).
  const nameOk = nameProblem(req.name) === null;
  const typeOk = req.replication_type === 'async' || req.replication_type === 'sync';
  const named = async (site: NonNullable<typeof peer>) => (nameOk ? site.client.protectionGroups.list({ name: req.name }) : []);
  const [here, there, servers, src, dst] = await Promise.all([
    named(owner),
    peer ? named(peer) : Promise.resolve([]),
    req.servers.length ? serverChoices(owner) : Promise.resolve([]),
    req.mappings.length ? siteResources(owner) : Promise.resolve(null),
    req.mappings.length && peer ? siteResources(peer) : Promise.resolve(null),
  ]);
  for (const [site, list] of [[owner.name, here], [peer?.name, there]] as const) {
    if (list.some((p) => p.name === req.name)) problems.push({ field: 'name', message: `a protection group named '${req.name}' already exists on ${site}` });
  }
  req.servers.forEach((s, i) => {
    const found = servers.find((x) => x.id === s.id);
    if (!found) problems.push({ field: `servers.${i}`, message: `no server ${s.id} in the project on ${owner.name}` });
    else if (typeOk && !found.eligible[req.replication_type]) problems.push({ field: `servers.${i}`, message: `server ${found.name} cannot join ${req.replication_type === 'async' ? 'an' : 'a'} ${req.replication_type} protection group: ${found.reason[req.replication_type]}` });
  });
  req.mappings.forEach((m, i) => {
    if (!(LISTED_KINDS as readonly string[]).includes(m.kind)) return;
    const k = m.kind as ListedKind;
    for (const [side, res, site, id] of [['source_id', src, owner.name, m.source_id], ['target_id', dst, peer?.name, m.target_id]] as const) {
      const list = res?.lists[k];
      if (list && !list.some((x) => x.id === id)) problems.push({ field: `mappings.${i}.${side}`, message: `no ${m.kind.replace('_', ' ')} ${id} on ${site}` });
    }
  });
  return { problems, serverNames: new Map(servers.map((x) => [x.id, x.name])) };
}

/** The dry run's steps, in words. */
export function describeCreate(req: CreateRequest, site: string, peer: string | null, serverNames: Map<string, string>): string[] {
  const steps = [`create protection group ${req.name} (${req.replication_type}) on ${site}: its Cinder groups on ${site} and ${peer ?? 'the peer'} and the array construct; its metadata stored on ${peer ?? 'the peer'}`];
  if (req.policy) steps.push(`set the replication policy: a recovery point every ${req.policy.interval_minutes} min, RPO ${req.policy.rpo_minutes} min`);
  if (req.mappings.length) steps.push(`set ${req.mappings.length} resource mapping${req.mappings.length === 1 ? '' : 's'} from ${site} to ${peer ?? 'the peer'}`);
  for (const s of req.servers) steps.push(`add server ${serverNames.get(s.id) ?? s.id} (boot order ${s.boot_order})`);
  return steps;
}
