import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PolicyNotAuthorized, type ProtectorAction } from '../policy/index.js';
import { requestLogger } from '../observability/index.js';
import { OPEN_ROUTES, routeKey } from './auth.js';
import { authorize } from './authorize.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { tenant } from './resources/tenant.js';
import { validationError } from './validation.js';

/**
 * The policy of a route as far as it can be decided from the URL alone. `admin` routes are
 * checked with an empty target; `project` routes with the URL's project_id (and the rule that it
 * must be the token's project unless the caller is an admin). When several actions are listed,
 * the caller needs at least one (the action route: which one applies depends on the body, which
 * the handler checks).
 */
export interface RoutePolicy {
  scope: 'admin' | 'project';
  actions: readonly [ProtectorAction, ...ProtectorAction[]];
}

const admin = (action: ProtectorAction): RoutePolicy => ({ scope: 'admin', actions: [action] });
const project = (...actions: [ProtectorAction, ...ProtectorAction[]]): RoutePolicy => ({ scope: 'project', actions });

const SITE = '/v1/admin/sites/:id';
const MAPPING = '/v1/admin/tenant-mappings/:id';
const PGS = '/v1/:project_id/protection-groups';
const PG = `${PGS}/:pg_id`;
const OP = '/v1/:project_id/operations/:operation_id';
const PLANS = '/v1/:project_id/recovery-plans';
const PLAN = `${PLANS}/:plan_id`;

/**
 * `METHOD url-pattern` → policy, for every route of the API. A route missing here is refused
 * (403) and fails the route-policy test, so a new route cannot ship without a rule.
 */
export const ROUTE_POLICIES: Readonly<Record<string, RoutePolicy>> = {
  'GET /v1/admin/sites': admin('protector:sites:list'),
  'POST /v1/admin/sites': admin('protector:sites:create'),
  [`GET ${SITE}`]: admin('protector:sites:show'),
  [`PUT ${SITE}`]: admin('protector:sites:update'),
  [`DELETE ${SITE}`]: admin('protector:sites:delete'),
  [`POST ${SITE}/validate`]: admin('protector:sites:validate'),
  [`PUT ${SITE}/pairing`]: admin('protector:sites:pair'),
  [`GET ${SITE}/volume-types`]: admin('protector:sites:list_volume_types'),
  'POST /v1/admin/site-failover': admin('protector:site:failover'),
  'GET /v1/admin/tenant-mappings': admin('protector:tenant_mappings:list'),
  'POST /v1/admin/tenant-mappings': admin('protector:tenant_mappings:create'),
  [`GET ${MAPPING}`]: admin('protector:tenant_mappings:show'),
  [`DELETE ${MAPPING}`]: admin('protector:tenant_mappings:delete'),
  [`GET ${PGS}`]: project('protector:protection_groups:list'),
  [`POST ${PGS}`]: project('protector:protection_groups:create'),
  [`GET ${PG}`]: project('protector:protection_groups:show'),
  [`PUT ${PG}`]: project('protector:protection_groups:update'),
  [`DELETE ${PG}`]: project('protector:protection_groups:delete'),
  [`GET ${PG}/members`]: project('protector:members:list'),
  [`POST ${PG}/members`]: project('protector:members:add'),
  [`DELETE ${PG}/members/:server_id`]: project('protector:members:remove'),
  [`GET ${PG}/policy`]: project('protector:policy:show'),
  [`PUT ${PG}/policy`]: project('protector:policy:update'),
  [`GET ${PG}/resource-mappings`]: project('protector:resource_mappings:show'),
  [`PUT ${PG}/resource-mappings`]: project('protector:resource_mappings:update'),
  [`GET ${PG}/metadata`]: project('protector:metadata:show'),
  [`PUT ${PG}/metadata`]: project('protector:metadata:push'),
  [`POST ${PG}/metadata/ack`]: project('protector:metadata:ack'),
  [`GET ${PG}/sync-status`]: project('protector:sync_status:show'),
  [`GET ${PG}/recovery-points`]: project('protector:recovery_points:list'),
  [`POST ${PG}/action`]: project(
    'protector:actions:failover',
    'protector:actions:failback',
    'protector:actions:test_failover',
    'protector:actions:test_cleanup',
    'protector:actions:sync',
  ),
  'POST /v1/:project_id/actions': project('protector:actions:failover', 'protector:actions:failback', 'protector:actions:test_failover', 'protector:actions:test_cleanup'),
  'GET /v1/:project_id/operations': project('protector:operations:list'),
  [`GET ${OP}`]: project('protector:operations:show'),
  [`GET ${OP}/report`]: project('protector:operations:report'),
  [`POST ${OP}/cleanup`]: project('protector:operations:cleanup'),
  [`POST ${OP}/resume`]: project('protector:operations:resume'),
  [`POST ${OP}/cancel`]: project('protector:operations:cancel'),
  [`POST ${OP}/approve`]: project('protector:operations:approve'),
  [`POST ${OP}/pause`]: project('protector:operations:pause'),
  [`POST ${OP}/commit`]: project('protector:operations:commit'),
  [`POST ${OP}/rollback`]: project('protector:operations:rollback'),
  [`GET ${PLANS}`]: project('protector:recovery_plans:list'),
  [`POST ${PLANS}`]: project('protector:recovery_plans:create'),
  [`GET ${PLAN}`]: project('protector:recovery_plans:show'),
  [`PUT ${PLAN}`]: project('protector:recovery_plans:update'),
  [`DELETE ${PLAN}`]: project('protector:recovery_plans:delete'),
  [`PUT ${PLAN}/metadata`]: project('protector:recovery_plans:copy'),
  [`POST ${PLAN}/run`]: project('protector:recovery_plans:run'),
  'GET /v1/:project_id/health': project('protector:health:show'),
};

/**
 * Authorisation before parsing: once the token is known (onRequest, after useAuth), the part of
 * the policy that the URL decides runs before the body is read, so a caller who may not call a
 * route gets its 403 (or the project-mismatch 400) whatever the body, and the server never parses
 * a large body for them. The handlers keep their own checks, which also cover what depends on the
 * body or the query (the action's kind, show_secrets).
 */
export function useRoutePolicy(app: FastifyInstance, deps: ApiDeps): void {
  // A callback hook (what it throws goes to Fastify's error path as a rejection would): no promise per request.
  app.addHook('onRequest', (request, _reply, done) => {
    checkRoutePolicy(deps, request);
    done();
  });
}

function checkRoutePolicy(deps: ApiDeps, request: FastifyRequest): void {
  const url = request.routeOptions.url;
  if (request.is404 || url === undefined) return; // the not-found handler answers
  const key = routeKey(request.method, url);
  if (OPEN_ROUTES.has(key)) return; // as for the token (auth.ts)
  const policy = ROUTE_POLICIES[key];
  if (!policy) {
    requestLogger(request).error({ route: key }, 'route has no policy entry; refused');
    throw new ApiError(403, 'No policy rule governs this request, so it is refused.');
  }
  const check = policy.scope === 'admin' ? adminCheck(deps, request) : projectCheck(deps, request);
  for (const action of policy.actions) {
    try {
      check(action);
      return;
    } catch (e) {
      if (!(e instanceof PolicyNotAuthorized) || policy.actions.length === 1) throw e;
    }
  }
  throw new PolicyNotAuthorized(policy.actions.join(' or '));
}

const adminCheck = (deps: ApiDeps, request: FastifyRequest) => (action: ProtectorAction) => authorize(deps.enforcer, request, action);

function projectCheck(deps: ApiDeps, request: FastifyRequest): (action: ProtectorAction) => void {
  // The route's own params schema, so the project id in a message is always a well-formed one.
  const valid = request.getValidationFunction('params');
  if (valid && !valid(request.params)) throw validationError(valid.errors ?? [], 'params');
  const projectId = (request.params as { project_id?: string }).project_id ?? '';
  return (action) => tenant(deps, request, projectId, action);
}
