/**
 * Wires logging, request ids, metrics, `/metrics` and `/healthz` into a Fastify app with plain
 * hooks (no fastify-plugin dependency). Call it on the root instance before registering routes.
 *
 * `/metrics` and `/healthz` answer without a token so Prometheus and load balancers can reach
 * them; operators should restrict them at the proxy (they reveal project and PG ids). The auth
 * layer should skip OBSERVABILITY_PATHS.
 *
 * Create the app with Fastify's own request logging off (`disableRequestLogging: true`): it logs
 * raw URLs, and this module logs one line per request with the route pattern instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyTypeProvider,
  RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import { DEFAULT_HEALTH_TIMEOUT_MS, runHealthChecks, type HealthCheck } from './health.js';
import { logPlain } from './logger.js';
import { recordRequest, type ProtectorMetrics } from './metrics.js';
import { attachRootLogger, REQUEST_ID_HEADER, requestContext } from './request-context.js';

export const METRICS_PATH = '/metrics';
export const HEALTH_PATH = '/healthz';
export const OBSERVABILITY_PATHS: readonly string[] = [METRICS_PATH, HEALTH_PATH];

/** Route label for requests that matched no route, so probing random paths adds one series. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface ObservabilityOptions {
  logger: Logger;
  metrics: ProtectorMetrics;
  /** Named checks for `/healthz`, e.g. `{ database: () => db.ping() }`. */
  healthChecks?: Readonly<Record<string, HealthCheck>>;
  /** Per check; default 2 s. */
  healthTimeoutMs?: number;
  /** Run before each `/metrics` answer: sets the gauges read from elsewhere (the database). */
  beforeScrape?: () => Promise<void>;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Generic over the server's logger and type provider so TypeBox-typed apps fit too. */
export function registerObservability<L extends FastifyBaseLogger, P extends FastifyTypeProvider>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, L, P>,
  options: ObservabilityOptions,
): void {
  const { logger, metrics } = options;
  const healthChecks = options.healthChecks ?? {};
  const timeoutMs = options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;

  // The hooks that do not wait for anything call done() rather than return a promise: a promise
  // and a microtask per hook per request is measurable on the fastest reads.
  app.addHook('onRequest', (request, reply, done) => {
    attachRootLogger(request, logger);
    reply.header(REQUEST_ID_HEADER, requestContext(request).requestId);
    done();
  });

  // Again at send time: a hook registered before ours (auth) may have answered already, and
  // the id must be on every response, errors and 404s included.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!reply.hasHeader(REQUEST_ID_HEADER)) reply.header(REQUEST_ID_HEADER, requestContext(request).requestId);
    done(null, payload);
  });

  app.addHook('onError', async (request, _reply, error: FastifyError & { status?: unknown }) => {
    // 4xx are the caller's mistake and show in the request line (info, no stack); 5xx need the
    // error itself. Fastify's errors carry `statusCode`, the API's own (ApiError, policy) `status`.
    // A 503 is a dependency being away (the database, Keystone), said where it is answered: a
    // stack per refused request would bury the one line that matters.
    const status = typeof error.status === 'number' ? error.status : (error.statusCode ?? 500);
    if (status >= 500 && status !== 503) logger.error({ ...requestFields(request), err: error }, 'request failed');
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    recordRequest(metrics, { method, route, status, durationSeconds: seconds });
    // Scrapes come every few seconds: debug. The line holds only ids, the route pattern and
    // numbers, so it skips the scrubbing every other record gets (logPlain).
    const level = status >= 500 ? 'error' : OBSERVABILITY_PATHS.includes(route) && status < 400 ? 'debug' : 'info';
    if (logger.isLevelEnabled(level)) {
      const fields: Record<string, string | number> = requestFields(request);
      fields.method = method;
      fields.route = route;
      fields.status = status;
      fields.duration_ms = Math.round(reply.elapsedTime * 1000) / 1000;
      logPlain(logger, level, fields, `${method} ${route} ${status}`);
    }
    done();
  });

  app.get(METRICS_PATH, async (_request, reply) => {
    await options.beforeScrape?.();
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get(HEALTH_PATH, async (request, reply: FastifyReply) => {
    const report = await runHealthChecks(healthChecks, {
      timeoutMs,
      onFailure: (name, result, error) =>
        logger.warn({ ...requestFields(request), check: name, result, err: error }, `health check ${name}: ${result}`),
    });
    reply.code(report.status === 'ok' ? 200 : 503);
    return report;
  });
}

function routeOf(request: FastifyRequest): string {
  // routeOptions.url is the pattern (`/v1/:project_id/...`); absent when nothing matched.
  const url = request.is404 ? undefined : request.routeOptions.url;
  return url ?? UNMATCHED_ROUTE;
}

function requestFields(request: FastifyRequest): Record<string, string> {
  const ctx = requestContext(request);
  const fields: Record<string, string> = { request_id: ctx.requestId };
  if (ctx.globalRequestId) fields.global_request_id = ctx.globalRequestId;
  if (ctx.userId) fields.user_id = ctx.userId;
  if (ctx.projectId) fields.project_id = ctx.projectId;
  return fields;
}
