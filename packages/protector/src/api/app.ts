import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { OperationInProgress } from '../engine/operations.js';
import { PolicyNotAuthorized } from '../policy/index.js';
import { newRequestId, registerObservability, requestLogger } from '../observability/index.js';
import { VERSION } from '../version.js';
import { useAuth } from './auth.js';
import { databaseGauges } from './database-gauges.js';
import type { ApiDeps } from './deps.js';
import { ApiError, errorBody, statusTitle, unavailable } from './errors.js';
import { frameworkErrorOptions, MAX_PARAM_LENGTH, NOT_FOUND_MESSAGE } from './framework-errors.js';
import { useMicroversions } from './microversion.js';
import { registerMembers } from './resources/members.js';
import { registerMetadata } from './resources/metadata.js';
import { registerOperations } from './resources/operations.js';
import { registerPairing } from './resources/pairing.js';
import { registerPolicy } from './resources/policy.js';
import { registerProtectionGroups } from './resources/protection-groups.js';
import { registerResourceMappings } from './resources/resource-mappings.js';
import { registerActions } from './resources/actions.js';
import { registerPlans } from './resources/plans.js';
import { registerSiteFailover } from './resources/site-failover.js';
import { registerReplication } from './resources/replication.js';
import { registerRunReports } from './resources/run-reports.js';
import { useRoutePolicy } from './route-policy.js';
import { useResponseCheck } from './response-check.js';
import { registerSites } from './resources/sites.js';
import { registerTenantMappings } from './resources/tenant-mappings.js';
import { useValidators, validationError } from './validation.js';
import { registerVersions } from './versions.js';

export interface ApiRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the API serves (tests walk them all with bad input). */
    protectorRoutes: ApiRoute[];
  }
}

/**
 * protector-api as a Fastify app: version discovery, microversions, Keystone tokens, policy,
 * one module per resource, and one error shape for everything that goes wrong. Listening is the
 * caller's business (the binary, or a test on an ephemeral port).
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // Request ids as OpenStack services print them: `req-<uuid>`.
    genReqId: newRequestId,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // The answers the framework gives before our hooks run keep the error shape and request id.
    ...frameworkErrorOptions(deps.logger),
    // Schemas describe the wire; the OpenAPI document is generated from them.
    ajv: { customOptions: { removeAdditional: false } },
  });
  // Request ids, one log line and metrics per request, /metrics and /healthz: before anything can answer.
  registerObservability(app, { logger: deps.logger, metrics: deps.metrics, healthChecks: deps.healthChecks, beforeScrape: databaseGauges(deps) });
  // Bodies are JSON or nothing; anything else is refused before it reaches a route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError(400, 'Malformed request body: it is not valid JSON.'), undefined);
    }
  });
  useValidators(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Protector API', version: VERSION, description: 'Disaster recovery for OpenStack: the per-site API (DESIGN §4).' },
      components: { securitySchemes: { keystone: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } } },
      security: [{ keystone: [] }],
    },
  });
  useMicroversions(app);
  useAuth(app, deps.tokens, deps.wwwAuthenticateUri);
  useRoutePolicy(app, deps);
  if (deps.checkResponses) useResponseCheck(app);
  const routes: ApiRoute[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.decorate('protectorRoutes', routes);

  registerVersions(app);
  registerSites(app, deps);
  registerPairing(app, deps);
  registerTenantMappings(app, deps);
  registerProtectionGroups(app, deps);
  registerMembers(app, deps);
  registerPolicy(app, deps);
  registerResourceMappings(app, deps);
  registerMetadata(app, deps);
  registerOperations(app, deps);
  registerRunReports(app, deps);
  registerReplication(app, deps);
  registerActions(app, deps);
  registerPlans(app, deps);
  registerSiteFailover(app, deps);
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(errorBody(404, NOT_FOUND_MESSAGE));
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const e = toApiError(error);
    // The database away is an outage to report, not a fault of this service: a warning, no stack.
    if (isDatabaseUnavailable(error)) requestLogger(request).warn({ err: error.message }, 'database unreachable; answered 503');
    else if (e.status >= 500 && !(error instanceof ApiError)) requestLogger(request).error({ err: error }, 'unexpected error');
    reply.headers(e.headers).code(e.status).send(errorBody(e.status, e.message));
  });
  return app;
}

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof PolicyNotAuthorized) return new ApiError(403, error.message);
  if (error instanceof OperationInProgress) return new ApiError(409, error.message);
  // Its own message names the server; the caller learns only what to do.
  if (isDatabaseUnavailable(error)) return unavailable('The database of this Protector site is unreachable; the request was not carried out. Try again shortly.');
  const fe = error as FastifyError;
  if (fe.validation) return validationError(fe.validation as Parameters<typeof validationError>[0], fe.validationContext ?? 'request');
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ApiError(415, 'The request body must be application/json.');
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError(413, 'The request body is larger than 1 MiB.');
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new ApiError(400, 'The request body is empty.');
  if (fe.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return new ApiError(400, 'The request body does not have the size its Content-Length header announces.');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Framework messages may quote the request; ours never do.
    return new ApiError(fe.statusCode, fe.code?.startsWith('FST_') ? `The request could not be processed (${statusTitle(fe.statusCode)}).` : fe.message);
  }
  // Never a stack trace, nor the URL: the request id in the answer ties it to the log line.
  return new ApiError(500, 'An unexpected error occurred; it has been logged with the request id.');
}
