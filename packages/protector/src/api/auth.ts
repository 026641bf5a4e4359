import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestLogger, setRequestIdentity } from '../observability/index.js';
import type { AuthContext } from '@protector/openstack';
import { ApiError } from './errors.js';

/** What protector-api needs to know who is calling: a token in, a context (or undefined) out. */
export interface TokenCheck {
  /** `fresh`: bypass any cache and ask Keystone now. */
  validate(token: string, options?: { fresh?: boolean }): Promise<AuthContext | undefined>;
  /** What validate() (not fresh) would answer from its cache right now, or undefined when it would ask Keystone. */
  cached?(token: string): { ctx: AuthContext | undefined } | undefined;
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
  const unauthenticated = () => new ApiError(401, 'The request you have made requires authentication.', challenge);
  const identify = (request: FastifyRequest, ctx: AuthContext | undefined): ApiError | undefined => {
    if (!ctx) return unauthenticated();
    request.identity = ctx;
    setRequestIdentity(request, { userId: ctx.userId, projectId: ctx.projectId });
    return undefined;
  };
  // A callback hook: a read whose token the cache knows is decided at once, with no promise;
  // the others wait for Keystone. (A throw is Fastify's error path, as a rejection would be.)
  app.addHook('onRequest', (request, _reply, done) => {
    if (isOpen(request)) return done();
    const token = request.headers['x-auth-token'];
    if (typeof token !== 'string' || token === '') throw unauthenticated();
    const fresh = !READS.has(request.method);
    const known = fresh ? undefined : check.cached?.(token);
    if (known) return done(identify(request, known.ctx));
    check.validate(token, { fresh }).then(
      (ctx) => done(identify(request, ctx)),
      (err: unknown) => {
        requestLogger(request).warn({ err: err instanceof Error ? err.message : String(err) }, 'token validation failed');
        done(new ApiError(503, 'The identity service is unavailable; the token could not be validated.'));
      },
    );
  });
}

/** The caller, for routes behind useAuth. */
export function caller(request: FastifyRequest): AuthContext {
  if (!request.identity) throw new ApiError(401, 'The request you have made requires authentication.');
  return request.identity;
}
