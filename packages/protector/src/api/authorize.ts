import type { AuthContext } from '@protector/openstack';
import type { FastifyRequest } from 'fastify';
import type { Credentials, Enforcer, ProtectorAction, Target } from '../policy/index.js';
import { caller } from './auth.js';

const credentials = (c: AuthContext): Credentials => ({
  user_id: c.userId,
  project_id: c.projectId ?? '',
  domain_id: c.domainId ?? c.projectDomainId ?? '',
  roles: c.roles,
  is_admin: c.isAdmin,
  ...(c.systemScope ? { system_scope: c.systemScope } : {}),
});

/**
 * Checks the caller against a policy action; throws PolicyNotAuthorized (a 403 naming the rule).
 * The target carries at least the owning project, so project-scoped rules have something to match.
 * Decisions are remembered per token context (Enforcer.authorizeCaller): its credentials are
 * read from it alone, and the token cache hands the same context to each request with that token.
 */
export function authorize(enforcer: Enforcer, request: FastifyRequest, action: ProtectorAction, target: Target = {}): void {
  const c = caller(request);
  enforcer.authorizeCaller(c, action, { project_id: c.projectId ?? '', ...target }, () => credentials(c));
}
