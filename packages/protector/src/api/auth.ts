import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestLogger, setRequestIdentity } from '../observability/index.js';
import type { AuthContext } from '@protector/openstack';
import { ApiError } from './errors.js';

/** What protector-api needs to know who is calling: a token in, a context (or undefined) out. */
export interface TokenCheck {
  /** `fresh`: bypass any cache and ask Keystone now. */
  validate(token: string, options?: { fresh?: boolean }): Promise<AuthContext | undefined>;
}

/** Methods that change nothing; only these may use the token cache. */
const READS = new Set(['GET', 'HEAD']);

declare module 'fastify' {
  interface FastifyRequest {
    identity: AuthContext | null;
  }
}

/** A route as `METHOD url-pattern`; HEAD is answered by the GET route and follows its rules. */
export const routeKey = (method: string, url: string): string => `${method === 'HEAD' ? 'GET' : method} ${url}`;

/** Routes that answer without a token: version discovery, the OpenAPI document, health and metrics. */
export const OPEN_ROUTES: ReadonlySet<string> = new Set(['GET /', 'GET /v1', 'GET /healthz', 'GET /metrics', 'GET /v1/openapi.json']);

/** By the route matched, not the raw URL, so no spelling of a path (query, slash, encoding) opens another. */
const isOpen = (request: FastifyRequest) => !request.is404 && request.routeOptions.url !== undefined && OPEN_ROUTES.has(routeKey(request.method, request.routeOptions.url));

/**
 * keystonemiddleware's job: every request but version discovery carries a valid token. A
 * missing or invalid one is a 401 pointing at Keystone; Keystone itself failing is a 503, not a
 * 401, so clients do not throw their tokens away during an identity outage.
 *
 * Reads may use the validation cache (`[keystone_authtoken] token_cache_time` is how late they
 * notice a revocation); every other method asks Keystone afresh, so a revoked token never
 * changes anything.
 */
export function useAuth(app: FastifyInstance, check: TokenCheck, wwwAuthenticateUri: string): void {
  app.decorateRequest('identity', null);
  const challenge = { 'WWW-Authenticate': `Keystone uri="${wwwAuthenticateUri}"` };
  app.addHook('onRequest', async (request) => {
    if (isOpen(request)) return;
    const token = request.headers['x-auth-token'];
    if (typeof token !== 'string' || token === '') throw new ApiError(401, 'The request you have made requires authentication.', challenge);
    let ctx: AuthContext | undefined;
    try {
      ctx = await check.validate(token, { fresh: !READS.has(request.method) });
    } catch (err) {
      requestLogger(request).warn({ err: err instanceof Error ? err.message : String(err) }, 'token validation failed');
      throw new ApiError(503, 'The identity service is unavailable; the token could not be validated.');
    }
    if (!ctx) throw new ApiError(401, 'The request you have made requires authentication.', challenge);
    request.identity = ctx;
    setRequestIdentity(request, { userId: ctx.userId, projectId: ctx.projectId });
  });
}

/** The caller, for routes behind useAuth. */
export function caller(request: FastifyRequest): AuthContext {
  if (!request.identity) throw new ApiError(401, 'The request you have made requires authentication.');
  return request.identity;
}
