import { randomUUID } from 'node:crypto';
import type { Operation, PgResources as PublicResources, ProtectionGroup as PublicPg } from '@protector/contract';
import type { FastifyRequest } from 'fastify';
import { OPERATIONS_TOPIC } from '../../bus/index.js';
import { ProtectionGroups, type PgResources, type ProtectionGroup } from '../../db/protection-groups.js';
import { Operations, type OperationRecord } from '../../engine/operations.js';
import type { OperationParams, OperationType } from '../../engine/operation-types.js';
import { wireResources } from '../../metadata/document.js';
import type { ProtectorAction } from '../../policy/index.js';
import { caller } from '../auth.js';
import { authorize } from '../authorize.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, conflict, notFound } from '../errors.js';
import { requestLogger } from '../../observability/index.js';
import { isoTime } from '../time.js';

/**
 * Every tenant route starts here: the URL's project must be the token's (admins may name any
 * project, as in Nova), then the policy rule is checked against that project.
 */
export function tenant(deps: ApiDeps, request: FastifyRequest, projectId: string, action: ProtectorAction): void {
  const c = caller(request);
  if (!c.isAdmin && c.projectId !== projectId) {
    throw new ApiError(400, `Malformed request URL: URL's project_id '${projectId}' doesn't match Context's project_id '${c.projectId ?? ''}'`);
  }
  authorize(deps.enforcer, request, action, { project_id: projectId });
}

/** The PG in the URL's project; another project's PG is a 404, never a 403. */
export async function loadPg(pgs: ProtectionGroups, projectId: string, pgId: string): Promise<ProtectionGroup> {
  const pg = await pgs.get(pgId, projectId);
  if (!pg) throw notFound(`Protection group ${pgId}`);
  return pg;
}

/**
 * DESIGN §5.4: a PG whose latest change has not been acknowledged as stored on the peer refuses
 * further changes, so the two sites can never diverge by more than one version.
 */
export function requireInSync(pg: ProtectionGroup): void {
  if (pg.sync_state === 'out_of_sync') {
    throw conflict(
      `Protection group ${pg.id} is out_of_sync at metadata version ${pg.metadata_version}: push its metadata to the peer site and acknowledge it (POST …/metadata/ack), or run 'protector protection-group sync', before changing it again.`,
    );
  }
}

/** A change to what the metadata document holds: version + 1 and out_of_sync until acknowledged. */
export async function markChanged(pgs: ProtectionGroups, pgId: string, change: Parameters<ProtectionGroups['update']>[1] = {}): Promise<ProtectionGroup | undefined> {
  return pgs.update(pgId, { ...change, sync_state: 'out_of_sync' }, { bumpVersion: true });
}

/** Records a lifecycle operation (taking the PG's single slot, 409 if busy) and wakes an engine. */
export async function recordOperation<T extends OperationType>(
  deps: ApiDeps,
  request: FastifyRequest,
  pg: ProtectionGroup,
  type: T,
  params: OperationParams[T],
): Promise<OperationRecord> {
  const c = caller(request);
  const op = await new Operations(deps.db, deps.now).create({
    id: randomUUID(),
    project_id: pg.project_id,
    pg_id: pg.id,
    type,
    params: params as Record<string, unknown>,
    request_id: request.id,
    user_id: c.userId,
  });
  wakeEngine(deps, request, op.id);
  return op;
}

/**
 * Tells the engines an operation is waiting for them, without waiting for it: the row is the
 * truth and an engine scanning for work finds it anyway, so no answer waits for the wake-up. A
 * broker that is away (the publish gives up in bounded time) costs the engines' scan interval.
 */
export function wakeEngine(deps: ApiDeps, request: FastifyRequest, operationId: string): void {
  const log = requestLogger(request);
  void deps.bus?.publish(OPERATIONS_TOPIC, { operation_id: operationId }).catch((err: unknown) => {
    log.warn({ err: err instanceof Error ? err.message : String(err), operation_id: operationId }, 'bus publish failed; the engines\' scan finds the operation');
  });
}

/** An operation as the API shows it. */
export const operationView = (o: OperationRecord): Operation => ({
  id: o.id,
  project_id: o.project_id,
  protection_group_id: o.pg_id,
  parent_id: o.parent_id,
  type: o.type,
  status: o.status,
  progress: o.progress,
  params: o.params,
  result: o.result,
  error: o.error,
  request_id: o.request_id,
  user_id: o.user_id,
  created_at: isoTime(o.created_at),
  started_at: isoTime(o.started_at),
  finished_at: isoTime(o.finished_at),
  updated_at: isoTime(o.updated_at),
});

/**
 * A PG's resources as the API shows them: as documents carry them (the array handle in the wire's
 * snake_case), and the trust ids (what the engine acts as the tenant through) only with `secrets`.
 */
function resourcesView(r: PgResources, secrets: boolean): PublicResources {
  const shown = wireResources(r);
  if (!secrets) return shown;
  return { ...shown, sites: Object.fromEntries(Object.entries(shown.sites).map(([id, site]) => [id, r.sites[id]?.trust_id ? { ...site, trust_id: r.sites[id].trust_id } : site])) };
}

/** A PG as the API shows it; `secrets` only for callers allowed protector:secrets:show who ask. */
export const pgView = (pg: ProtectionGroup, secrets = false): PublicPg => ({
  ...pg,
  resources: resourcesView(pg.resources, secrets),
  created_at: isoTime(pg.created_at),
  updated_at: isoTime(pg.updated_at),
});
