import type { FastifyRequest } from 'fastify';
import type { Enforcer, ProtectorAction, Target } from '../policy/index.js';
import { caller } from './auth.js';

/**
 * Checks the caller against a policy action; throws PolicyNotAuthorized (a 403 naming the rule).
 * The target carries at least the owning project, so project-scoped rules have something to match.
 */
export function authorize(enforcer: Enforcer, request: FastifyRequest, action: ProtectorAction, target: Target = {}): void {
  const c = caller(request);
  enforcer.authorize(action, { project_id: c.projectId ?? '', ...target }, {
    user_id: c.userId,
    project_id: c.projectId ?? '',
    domain_id: c.domainId ?? c.projectDomainId ?? '',
    roles: c.roles,
    is_admin: c.isAdmin,
    ...(c.systemScope ? { system_scope: c.systemScope } : {}),
  });
}
