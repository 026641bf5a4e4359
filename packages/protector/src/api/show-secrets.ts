import type { FastifyRequest } from 'fastify';
import { authorize } from './authorize.js';
import type { ApiDeps } from './deps.js';

/**
 * `?show_secrets=true`: stored secrets (site passwords, array tokens, trust ids) are answered
 * only to callers allowed `protector:secrets:show` who ask; asking without the right is a 403.
 */
export function wantsSecrets(deps: ApiDeps, request: FastifyRequest, asked: boolean | undefined): boolean {
  if (!asked) return false;
  authorize(deps.enforcer, request, 'protector:secrets:show');
  return true;
}
